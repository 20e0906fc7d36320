//! A dump larger than 100 MB loads in memory proportional to what is kept,
//! not to the file: measured by a counting allocator, in a test binary of
//! its own so nothing else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only the
// byte counts are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Writes a dump shaped like the real ones: each line carries many fields
/// the model does not keep (scores, flair, awards, permalinks) around a
/// short body.
fn write_dump(path: &std::path::Path, posts: usize, per_post: usize) -> (u64, usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let filler = "x".repeat(900);
    let mut body_bytes = 0;
    for p in 0..posts {
        writeln!(
            out,
            r#"{{"id":"p{p}","title":"Thread {p}","selftext":"","author":"op{p}","created_utc":{},"subreddit":"gen","domain":"self.gen"}}"#,
            1_600_000_000 + p * 1000
        )
        .unwrap();
        for c in 0..per_post {
            let parent = if c == 0 {
                format!("t3_p{p}")
            } else {
                format!("t1_p{p}c{}", c / 2)
            };
            let body = format!("Comment {c} in thread {p}, with a few words of its own.");
            body_bytes += body.len();
            writeln!(
                out,
                r#"{{"all_awardings":[],"author":"user{}","author_flair_text":null,"author_fullname":"t2_{filler}","body":"{body}","created_utc":"{}","edited":false,"id":"p{p}c{c}","link_id":"t3_p{p}","parent_id":"{parent}","permalink":"/r/gen/comments/p{p}/_/p{p}c{c}/","score":{c},"subreddit":"gen"}}"#,
                c % 977,
                1_600_000_000 + p * 1000 + c,
            )
            .unwrap();
        }
    }
    out.flush().unwrap();
    (std::fs::metadata(path).unwrap().len(), body_bytes)
}

#[test]
fn a_dump_over_100_mb_loads_in_memory_proportional_to_what_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (posts, per_post) = (100, 1000);
    let (file_bytes, body_bytes) =
        write_dump(&dir.path().join("r_gen_comments.jsonl"), posts, per_post);
    assert!(file_bytes > 100_000_000, "{file_bytes} bytes");

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let loaded = threadview::load::load_dir(dir.path()).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let kept = LIVE.load(Ordering::Relaxed) - before;

    let archive = &loaded.archive;
    assert_eq!(archive.comment_count(), posts * per_post);
    assert!(
        archive.diagnostics.is_empty(),
        "{:?}",
        &archive.diagnostics[..3]
    );
    let d = archive.get("p7").unwrap().unwrap();
    let c = d.find("p7c9").unwrap();
    assert_eq!(
        d.comments()[d.comments()[c].parent().unwrap()].id.as_str(),
        "p7c4"
    );

    eprintln!(
        "file {} MB, bodies {} MB, kept {} MB, peak {} MB",
        file_bytes >> 20,
        body_bytes >> 20,
        kept >> 20,
        peak >> 20
    );
    // What the archive keeps is each thread's head: the comments are in
    // the store (here `load_dir`'s, in memory: SQLite's own allocations,
    // which this counter does not see).
    assert!(
        kept < file_bytes as usize / 100,
        "kept {kept} of {file_bytes}"
    );
    // While loading, what is read waits in two chunks of 4 MiB at most,
    // plus the comments as read before their threads are built and
    // written: a fraction of the file, never the file.
    assert!(
        peak < file_bytes as usize / 3,
        "peak {peak} of {file_bytes}"
    );
}
