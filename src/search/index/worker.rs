//! The thread that builds the index and keeps it at the archive's latest
//! version: it opens the index, then applies each version it is sent
//! (only the latest of a burst), and says how far it is in the index's
//! [`Status`].

use std::sync::Weak;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use tantivy::{IndexWriter, TantivyDocument};

use super::store::{Contents, Engine};
use super::{Location, Progress, SearchIndex, Status, Update};

type Writer = IndexWriter<TantivyDocument>;

/// The worker: runs until the index is dropped (its channel closes).
pub fn run(index: Weak<SearchIndex>, first: Update, rx: Receiver<Update>) {
    let started = Instant::now();
    let Some((mut contents, writer)) = open(&index) else {
        return;
    };
    // A writer is kept only while it works: its merges are waited for
    // and its memory returned after each update.
    let mut writer = Some(writer);
    let mut next = Some(first);
    while let Some(mut update) = next.take() {
        // A burst of reloads: only the latest matters.
        while let Ok(newer) = rx.try_recv() {
            update = newer;
        }
        let Some(index) = index.upgrade() else { break };
        let Some(engine) = index.engine.get() else {
            break;
        };
        match writer.take().map_or_else(|| engine.writer(), Ok) {
            Ok(current) => apply(&index, engine, &mut contents, current, &update, started),
            Err(e) => tracing::error!("cannot update the search index: {e}"),
        }
        // Not the archive it indexed, while waiting (its caches with it).
        drop(update);
        drop(index);
        crate::release_freed_memory();
        next = rx.recv().ok();
    }
}

/// Opens the index and its writer. Another process may hold the folder's
/// index (a second server on the same archive, or one that is just
/// stopping): then, after a moment, an index in memory instead.
fn open(index: &Weak<SearchIndex>) -> Option<(Contents, Writer)> {
    let index = index.upgrade()?;
    let mut location = index.location.clone();
    let opened = Engine::open(&location).map(|(engine, manifest)| {
        let writer = engine.writer();
        (engine, manifest, writer)
    });
    let (engine, manifest, writer) = match opened {
        Ok((engine, manifest, Ok(writer))) => (engine, manifest, writer),
        Ok((_, _, Err(e))) => {
            tracing::warn!(
                "the search index's folder is in use ({e}); keeping the index in memory"
            );
            location = Location::Memory;
            let in_memory = Engine::open(&location).and_then(|(engine, manifest)| {
                let writer = engine.writer()?;
                Ok((engine, manifest, writer))
            });
            match in_memory {
                Ok(opened) => opened,
                Err(e) => {
                    index.fail(&format!("cannot write the search index: {e}"));
                    return None;
                }
            }
        }
        Err(e) => {
            index.fail(&format!("cannot open the search index: {e}"));
            return None;
        }
    };
    index.engine.get_or_init(|| engine);
    let contents = Contents {
        location,
        indexed: manifest.discussions,
    };
    Some((contents, writer))
}

/// Brings the index to `update`, then moves searches to its merged
/// segments.
fn apply(
    index: &SearchIndex,
    engine: &Engine,
    contents: &mut Contents,
    mut writer: Writer,
    update: &Update,
    started: Instant,
) {
    let first = !index.is_ready();
    let progress = |done, total| {
        if first {
            index.set_status(Status::Building(Progress { done, total }));
        }
    };
    let synced = contents.sync(engine, &mut writer, &update.archive, &progress);
    if let Err(e) = writer.wait_merging_threads() {
        tracing::warn!("merging the search index's segments failed: {e}");
    }
    // Searches move to the merged segments; the old ones go.
    if let Err(e) = engine.reader.reload() {
        tracing::warn!("reloading the search index failed: {e}");
    }
    let written = match synced {
        Ok(written) => written,
        Err(e) => return tracing::error!("updating the search index failed: {e}"),
    };
    index.set_status(Status::Ready {
        version: update.version,
        last_written: written,
    });
    if first {
        tracing::info!(
            "search index ready in {:.1?} ({written} documents written, {})",
            started.elapsed(),
            contents.location.describe()
        );
    } else if written > 0 {
        tracing::info!("search index updated: {written} documents written");
    }
}
