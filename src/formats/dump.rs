//! Pushshift and Arctic Shift dumps: one JSON object per line, submissions
//! and comments (told apart by their fields), often many gigabytes. They
//! are read as a stream, a chunk of lines at a time, the next chunk read
//! while this one is parsed; only what the model keeps stays in memory.
//! Threads are rebuilt across all the dump files of a folder from the
//! comments' `link_id` and `parent_id`.

use std::io::{BufRead, Read};
use std::ops::Range;
use std::sync::Arc;

use std::collections::hash_map::Entry as Slot;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Entry, Parent, Post, RedditData, Report, Thread, Timestamp, Unlabelled, unescape};
use crate::model::{CommentId, Diagnostic, Discussion, Labels};

/// Lines are read and parsed in chunks of about this many bytes.
const CHUNK_BYTES: usize = 4 << 20;
/// A longer line is no submission or comment: it is skipped, not kept.
const MAX_LINE_BYTES: u64 = 16 << 20;

/// The dumps of a folder, read one file after another (in name order, which
/// for both tools is time order), then built into threads.
#[derive(Default)]
pub struct Dumps {
    report: Report,
    /// Each post by id, as first read.
    posts: FxHashMap<CommentId, Post>,
    /// Each thread's comments, by post id, in file order.
    threads: FxHashMap<CommentId, Vec<Entry>>,
    authors: FxHashSet<Arc<str>>,
    /// Flairs and reasons, each kept once.
    labels: Labels,
}

/// What a line holds.
enum Record {
    Blank,
    Post {
        id: CommentId,
        post: Box<Post>,
    },
    Comment {
        post: CommentId,
        id: CommentId,
        parent: Parent,
        author: String,
        /// Missing, and reported: the comment is kept with an unknown time.
        posted_at: Option<Timestamp>,
        body: String,
        marks: Unlabelled,
        media_metadata: Option<Box<serde_json::Value>>,
    },
    Bad(String),
}

/// A chunk of whole lines.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    lines: Vec<Range<usize>>,
    /// The line lines[0] is, 1-based.
    first_line: u32,
    /// Lines too long to keep, by line number.
    too_long: Vec<u32>,
    /// The read stopped here with this error.
    error: Option<std::io::Error>,
    eof: bool,
}

/// Reads whole lines from `reader` until about [`CHUNK_BYTES`].
fn read_chunk(reader: &mut impl BufRead, first_line: u32) -> Chunk {
    let mut chunk = Chunk {
        first_line,
        ..Chunk::default()
    };
    let mut line = first_line;
    while chunk.bytes.len() < CHUNK_BYTES {
        let start = chunk.bytes.len();
        match (&mut *reader)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut chunk.bytes)
        {
            Ok(0) => {
                chunk.eof = true;
                break;
            }
            Ok(_) => {
                let ended = chunk.bytes.last() == Some(&b'\n');
                if !ended && chunk.bytes.len() - start == MAX_LINE_BYTES as usize {
                    chunk.bytes.truncate(start);
                    chunk.too_long.push(line);
                    if let Err(e) = reader.skip_until(b'\n') {
                        chunk.error = Some(e);
                        break;
                    }
                    chunk.lines.push(start..start);
                } else {
                    chunk.lines.push(start..chunk.bytes.len());
                }
                line = line.saturating_add(1);
            }
            Err(e) => {
                chunk.bytes.truncate(start);
                chunk.error = Some(e);
                break;
            }
        }
    }
    chunk
}

fn parse_line(bytes: &[u8]) -> Record {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Record::Blank;
    }
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Record::Bad("not a JSON object".to_owned());
    }
    let line: RedditData = match serde_json::from_slice(bytes) {
        Ok(line) => line,
        Err(e) => {
            // serde_json counts lines within the line: say the column only.
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            let what = if e.is_syntax() || e.is_eof() {
                "broken JSON"
            } else {
                "a field of the wrong type"
            };
            return Record::Bad(if e.line() == 1 && e.column() > 0 {
                format!("{what}: {message} (column {})", e.column())
            } else {
                format!("{what}: {message}")
            });
        }
    };
    if line.link_id.is_some() || line.body.is_some() {
        comment(line)
    } else if line.title.is_some() {
        let Some(id) = line.id.as_deref().filter(|id| !id.is_empty()) else {
            return Record::Bad("a submission without an id".to_owned());
        };
        let id = CommentId::from_source(id);
        // A dump's comments come in time order.
        let post = Box::new(line.post(false));
        Record::Post { id, post }
    } else {
        Record::Bad(
            "neither a submission (it has no title) nor a comment (no body or link_id)".to_owned(),
        )
    }
}

fn comment(mut line: RedditData) -> Record {
    let missing: Vec<&str> = [
        ("id", line.id.is_none()),
        ("author", line.author.is_none()),
        ("body", line.body.is_none()),
        ("link_id", line.link_id.is_none()),
        ("parent_id", line.parent_id.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    let mut marks = line.take_marks();
    let media_metadata = marks.media_metadata.take();
    let RedditData {
        id: Some(id),
        author: Some(author),
        body: Some(body),
        created_utc: posted_at,
        link_id: Some(link_id),
        parent_id: Some(parent_id),
        ..
    } = line
    else {
        return Record::Bad(format!("a comment without {}", missing.join(", ")));
    };
    let Some(post) = link_id.strip_prefix("t3_").filter(|p| !p.is_empty()) else {
        return Record::Bad(format!(
            "a comment whose link_id {link_id:?} names no submission (t3_…)"
        ));
    };
    let body = match unescape(&body) {
        std::borrow::Cow::Borrowed(_) => body,
        std::borrow::Cow::Owned(unescaped) => unescaped,
    };
    let marks = marks.unlabelled(&body);
    Record::Comment {
        post: CommentId::from_source(post),
        id: CommentId::from_source(&id),
        parent: Parent::of_reddit(&parent_id),
        author,
        posted_at,
        body,
        marks,
        media_metadata,
    }
}

impl Dumps {
    /// Reads one dump, already decompressed, line by line. A bad line is
    /// reported with its number and skipped; a read error stops this file
    /// (keeping what was read) and is reported.
    pub fn read(&mut self, name: &str, mut reader: impl BufRead + Send) {
        let file = self.report.file(name);
        let mut chunk = read_chunk(&mut reader, 1);
        loop {
            let next_line = chunk.first_line.saturating_add(chunk.lines.len() as u32);
            let more = chunk.error.is_none() && !chunk.eof;
            let (next, records) = rayon::join(
                || more.then(|| read_chunk(&mut reader, next_line)),
                || {
                    chunk
                        .lines
                        .par_iter()
                        .with_min_len(64)
                        .map(|range| parse_line(&chunk.bytes[range.clone()]))
                        .collect::<Vec<Record>>()
                },
            );
            for (offset, record) in records.into_iter().enumerate() {
                let line = chunk.first_line.saturating_add(offset as u32);
                if chunk.too_long.contains(&line) {
                    self.report.push(
                        file,
                        line,
                        format!("a line longer than {} MiB: skipped", MAX_LINE_BYTES >> 20),
                    );
                    continue;
                }
                self.add(file, line, record);
            }
            if let Some(e) = chunk.error.take() {
                self.report
                    .push(file, next_line, format!("stopped reading here: {e}"));
            }
            match next {
                Some(next) => chunk = next,
                None => break,
            }
        }
    }

    fn add(&mut self, file: u16, line: u32, record: Record) {
        match record {
            Record::Blank => {}
            Record::Bad(message) => self.report.push(file, line, message),
            Record::Post { id, post } => match self.posts.entry(id) {
                Slot::Occupied(_) => self.report.push(
                    file,
                    line,
                    format!("submission {id} appears again: the first is kept"),
                ),
                Slot::Vacant(slot) => {
                    slot.insert(*post);
                }
            },
            Record::Comment {
                post,
                id,
                parent,
                author,
                posted_at,
                body,
                marks,
                media_metadata,
            } => {
                if posted_at.is_none() {
                    self.report.push(
                        file,
                        line,
                        format!("comment {id} has no created_utc: its time is unknown"),
                    );
                }
                let author = match self.authors.get(author.as_str()) {
                    Some(shared) => shared.clone(),
                    None => {
                        let shared: Arc<str> = author.into();
                        self.authors.insert(shared.clone());
                        shared
                    }
                };
                let marks = marks.labelled(&mut self.labels);
                self.threads.entry(post).or_default().push(Entry {
                    id,
                    parent,
                    author,
                    posted_at: posted_at.map(|t| t.0),
                    body: body.into_boxed_str(),
                    marks,
                    file,
                    line,
                    media_metadata,
                });
            }
        }
    }

    /// The threads of every post and of every set of comments, with what
    /// went wrong. Comments whose post is in no dump make an untitled
    /// discussion, reported once.
    pub fn finish(self) -> (Vec<Discussion>, Vec<Diagnostic>) {
        let Dumps {
            mut report,
            mut posts,
            threads,
            authors,
            labels,
        } = self;
        drop(authors);
        // Threads without a post, by the file their first comment is in.
        let mut without_post: Vec<(u16, CommentId)> = Vec::new();
        let mut discussions = Vec::with_capacity(posts.len().max(threads.len()));
        for (id, entries) in threads {
            let post = posts.remove(&id).unwrap_or_else(|| {
                without_post.push((entries.first().map_or(0, |e| e.file), id));
                Post {
                    title: format!("Untitled: submission {id} is not in the archive"),
                    ..Post::default()
                }
            });
            let thread = Thread {
                post,
                entries,
                stubs: Vec::new(),
            };
            discussions.push(thread.build(id.to_string(), &labels, &mut report));
        }
        for (id, post) in posts {
            let thread = Thread {
                post,
                ..Thread::default()
            };
            discussions.push(thread.build(id.to_string(), &labels, &mut report));
        }
        without_post.sort_by(|a, b| (a.0, a.1.as_str()).cmp(&(b.0, b.1.as_str())));
        let mut summaries = Vec::new();
        for group in without_post.chunk_by(|a, b| a.0 == b.0) {
            let named: Vec<&str> = group.iter().take(5).map(|(_, id)| id.as_str()).collect();
            summaries.push(Diagnostic {
                file: report.name(group[0].0).to_owned(),
                line: None,
                message: format!(
                    "{} {} comments here but no submission in any dump (shown untitled): {}{}",
                    group.len(),
                    if group.len() == 1 {
                        "thread has"
                    } else {
                        "threads have"
                    },
                    named.join(", "),
                    if group.len() > named.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
            });
        }
        let mut diagnostics = report.finish();
        diagnostics.extend(summaries);
        (discussions, diagnostics)
    }
}
