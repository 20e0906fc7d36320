//! Orders a discussion's comments for display: siblings sorted at every
//! level, each comment followed by its replies.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::model::Discussion;
use crate::search::Query;

/// How siblings are ordered at every level of a thread.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// File order: the order the source displayed them in (Reddit's own
    /// ranking, for a thread's JSON and bdfr).
    #[default]
    Original,
    /// Highest score first (ties oldest first); comments without a score
    /// come last.
    Top,
    /// Newest first; comments with an unknown time come last.
    New,
    /// Oldest first; comments with an unknown time come last.
    Old,
    /// By author name, case-insensitively.
    Author,
}

impl SortOrder {
    pub const ALL: [SortOrder; 5] = [
        SortOrder::Original,
        SortOrder::Top,
        SortOrder::New,
        SortOrder::Old,
        SortOrder::Author,
    ];

    /// The value used in URLs (`?sort=`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Original => "original",
            SortOrder::Top => "top",
            SortOrder::New => "new",
            SortOrder::Old => "old",
            SortOrder::Author => "author",
        }
    }

    /// Orders two comments (by index) of `discussion`; ties keep file order.
    fn compare(self, discussion: &Discussion, a: usize, b: usize) -> Ordering {
        let comments = discussion.comments();
        let (ca, cb) = (&comments[a], &comments[b]);
        let by_time = |newest_first: bool| match (ca.posted_at, cb.posted_at) {
            (Some(ta), Some(tb)) if newest_first => tb.cmp(&ta),
            (Some(ta), Some(tb)) => ta.cmp(&tb),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let primary = match self {
            SortOrder::Original => Ordering::Equal,
            SortOrder::Top => match (ca.marks.score(), cb.marks.score()) {
                (Some(sa), Some(sb)) => sb.cmp(&sa),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
            .then_with(|| by_time(false)),
            SortOrder::New => by_time(true),
            SortOrder::Old => by_time(false),
            SortOrder::Author => ca
                .author
                .to_lowercase()
                .cmp(&cb.author.to_lowercase())
                .then_with(|| ca.author.cmp(&cb.author)),
        };
        primary.then(a.cmp(&b))
    }
}

/// The order a discussion opens in (its address without `?sort=`): the
/// order its moderators suggested, where it is one of ours; else the
/// source's, when that is Reddit's ranking (a thread's JSON, bdfr); else,
/// where comments have scores (a dump: file order is time order), `top`;
/// else the file's.
pub fn default_sort(d: &Discussion) -> SortOrder {
    let post = d.post();
    let suggested = match post.and_then(|p| p.suggested_sort.as_deref()) {
        Some("new") => Some(SortOrder::New),
        Some("old") => Some(SortOrder::Old),
        Some("top") if d.has_scores() => Some(SortOrder::Top),
        _ => None,
    };
    let ranked = post.is_none_or(|p| p.ranked);
    suggested.unwrap_or(if !ranked && d.has_scores() {
        SortOrder::Top
    } else {
        SortOrder::Original
    })
}

/// The orders a discussion's menu offers: `original` only where the
/// file's order is not merely time order (a dump's), `top` only where
/// comments have scores.
pub fn sort_options(d: &Discussion) -> Vec<SortOrder> {
    let original = d.post().is_none_or(|p| p.ranked);
    let top = d.has_scores();
    SortOrder::ALL
        .into_iter()
        .filter(|&s| match s {
            SortOrder::Original => original,
            SortOrder::Top => top,
            _ => true,
        })
        .collect()
}

/// The comments under (and including) `starts`, in display order: each
/// comment before its replies, siblings (and `starts` themselves) sorted by
/// `sort`, pinned (stickied) comments first among their siblings, as
/// Reddit shows them. Iterative, so any depth is safe.
pub fn display_order(discussion: &Discussion, starts: &[usize], sort: SortOrder) -> Vec<usize> {
    let comments = discussion.comments();
    let sorted = |indices: &mut dyn Iterator<Item = usize>| {
        let mut v: Vec<usize> = indices.collect();
        sort_siblings(discussion, &mut v, sort);
        if v.iter().any(|&i| comments[i].marks.stickied()) {
            // Stable: each part keeps the order just made.
            v.sort_by_key(|&i| !comments[i].marks.stickied());
        }
        v
    };
    let mut order = Vec::new();
    // A stack of sibling lists, each reversed so the next one is at the end.
    let mut stack: Vec<Vec<usize>> = vec![
        sorted(&mut starts.iter().copied())
            .into_iter()
            .rev()
            .collect(),
    ];
    while let Some(siblings) = stack.last_mut() {
        match siblings.pop() {
            Some(next) => {
                order.push(next);
                let replies = discussion.replies(next);
                if !replies.is_empty() {
                    let mut replies = replies.iter().map(|&r| r as usize);
                    stack.push(sorted(&mut replies).into_iter().rev().collect());
                }
            }
            None => {
                stack.pop();
            }
        }
    }
    order
}

/// Sorts comments (by index) as one list of siblings.
pub fn sort_siblings(discussion: &Discussion, indices: &mut [usize], sort: SortOrder) {
    if sort != SortOrder::Original {
        indices.sort_by(|&a, &b| sort.compare(discussion, a, b));
    }
}

/// The whole thread in display order.
pub fn thread_order(discussion: &Discussion, sort: SortOrder) -> Vec<usize> {
    display_order(discussion, discussion.roots(), sort)
}

/// Which comments of a discussion a view shows, and how.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter<'a> {
    pub sort: SortOrder,
    /// Only this author's comments.
    pub author: Option<&'a str>,
    /// Only comments matching this search.
    pub query: Option<&'a Query>,
    /// All comments flat, in time order (`Original` sorts oldest first).
    pub timeline: bool,
}

impl Filter<'_> {
    /// A discussion's default view: its thread (in its default order), or
    /// with `timeline` its timeline, unfiltered.
    pub fn default_view(d: &Discussion, timeline: bool) -> Filter<'static> {
        Filter {
            timeline,
            sort: if timeline {
                SortOrder::Original
            } else {
                default_sort(d)
            },
            ..Filter::default()
        }
    }

    /// The order the view applies: a timeline in "original" order is
    /// oldest first (it has no original order of its own).
    pub fn applied_sort(&self) -> SortOrder {
        match self.sort {
            SortOrder::Original if self.timeline => SortOrder::Old,
            other => other,
        }
    }
}

/// How the selected comments are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Nested by reply: each comment before its replies.
    Tree,
    /// One list, no nesting.
    Flat,
}

/// The comments a view shows, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub order: Vec<usize>,
    pub layout: Layout,
}

/// Selects and orders comments: a timeline or an author filter gives a flat
/// list; a search alone keeps the tree, with the parents of each match for
/// context.
pub fn select(d: &Discussion, filter: &Filter) -> Selection {
    let comments = d.comments();
    let wanted = |i: usize| {
        filter.author.is_none_or(|a| &*comments[i].author == a)
            && filter.query.is_none_or(|q| q.matches_comment(d, i))
    };
    if filter.timeline || filter.author.is_some() {
        let mut order: Vec<usize> = (0..comments.len()).filter(|&i| wanted(i)).collect();
        sort_siblings(d, &mut order, filter.applied_sort());
        return Selection {
            order,
            layout: Layout::Flat,
        };
    }
    let mut order = thread_order(d, filter.sort);
    if filter.query.is_some() {
        let mut shown = vec![false; comments.len()];
        for i in (0..comments.len()).filter(|&i| wanted(i)) {
            let mut at = Some(i);
            while let Some(index) = at.filter(|&index| !shown[index]) {
                shown[index] = true;
                at = comments[index].parent();
            }
        }
        order.retain(|&i| shown[i]);
    }
    Selection {
        order,
        layout: Layout::Tree,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// A Reddit thread's JSON whose post suggests `suggested` (JSON), with
    /// two scored comments.
    fn suggesting(suggested: &str) -> Discussion {
        let json = format!(
            r#"[{{"kind":"Listing","data":{{"children":[{{"kind":"t3","data":{{"id":"p","title":"T","suggested_sort":{suggested}}}}}]}}}},
            {{"kind":"Listing","data":{{"children":[
              {{"kind":"t1","data":{{"id":"a","author":"x","body":"a","created_utc":2,"parent_id":"t3_p","score":1}}}},
              {{"kind":"t1","data":{{"id":"b","author":"y","body":"b","created_utc":1,"parent_id":"t3_p","score":9}}}}]}}}}]"#
        );
        crate::formats::json::parse("t.json", json.as_bytes())
            .discussion
            .unwrap()
    }

    #[test]
    fn a_thread_opens_in_the_order_its_moderators_suggest_when_it_is_ours() {
        assert_eq!(default_sort(&suggesting("null")), SortOrder::Original);
        assert_eq!(
            default_sort(&suggesting(r#""confidence""#)),
            SortOrder::Original
        );
        assert_eq!(default_sort(&suggesting(r#""new""#)), SortOrder::New);
        assert_eq!(default_sort(&suggesting(r#""old""#)), SortOrder::Old);
        assert_eq!(default_sort(&suggesting(r#""top""#)), SortOrder::Top);
        assert_eq!(default_sort(&suggesting(r#""qa""#)), SortOrder::Original);
        // Our text format: the file's order, and no `top` to offer.
        let text = parse("t.txt", DOC).discussion.unwrap();
        assert_eq!(default_sort(&text), SortOrder::Original);
        assert!(!sort_options(&text).contains(&SortOrder::Top));
        assert!(sort_options(&suggesting("null")).contains(&SortOrder::Top));
    }

    const DOC: &str = r"T

b on May 1, 2020 at 02:00 UTC »
    a on May 1, 2020 at 05:00 UTC »
    C on May 1, 2020 at 03:00 UTC »
        d on May 1, 2020 at 04:00 UTC »
a on May 1, 2020 at 01:00 UTC »
x on February 30, 2020 at 01:00 UTC »
";

    fn authors(sort: SortOrder) -> String {
        let d = parse("t.txt", DOC).discussion.unwrap();
        thread_order(&d, sort)
            .iter()
            .map(|&i| {
                let c = &d.comments()[i];
                format!("{}{}", ".".repeat(c.depth()), c.author)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn siblings_sort_at_every_level_and_replies_follow_their_parent() {
        assert_eq!(authors(SortOrder::Original), "b .a .C ..d a x");
        assert_eq!(authors(SortOrder::New), "b .a .C ..d a x");
        assert_eq!(authors(SortOrder::Old), "a b .C ..d .a x");
        assert_eq!(authors(SortOrder::Author), "a b .a .C ..d x");
    }

    fn selected(filter: Filter) -> (String, Layout) {
        let d = parse("t.txt", DOC).discussion.unwrap();
        let s = select(&d, &filter);
        let names = s
            .order
            .iter()
            .map(|&i| &*d.comments()[i].author)
            .collect::<Vec<_>>()
            .join(" ");
        (names, s.layout)
    }

    #[test]
    fn a_timeline_is_flat_in_time_order() {
        let timeline = Filter {
            timeline: true,
            ..Filter::default()
        };
        assert_eq!(selected(timeline), ("a b C d a x".into(), Layout::Flat));
        let newest = Filter {
            sort: SortOrder::New,
            ..timeline
        };
        assert_eq!(selected(newest).0, "a d C b a x");
    }

    #[test]
    fn an_author_filter_is_flat() {
        let only_a = Filter {
            author: Some("a"),
            ..Filter::default()
        };
        assert_eq!(selected(only_a), ("a a".into(), Layout::Flat));
    }

    #[test]
    fn a_search_keeps_the_parents_of_each_match() {
        let d = parse(
            "t.txt",
            "T\n\nr on May 1, 2020 at 01:00 UTC »\nroot\n  s on May 1, 2020 at 02:00 UTC »\nsibling\n  m on May 1, 2020 at 03:00 UTC »\nneedle\n",
        )
        .discussion
        .unwrap();
        let q = Query::new("NEEDLE").unwrap();
        let s = select(
            &d,
            &Filter {
                query: Some(&q),
                ..Filter::default()
            },
        );
        assert_eq!(s.order, [0, 2]);
        assert_eq!(s.layout, Layout::Tree);
    }

    #[test]
    fn sort_values_round_trip_through_urls() {
        for sort in SortOrder::ALL {
            let json = format!("\"{}\"", sort.as_str());
            assert_eq!(serde_json::from_str::<SortOrder>(&json).unwrap(), sort);
        }
    }
}
