//! threadview: a local web viewer for archived discussions.

pub mod cut;
pub mod export;
pub mod formats;
pub mod load;
pub mod markdown;
pub mod model;
pub mod paging;
pub mod parse;
pub mod search;
pub mod site;
pub mod store;
pub mod thread;
pub mod thumbnail;
pub mod watch;
pub mod web;

/// What a panic said (its payload as text), for the log and the 500 page.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Gives back to the system the memory a burst of work freed (a parallel
/// load's file bytes, an index build's buffers). glibc keeps freed memory
/// in per-thread arenas otherwise, and the resident size would stay at the
/// peak.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it has no
    // preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes large allocations (the search index's buffers, a file's bytes)
/// come straight from the system and go straight back when freed, instead
/// of staying in the heap around smaller ones that live on. glibc raises
/// this threshold by itself after each large free, which leaves a server
/// that has built its index tens of megabytes larger for good.
pub fn return_large_allocations() {
    set_mmap_threshold(256 << 10);
}

/// The opposite, for a command that runs once and ends (an export): large
/// allocations are kept in the heap and reused, instead of each one being
/// mapped and zeroed afresh (compressing a hundred thousand pages spent
/// most of its time in the kernel so).
pub fn keep_large_allocations() {
    // glibc's largest threshold on 64-bit systems.
    set_mmap_threshold(32 << 20);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: as above. Nor are the threads' heaps given back (and made
    // anew) each time they empty.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
    }
}

fn set_mmap_threshold(bytes: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of the allocator (glibc
    // takes its lock to do so).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, bytes);
    }
}
