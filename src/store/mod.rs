//! The store: the parsed archive kept in SQLite, so a start on an unchanged
//! folder reads rows instead of parsing documents, and so people can ask
//! their archive questions with `sqlite3` or Datasette (`docs/SCHEMA.md`).
//!
//! It holds what each document file made (its discussions with every field
//! of the model, and its diagnostics) under the file's fingerprint: its
//! path, size, modification time and a hash of its content. A file is
//! written in one transaction with the others of its batch, so a store
//! that was stopped halfway holds whole files only; the files it lacks are
//! read again. A store of another schema version, or one that fails its
//! check (a truncated file), is made again from nothing, never served.

mod activity;
mod read;
mod shelf;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use shelf::StoreShelf;
pub use write::{Made, Record};

/// The schema's version: a store of any other is made again.
pub const SCHEMA_VERSION: i32 = 3;

/// The store's page size, in bytes.
const PAGE_SIZE: i64 = 16_384;

/// `PRAGMA application_id`: "tvw1", what says a database is a store.
const APPLICATION_ID: i32 = 0x7476_7731;

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Value(#[from] rusqlite::types::FromSqlError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{path} is not a threadview store; move it away or choose another --store")]
    NotOurs { path: PathBuf },
}

/// The kinds of document file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Our text format: one discussion.
    Text,
    /// Reddit's or bdfr's JSON: one thread.
    Thread,
    /// JSON lines: part of many threads, read as a group.
    Dump,
}

impl FileKind {
    fn as_str(self) -> &'static str {
        match self {
            FileKind::Text => "text",
            FileKind::Thread => "thread",
            FileKind::Dump => "dump",
        }
    }

    fn of_str(kind: &str) -> Option<FileKind> {
        match kind {
            "text" => Some(FileKind::Text),
            "thread" => Some(FileKind::Thread),
            "dump" => Some(FileKind::Dump),
            _ => None,
        }
    }
}

/// A file's version as the store knows it: when its size and modification
/// time are unchanged, so is it; when they changed but its content hash did
/// not (a copied folder), it is not read again either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    /// Nanoseconds since 1970.
    pub modified_ns: i64,
    /// xxh3-64 of the content, where it was read whole.
    pub hash: Option<u64>,
}

/// A file the store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub(crate) id: i64,
    /// Relative to the archive's folder, with `/` between folders.
    pub path: String,
    pub kind: FileKind,
    /// None: it could not be read (it is read again next time).
    pub fingerprint: Option<Fingerprint>,
}

/// How [`Store::open`] found the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A store of this version: what it holds is served.
    Kept,
    /// There was none.
    Created,
    /// There was one that could not be used (why): it was made anew.
    Rebuilt(String),
}

/// The parsed archive in SQLite.
pub struct Store {
    conn: Connection,
    /// Where it is (None: in memory).
    path: Option<PathBuf>,
    /// A store in memory's name, which other connections open it by.
    memory: Option<String>,
    /// Written without the comments' indexes (a first ingest): the
    /// authors' counts are made once with them.
    bulk: bool,
    /// The authors' counts as a first reading into an empty store writes
    /// their comments (kept instead of counted again at its end).
    tally: Option<write::Tally>,
    /// The ids of the authors written in this ingest.
    authors: rustc_hash::FxHashMap<std::sync::Arc<str>, i64>,
    /// The names of the authors read (shared through the loader's
    /// `Names`), by id.
    author_names: std::cell::RefCell<rustc_hash::FxHashMap<i64, std::sync::Arc<str>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// The store on `conn` (the file at `path`, None: in memory).
    fn on(conn: Connection, path: Option<&Path>) -> Store {
        Store {
            conn,
            path: path.map(Path::to_owned),
            memory: None,
            bulk: false,
            tally: None,
            authors: Default::default(),
            author_names: Default::default(),
        }
    }

    /// A store in memory: made again at each start.
    pub fn in_memory() -> Result<Store, StoreError> {
        // In SQLite's `memdb`, under a name of its own, so that the
        // server's readers share it (it goes with the last connection).
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let name = format!(
            "file:/threadview-{}-{}?vfs=memdb",
            std::process::id(),
            MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let conn = Connection::open_with_flags(&name, memory_flags(false))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = Store::on(conn, None);
        store.memory = Some(name);
        store.create()?;
        Ok(store)
    }

    /// Opens the store at `path`, or makes it. One of another version, or
    /// one that fails its check, is deleted and made anew when `ours` (it
    /// is in threadview's own cache folder) or when it says it is a store;
    /// any other database is left alone, an error.
    pub fn open(path: &Path, ours: bool) -> Result<(Store, Opened), StoreError> {
        if !path.exists() {
            // A log left beside a store deleted alone would be read into
            // the new one.
            remove(path)?;
            return Ok((Store::create_at(path)?, Opened::Created));
        }
        let why = match Store::check(path) {
            Ok(store) => return Ok((store, Opened::Kept)),
            Err(Check::Stale(why)) => why,
            Err(Check::Foreign) if ours => {
                "it is not a threadview store, or cannot be read".to_owned()
            }
            Err(Check::Foreign) => {
                return Err(StoreError::NotOurs {
                    path: path.to_owned(),
                });
            }
        };
        remove(path)?;
        Ok((Store::create_at(path)?, Opened::Rebuilt(why)))
    }

    /// The store at `path`, or in memory when its folder cannot be made or
    /// written (and why).
    pub fn open_or_memory(path: &Path, ours: bool) -> Result<(Store, Opened), StoreError> {
        let folder = path.parent().unwrap_or(Path::new("."));
        if let Err(err) = std::fs::create_dir_all(folder) {
            let why = format!(
                "cannot make {}: {err}; keeping the store in memory (the documents are read at each start)",
                folder.display()
            );
            return Ok((Store::in_memory()?, Opened::Rebuilt(why)));
        }
        match Store::open(path, ours) {
            Err(err @ (StoreError::Sqlite(_) | StoreError::Io(_))) => {
                let why = format!(
                    "cannot write the store {}: {err}; keeping it in memory (the documents are read at each start)",
                    path.display()
                );
                Ok((Store::in_memory()?, Opened::Rebuilt(why)))
            }
            other => other,
        }
    }

    /// Where it is: its path, or memory.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => "memory".to_owned(),
        }
    }

    /// Makes a new store at `path`: beside it first, then renamed into
    /// place, so the path never holds a store without its tables (a start
    /// killed at that moment would leave a file no one could tell apart
    /// from some other database).
    fn create_at(path: &Path) -> Result<Store, StoreError> {
        let mut fresh = path.as_os_str().to_owned();
        fresh.push(".new");
        let fresh = PathBuf::from(fresh);
        remove(&fresh)?;
        let made = Store::on(Connection::open(&fresh)?, Some(&fresh));
        // Large pages: a comment's row of text fits one, and a million
        // of them go in with fewer page changes.
        made.conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        made.tune()?;
        made.create()?;
        made.conn.close().map_err(|(_, e)| e)?;
        std::fs::rename(&fresh, path)?;
        let store = Store::on(Connection::open(path)?, Some(path));
        store.tune()?;
        Ok(store)
    }

    /// Another connection to this store, to read. (Not opened read-only:
    /// the last connection to close folds the log into the store and
    /// deletes it, which a read-only one cannot do.)
    fn reader(&self) -> Result<Store, StoreError> {
        let conn = match (&self.path, &self.memory) {
            (Some(path), _) => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
            (None, Some(name)) => Connection::open_with_flags(name, memory_flags(true))?,
            (None, None) => return Err(std::io::Error::other("a store with no name").into()),
        };
        // A few pages each: the system's file cache holds the rest.
        conn.pragma_update(None, "cache_size", -4_096)?;
        conn.pragma_update(None, "query_only", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut reader = Store::on(conn, self.path.as_deref());
        reader.memory = self.memory.clone();
        Ok(reader)
    }

    /// Opens an existing file and checks it is a whole store of this
    /// version.
    fn check(path: &Path) -> Result<Store, Check> {
        let stale = |why: String| Check::Stale(why);
        // A file that cannot be read is not known to be a store: it is
        // made again only where threadview keeps its own.
        let header = read_header(path).map_err(|_| Check::Foreign)?;
        let Some(header) = header else {
            return Err(Check::Foreign);
        };
        if header.application_id != APPLICATION_ID {
            return Err(Check::Foreign);
        }
        if header.user_version == 0 {
            return Err(stale(
                "its first reading of the archive was stopped before the end".to_owned(),
            ));
        }
        if header.user_version != SCHEMA_VERSION {
            return Err(stale(format!(
                "it has schema version {}, this program {SCHEMA_VERSION}",
                header.user_version
            )));
        }
        if let Some(short) = header.truncated(path) {
            return Err(stale(short));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| stale(format!("it cannot be opened: {e}")))?;
        let store = Store::on(conn, Some(path));
        store
            .tune()
            .map_err(|e| stale(format!("it cannot be opened: {e}")))?;
        store
            .conn
            .query_row("SELECT count(*) FROM files", [], |row| row.get::<_, i64>(0))
            .map_err(|e| stale(format!("it fails its check: {e}")))?;
        store
            .conn
            .execute_batch(include_str!("indexes.sql"))
            .map_err(|e| stale(format!("it fails its check: {e}")))?;
        Ok(store)
    }

    /// The settings of every connection: WAL (so `sqlite3` may read while
    /// the server writes), and a large page cache for the writer.
    fn tune(&self) -> rusqlite::Result<()> {
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Another threadview on the same archive (an export while the
        // server runs) may be writing: wait for it rather than fail.
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(())
    }

    /// Makes the tables of a new, empty store.
    fn create(&self) -> rusqlite::Result<()> {
        self.conn.execute_batch(include_str!("schema.sql"))?;
        self.conn.execute_batch(include_str!("indexes.sql"))?;
        self.conn
            .pragma_update(None, "application_id", APPLICATION_ID)?;
        self.conn
            .pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(())
    }

    /// Before a first reading into an empty store: drops the comments'
    /// indexes, so that they are made once, by sorting, in
    /// [`Store::make_indexes`], and writes without a journal, counting as
    /// it writes. Whether it did: a store that holds comments is written
    /// as it is (an archive may be reading it, through those indexes).
    pub fn drop_indexes(&mut self) -> Result<bool, StoreError> {
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM comments)", [], |row| {
                    row.get(0)
                })?;
        if !empty {
            return Ok(false);
        }
        self.conn.execute_batch(
            "DROP INDEX IF EXISTS comments_by_author; DROP INDEX IF EXISTS comments_by_time;",
        )?;
        // Marked as no version while it is written without a journal: a
        // start killed now leaves a store the next one makes again.
        self.bulk = true;
        self.tally = Some(Default::default());
        self.conn.pragma_update(None, "user_version", 0)?;
        self.conn.pragma_update(None, "journal_mode", "OFF")?;
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        Ok(true)
    }

    /// Makes the comments' indexes (when they are missing).
    pub fn make_indexes(&mut self) -> Result<(), StoreError> {
        // Sorted by as many threads as there are cores.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.conn.pragma_update(None, "threads", cores as i64)?;
        self.conn.execute_batch(include_str!("indexes.sql"))?;
        match self.tally.take() {
            Some(tally) => self.keep_counts(tally)?,
            None => self.count_authors(None)?,
        }
        self.bulk = false;
        // Marked whole while it is still written without a journal, in the
        // file itself: a start reads the version from the file's header,
        // which a log would hold back until the server stops.
        self.conn
            .pragma_update(None, "user_version", SCHEMA_VERSION)?;
        if self.memory.is_none() {
            self.tune()?;
        }
        Ok(())
    }

    /// Empties the store (after damage was found while reading it).
    pub fn reset(&mut self) -> Result<(), StoreError> {
        match self.path.clone() {
            Some(path) => {
                // Close the connection before the files go.
                let placeholder = Connection::open_in_memory()?;
                drop(std::mem::replace(&mut self.conn, placeholder));
                remove(&path)?;
                *self = Store::create_at(&path)?;
            }
            None => *self = Store::in_memory()?,
        }
        Ok(())
    }
}

/// Why an existing file is not served.
enum Check {
    /// A store of another version, or damaged: made again.
    Stale(String),
    /// Not a store at all, or not readable enough to tell.
    Foreign,
}

/// What the first 100 bytes of an SQLite file say.
struct Header {
    page_size: u64,
    pages: u64,
    /// Whether `pages` can be trusted (the file was last written by a
    /// version of SQLite that keeps it).
    pages_valid: bool,
    user_version: i32,
    application_id: i32,
}

impl Header {
    /// Why the file is shorter than its header says, if it is (with no
    /// write-ahead log that could hold the rest).
    fn truncated(&self, path: &Path) -> Option<String> {
        let len = std::fs::metadata(path).ok()?.len();
        let wal = wal_path(path);
        let wal_len = std::fs::metadata(&wal).map_or(0, |m| m.len());
        let expected = self.page_size * self.pages;
        (self.pages_valid && wal_len == 0 && len < expected)
            .then(|| format!("it is cut short: {len} bytes of the {expected} its header says"))
    }
}

/// The header of the SQLite file at `path`, or None when it is not one.
fn read_header(path: &Path) -> std::io::Result<Option<Header>> {
    use std::io::Read;
    let mut bytes = [0u8; 100];
    let mut file = std::fs::File::open(path)?;
    let mut read = 0;
    while read < bytes.len() {
        match file.read(&mut bytes[read..])? {
            0 => break,
            n => read += n,
        }
    }
    if read < bytes.len() || &bytes[..16] != b"SQLite format 3\0" {
        return Ok(None);
    }
    let u32_at = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    Ok(Some(Header {
        page_size,
        pages: u64::from(u32_at(28)),
        pages_valid: u32_at(24) == u32_at(92),
        user_version: u32_at(60) as i32,
        application_id: u32_at(68) as i32,
    }))
}

/// How a store in memory is opened (by its `file:` name).
fn memory_flags(read_only: bool) -> OpenFlags {
    let access = match read_only {
        true => OpenFlags::SQLITE_OPEN_READ_ONLY,
        false => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    };
    access | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn wal_path(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

/// Deletes a store file with its log and shared memory.
fn remove(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(PathBuf::from(file)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
