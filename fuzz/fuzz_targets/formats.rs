//! Fuzzes the readers of Reddit's formats (a thread JSON file, a dump) with
//! arbitrary bytes: they must never panic, and the threads they build must
//! hold the model's invariants (their media included). Run with
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run formats`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadview::formats::{dump::Dumps, json};
use threadview::model::{Discussion, shown};
use threadview::thread::{SortOrder, default_sort, thread_order};

fn check(d: &Discussion) {
    // Every mark reads back (labels in range), and every order, `top`
    // and pinned comments first included, keeps every comment once.
    for (i, c) in d.comments().iter().enumerate() {
        let m = c.marks;
        let _ = (m.score(), m.edited(), m.distinguished(), d.flair(i), d.removal(i));
    }
    for sort in SortOrder::ALL {
        let mut order = thread_order(d, sort);
        assert_eq!(order.len(), d.comments().len());
        order.sort_unstable();
        order.dedup();
        assert_eq!(order.len(), d.comments().len());
    }
    let _ = default_sort(d);
    // Media: every comment's belongs to a comment, and a post's show as
    // many as the source names (none on disk here).
    for (i, m) in d.all_comment_media() {
        assert!(i < d.comments().len());
        assert!(!m.url.is_empty() || m.removed);
    }
    assert_eq!(shown(d.media(), &[]).len(), d.media().len());
    for m in d.media() {
        if let Some((w, h)) = m.size() {
            assert!(w > 0 && h > 0);
        }
    }
    for (i, c) in d.comments().iter().enumerate() {
        match c.parent() {
            Some(p) => {
                assert!(p < i, "a reply follows its parent");
                assert_eq!(d.comments()[p].depth() + 1, c.depth());
            }
            None => assert_eq!(c.depth(), 0),
        }
        assert_eq!(d.find(c.id.as_str()), Some(i), "ids are unique");
    }
}

fuzz_target!(|data: &[u8]| {
    let parsed = json::parse("fuzz.json", data);
    match &parsed.discussion {
        Some(d) => check(d),
        None => assert!(!parsed.diagnostics.is_empty(), "a skipped file says why"),
    }
    let mut dumps = Dumps::default();
    dumps.read("fuzz.jsonl", data);
    let (discussions, _) = dumps.finish();
    discussions.iter().for_each(check);
});
