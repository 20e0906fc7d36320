//! The archive's search index (tantivy): one document per article (title
//! and body) and per comment, with the discussion, the comment, its author
//! (exact) and time (for ranges and sorting) beside the analyzed text.
//!
//! It lives in a folder of its own (the user's cache folder by default;
//! [`Location`]), with a manifest of what each discussion was when indexed
//! ([`store`]), so a restart on an unchanged archive reuses it at once and
//! a reload re-indexes only the discussions that changed. A worker thread
//! ([`worker`]) builds and updates it and says how far it is in one
//! [`Status`]; until the first build is done, searches answer `None` and
//! the caller scans instead ([`query`] is the searching). An index that
//! fails its checksums, or whose manifest does not match its last commit
//! (a build killed half way), is rebuilt, never served.

mod location;
mod query;
mod store;
mod worker;

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

pub use location::{Location, cache_path};
use store::Engine;

use super::{Query, ResultOrder, Results};
use crate::model::Archive;

/// A version of the archive to index.
pub struct Update {
    /// Increases with each version.
    pub version: u64,
    /// The archive of that version (its discussions read as they are
    /// indexed).
    pub archive: Arc<Archive>,
}

/// How far the first build is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

impl Progress {
    /// Whole percent, 0 to 99 while building.
    pub fn percent(&self) -> u64 {
        (self.done * 100)
            .checked_div(self.total)
            .unwrap_or(0)
            .min(99)
    }
}

/// Where the index is: the worker changes it, searches and waiters read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Being opened or built for the first time.
    Building(Progress),
    /// Searches use it. It holds the archive's `version` (an update to a
    /// later one may be under way); `last_written`: the documents that
    /// update wrote (0 when nothing had changed).
    Ready { version: u64, last_written: u64 },
    /// It could not be opened or written: searches scan for good.
    Failed,
}

/// The index and its worker.
pub struct SearchIndex {
    location: Location,
    engine: OnceLock<Engine>,
    status: Mutex<Status>,
    /// Told each time the status changes.
    changed: Condvar,
    updates: Mutex<Option<Sender<Update>>>,
}

impl SearchIndex {
    /// An index at `location` that is not started yet (searches scan
    /// until [`SearchIndex::start`] has built it).
    pub fn new(location: Location) -> Arc<SearchIndex> {
        Arc::new(SearchIndex {
            location,
            engine: OnceLock::new(),
            status: Mutex::new(Status::Building(Progress::default())),
            changed: Condvar::new(),
            updates: Mutex::new(None),
        })
    }

    /// Starts the worker on the archive's first version: it opens (or
    /// builds) the index in the background.
    pub fn start(self: &Arc<Self>, first: Update) {
        let (tx, rx) = channel();
        if let Ok(mut updates) = self.updates.lock() {
            *updates = Some(tx);
        }
        // The worker holds the index weakly: when its last owner lets go,
        // the channel closes and the worker ends, releasing the writer.
        let worker = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("search-index".to_owned())
            .spawn(move || worker::run(worker, first, rx));
        if let Err(e) = spawned {
            self.fail(&format!("cannot start the search index: {e}"));
        }
    }

    /// Queues a new version of the archive (a reload).
    pub fn update(&self, update: Update) {
        if let Some(tx) = self.updates.lock().ok().and_then(|tx| tx.clone()) {
            let _ = tx.send(update);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Status> {
        // The status is a plain value: a panic elsewhere cannot leave it
        // half written.
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the index is now.
    pub fn status(&self) -> Status {
        *self.lock()
    }

    fn set_status(&self, status: Status) {
        *self.lock() = status;
        self.changed.notify_all();
    }

    fn fail(&self, why: &str) {
        tracing::error!("{why}; searches scan the archive instead");
        self.set_status(Status::Failed);
    }

    /// Whether the index could not be made (searches scan for good).
    pub fn has_failed(&self) -> bool {
        self.status() == Status::Failed
    }

    /// Documents written by the last update: 0 when nothing had changed.
    pub fn last_written(&self) -> u64 {
        match self.status() {
            Status::Ready { last_written, .. } => last_written,
            _ => 0,
        }
    }

    /// Whether searches use the index.
    pub fn is_ready(&self) -> bool {
        matches!(self.status(), Status::Ready { .. })
    }

    /// The archive version the index holds (0 before the first build).
    pub fn version(&self) -> u64 {
        match self.status() {
            Status::Ready { version, .. } => version,
            _ => 0,
        }
    }

    /// How far the first build is.
    pub fn progress(&self) -> Progress {
        match self.status() {
            Status::Building(progress) => progress,
            _ => Progress::default(),
        }
    }

    /// Waits (at most `limit`) until `done` holds of the status, or the
    /// index has failed; whether `done` holds.
    fn wait_until(&self, limit: Duration, done: impl Fn(&Status) -> bool) -> bool {
        let guard = self.lock();
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, limit, |s| !done(s) && *s != Status::Failed)
            .unwrap_or_else(|e| e.into_inner());
        done(&guard)
    }

    /// Waits (at most `limit`) for the first build: for tests and tools.
    pub fn wait_ready(&self, limit: Duration) -> bool {
        self.wait_until(limit, |s| matches!(s, Status::Ready { .. }))
    }

    /// Waits (at most `limit`) until the index holds archive `version`.
    pub fn wait_version(&self, version: u64, limit: Duration) -> bool {
        self.wait_until(
            limit,
            |s| matches!(s, Status::Ready { version: held, .. } if *held >= version),
        )
    }

    /// A page of the archive's matches (`None` until the index is ready).
    /// Hits that no longer match the archive (it changed since indexing)
    /// are left out.
    pub fn search(
        &self,
        archive: &Archive,
        query: &Query,
        order: ResultOrder,
        offset: usize,
        limit: usize,
    ) -> Option<tantivy::Result<Results>> {
        let engine = self.engine.get().filter(|_| self.is_ready())?;
        Some(query::search(engine, archive, query, order, offset, limit))
    }
}
