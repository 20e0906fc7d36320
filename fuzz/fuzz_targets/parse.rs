//! Fuzzes the parser with arbitrary bytes: it must never panic, and what it
//! returns must hold the model's invariants. Run with
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run parse` (see BENCHMARKS.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadview::parse::parse_bytes;
use threadview::thread::{SortOrder, thread_order};

fuzz_target!(|data: &[u8]| {
    let parsed = parse_bytes("fuzz.txt", data);
    for d in &parsed.diagnostics {
        assert_eq!(d.file, "fuzz.txt");
    }
    let Some(d) = parsed.discussion else {
        assert!(!parsed.diagnostics.is_empty(), "a skipped file says why");
        return;
    };
    assert!(!d.title.is_empty() || data.iter().all(|b| b.is_ascii_whitespace()));
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
    for sort in SortOrder::ALL {
        assert_eq!(thread_order(&d, sort).len(), d.comments().len());
    }
    let _ = threadview::markdown::to_html(&d.body);
});
