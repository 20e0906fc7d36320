//! Live reload: the archive folder is watched, and after each burst of
//! changes a whole new archive is swapped in. A request sees the old archive
//! or the new one, never a mix.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::load::Loader;
use crate::web::AppState;

/// How long the folder must be quiet before a reload: editors and copy
/// tools write a file in several steps.
const QUIET: Duration = Duration::from_millis(150);
/// A burst of changes never delays a reload longer than this.
const MAX_DELAY: Duration = Duration::from_millis(1000);

/// A running watch; dropping it stops watching.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A change: the paths it names, or `None` when the watcher lost track and
/// everything must be read again.
type Change = Option<Vec<PathBuf>>;

/// Watches the loader's folder and reloads `state` on change. Must be
/// called inside a tokio runtime.
pub fn watch(loader: Loader, state: Arc<AppState>) -> notify::Result<Watch> {
    let (tx, rx) = mpsc::unbounded_channel::<Change>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let change = match event {
            // Reading a file (as the reload itself does) changes nothing.
            Ok(event) if event.kind.is_access() => return,
            Ok(event) if event.need_rescan() => None,
            Ok(event) => Some(event.paths),
            Err(_) => None,
        };
        let _ = tx.send(change);
    })?;
    // Subfolders too (bdfr writes one per subreddit), and the media
    // folders outside the archive's.
    watcher.watch(loader.dir(), RecursiveMode::Recursive)?;
    for dir in loader.media_dirs() {
        if !dir.starts_with(loader.dir()) {
            watcher.watch(dir, RecursiveMode::Recursive)?;
        }
    }
    let task = tokio::spawn(reload_on_change(loader, state, rx));
    Ok(Watch {
        _watcher: watcher,
        task,
    })
}

async fn reload_on_change(
    mut loader: Loader,
    state: Arc<AppState>,
    mut rx: mpsc::UnboundedReceiver<Change>,
) {
    while let Some(first) = rx.recv().await {
        // Gather the burst.
        let mut changed = HashSet::new();
        let mut everything = false;
        let mut note = |change: Change, changed: &mut HashSet<PathBuf>| match change {
            Some(paths) => changed.extend(paths),
            None => everything = true,
        };
        note(first, &mut changed);
        let deadline = tokio::time::Instant::now() + MAX_DELAY;
        while let Ok(Some(change)) =
            tokio::time::timeout_at(deadline.min(tokio::time::Instant::now() + QUIET), rx.recv())
                .await
        {
            note(change, &mut changed);
        }
        changed.retain(|p| loader.watches(p));
        if changed.is_empty() && !everything {
            continue;
        }
        let (back, result) = tokio::task::spawn_blocking(move || {
            // A panic in a parser must not end live reload: the loader
            // comes back either way, and the next change is read again.
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loader.load(&changed)));
            (loader, result)
        })
        .await
        .expect("the reload's panics are caught inside it");
        loader = back;
        match result {
            Err(panic) => {
                let cause = crate::panic_message(&*panic);
                tracing::error!(
                    "reading the changed files failed (a bug: {cause}); keeping the archive, and reading them again at the next change"
                );
            }
            Ok(Err(err)) => tracing::warn!("cannot read the folder, keeping the archive: {err}"),
            Ok(Ok(loaded)) => {
                tracing::info!(
                    discussions = loaded.archive.discussions().len(),
                    comments = loaded.archive.comment_count(),
                    diagnostics = loaded.archive.diagnostics.len(),
                    files_read = loaded.files_read,
                    "reloaded in {:.1?}",
                    loaded.elapsed
                );
                state.replace(loaded.archive);
            }
        }
    }
}
