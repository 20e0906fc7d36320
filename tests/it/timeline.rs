//! Timelines read their pages from the store's index of times: each
//! selection (the archive, a community, a period), cut into pages of any
//! size, gives every comment once, in time order with those of the same
//! time in archive order and those of no known time last, and the page
//! for a day is the one that holds its first comment.

use chrono::NaiveDate;
use threadview::model::{Archive, Community, Timed};
use threadview::site::query::Day;
use threadview::site::time_pages::{Selection, TimePages};

/// Sixty discussions of three sources, their comments on a few days, many
/// in the same minute, and some of a time that cannot be (kept with none).
fn archive() -> (tempfile::TempDir, Archive) {
    let dir = tempfile::tempdir().unwrap();
    let sources = ["one.example", "two.example", "self.Rust"];
    for i in 0..60 {
        let mut text = format!(
            "Discussion {i}\n\nAuthored by {} and submitted by ann\n\nThe article.\n\n",
            sources[i % 3]
        );
        for c in 0..(5 + i % 9) {
            let day = 1 + (i + c) % 4;
            let minute = (i * c) % 3;
            let date = match (i + c) % 17 {
                0 => "February 30th, 2024".to_owned(),
                _ => format!("March {day}th, 2024"),
            };
            text.push_str(&format!(
                "user{} on {date} at 10:{minute:02} UTC »\n\nComment {c} of {i}.\n\n",
                c % 5
            ));
        }
        std::fs::write(dir.path().join(format!("d{i:02}.txt")), text).unwrap();
    }
    let archive = crate::load(dir.path()).unwrap().archive;
    (dir, archive)
}

/// What a timeline of `selection` holds, counted from the discussions.
fn expected(archive: &Archive, selection: &Selection) -> Vec<(Option<i64>, (usize, usize))> {
    let whole = archive.whole().unwrap();
    let from = selection.after.map(|d| d.start().timestamp());
    let to = selection.before.map(|d| d.start().timestamp());
    let mut all = Vec::new();
    for (i, d) in whole.iter().enumerate() {
        let member = selection
            .community
            .as_ref()
            .is_none_or(|c| d.community().is_some_and(|of| of.is(c)));
        for (c, comment) in d.comments().iter().enumerate() {
            let at = comment.posted_at.map(|t| t.timestamp());
            let kept = match at {
                Some(at) => from.is_none_or(|f| at >= f) && to.is_none_or(|t| at < t),
                None => to.is_none(),
            };
            if member && kept {
                all.push((at, (i, c)));
            }
        }
    }
    all.sort_by_key(|&(at, place)| (at.unwrap_or(i64::MAX), place));
    all
}

fn place(t: &Timed) -> (Option<i64>, (usize, usize)) {
    (
        t.posted_at().map(|at| at.timestamp()),
        (t.at.discussion(), t.at.comment()),
    )
}

#[test]
fn every_timeline_gives_each_comment_once_in_time_order_on_pages_of_any_size() {
    let (_dir, archive) = archive();
    let day = |d: u32| Some(Day(NaiveDate::from_ymd_opt(2024, 3, d).unwrap()));
    let rust = Some(Community::Subreddit("Rust".to_owned()));
    let mut checked = 0;
    for community in [
        None,
        rust,
        Some(Community::Source("two.example".to_owned())),
    ] {
        for (after, before) in [
            (None, None),
            (day(2), None),
            (None, day(3)),
            (day(2), day(4)),
        ] {
            for per_page in [None, Some(7), Some(1), Some(1000)] {
                let selection = Selection {
                    community: community.clone(),
                    after,
                    before,
                    per_page,
                };
                let timeline = TimePages::new(&archive, &selection).unwrap();
                let expected = expected(&archive, &selection);
                assert!(!expected.is_empty(), "{selection:?}");
                assert_eq!(timeline.comment_count(), expected.len(), "{selection:?}");
                let mut read = Vec::new();
                for page in 1..=timeline.pages.count() {
                    let comments = timeline.page(&archive, page).unwrap();
                    assert_eq!(comments.len(), timeline.pages.range(page).unwrap().len());
                    read.extend(comments.iter().map(place));
                }
                assert_eq!(read, expected, "{selection:?}");
                assert!(
                    timeline
                        .page(&archive, timeline.pages.count() + 1)
                        .unwrap()
                        .is_empty()
                );
                // The page for a day holds its first comment.
                for d in 1..=5 {
                    let start = day(d).unwrap().start().timestamp();
                    let first = expected
                        .iter()
                        .position(|&(at, _)| at.is_none_or(|at| at >= start))
                        .unwrap_or(expected.len())
                        .min(expected.len() - 1);
                    let page = timeline.page_at(&archive, start).unwrap();
                    assert_eq!(
                        page,
                        timeline.pages.page_of(first),
                        "{selection:?}, day {d}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 48);
}
