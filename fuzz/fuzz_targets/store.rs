//! Fuzzes the store's round trip: whatever a reader makes of arbitrary
//! bytes (as our text format, or as a Reddit thread), written to a store and
//! read back, must be the same discussion, with the same fingerprint; the
//! activity it keeps counts its comments by month, and the file gone, none.
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run store`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadview::formats::json;
use std::sync::Arc;

use threadview::model::{Counted, Names, Shelf};
use threadview::parse::parse_bytes;
use threadview::store::{FileKind, Fingerprint, Made, Record, Store, StoreShelf};

fuzz_target!(|data: &[u8]| {
    let (kind, parsed) = match data.first() {
        Some(b'[') | Some(b'{') => (FileKind::Thread, json::parse("fuzz.json", data)),
        _ => (FileKind::Text, parse_bytes("fuzz.txt", data)),
    };
    let mut store = Store::in_memory().expect("a store in memory");
    let record = Record {
        path: "fuzz".to_owned(),
        kind,
        fingerprint: Some(Fingerprint {
            size: data.len() as u64,
            modified_ns: 0,
            hash: None,
        }),
        discussion: parsed.discussion.as_ref().map_or(Made::Nothing, Made::New),
        diagnostics: &parsed.diagnostics,
    };
    store.write(&[record], &[]).expect("the store takes what a reader made");
    let files = store.files().expect("its files read back");
    let (discussions, diagnostics) = store
        .made_by(Some(&files[0]), &Names::default())
        .expect("what it made reads back");
    assert_eq!(discussions.first(), parsed.discussion.as_ref());
    assert_eq!(discussions.len(), usize::from(parsed.discussion.is_some()));
    if let Some(d) = &parsed.discussion {
        assert_eq!(discussions[0].fingerprint(), d.fingerprint());
        let heads = store.heads().expect("its heads read back");
        assert_eq!(heads[0].head, d.head());
    }
    assert_eq!(diagnostics, parsed.diagnostics);
    let shelf = StoreShelf::new(&store, Arc::new(Names::default())).expect("a reader");
    let counted = |community, span| {
        let mut total = 0;
        shelf
            .activity(community, span, &mut |_, n| total += n)
            .expect("the activity reads back");
        total as usize
    };
    if let Some(d) = &parsed.discussion {
        assert_eq!(counted(d.community(), Counted::All), d.comments().len());
        assert_eq!(counted(None, Counted::All), d.comments().len());
        for &(month, n) in d.comment_months() {
            let (year, month) = ((month / 12) as i32, month % 12 + 1);
            if year <= 9999 {
                assert_eq!(counted(None, Counted::Month(year, month)), n as usize);
            }
        }
    }
    store.write(&[], &["fuzz".to_owned()]).expect("the file goes");
    assert_eq!(counted(None, Counted::All), 0);
});
