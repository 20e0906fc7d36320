//! The discussion document parser (the format is `docs/FORMAT.md`). It is pure: it takes a file's name and its content and
//! returns the discussion with its diagnostics. It never panics, never fails
//! and never drops text; whatever cannot be read cleanly is reported.

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{
    Clock, Comment, CommentId, Community, Diagnostic, Discussion, Marks, Names, TimeText,
    is_header_text,
};

/// What the parser recovered from one file.
#[derive(Debug)]
pub struct Parsed {
    /// `None` when the file was skipped (empty or binary); the diagnostics
    /// then say why.
    pub discussion: Option<Discussion>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A tab counts as this many columns of indentation.
const TAB_WIDTH: usize = 4;

/// How many bits of hash a comment id carries (8 characters); a collision
/// within one discussion falls back to [`LONG_ID_BITS`].
const ID_BITS: u32 = 40;
const LONG_ID_BITS: u32 = 60;

/// At most this many lines with invalid UTF-8 are named one by one.
const MAX_ENCODING_DIAGNOSTICS: usize = 20;

/// The month names a header may use, January first (kept with the
/// model, which writes them back).
pub use crate::model::MONTHS;

/// A comment header line, as matched.
#[derive(Debug, PartialEq, Eq)]
struct Header<'a> {
    indent: usize,
    author: &'a str,
    time_text: &'a str,
    /// `(year, month, day, hour, minute)` as written, not yet validated.
    fields: (i32, u32, u32, u32, u32),
}

/// `digits` when it is 1 to `max` ASCII digits (at least `min`).
fn number(digits: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| digits.parse().ok()).flatten()
}

/// Matches a whole header line (trailing white space already removed):
/// `<indent><author> on <Month> <day>[st|nd|rd|th], <year> at <H>:<MM> UTC »`
/// with an indent of spaces and tabs and an author without white space.
/// Written by hand because it runs on every line that ends like a header,
/// and a regex costs a tenth of the whole parse there.
fn header(line: &str) -> Option<Header<'_>> {
    let rest = line.strip_suffix(" UTC »")?;
    let text = rest.trim_start_matches([' ', '\t']);
    let indent = &rest[..rest.len() - text.len()];
    let author_end = text.find(char::is_whitespace)?;
    let (author, rest) = text.split_at(author_end);
    let time_text = rest.strip_prefix(" on ")?;
    if author.is_empty() || time_text.len() > TimeText::MAX_LEN {
        return None;
    }
    let (month, rest) = time_text.split_once(' ')?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let (day, rest) = rest.split_once(", ")?;
    let digits = day.len() - day.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if !["", "st", "nd", "rd", "th"].contains(&&day[digits..]) {
        return None;
    }
    let day = number(&day[..digits], 1, 2)?;
    let (year, rest) = rest.split_once(" at ")?;
    let year = number(year, 4, 4)? as i32;
    let (hour, minute) = rest.split_once(':')?;
    Some(Header {
        indent: indentation(indent),
        author,
        time_text,
        fields: (year, month, day, number(hour, 1, 2)?, number(minute, 2, 2)?),
    })
}

/// The width of leading white space, a tab counting [`TAB_WIDTH`].
fn indentation(prefix: &str) -> usize {
    prefix
        .chars()
        .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
        .sum()
}

/// Removes up to `width` columns of leading spaces and tabs from `line`,
/// keeping any further indentation.
fn dedent(line: &str, width: usize) -> std::borrow::Cow<'_, str> {
    let mut removed = 0;
    for (offset, c) in line.char_indices() {
        if removed >= width {
            return line[offset..].into();
        }
        match c {
            ' ' => removed += 1,
            '\t' if removed + TAB_WIDTH <= width => removed += TAB_WIDTH,
            // A tab that straddles the indentation keeps its excess as spaces.
            '\t' => {
                let excess = removed + TAB_WIDTH - width;
                return format!("{}{}", " ".repeat(excess), &line[offset + 1..]).into();
            }
            _ => return line[offset..].into(),
        }
    }
    "".into()
}

/// Joins `lines` (without trailing white space), each with up to `indent`
/// columns of indentation removed, dropping blank lines at both ends.
fn join_trimmed(lines: &[&str], indent: usize) -> String {
    let Some(start) = lines.iter().position(|l| !l.is_empty()) else {
        return String::new();
    };
    let end = lines.iter().rposition(|l| !l.is_empty()).unwrap_or(start);
    let lines = &lines[start..=end];
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&dedent(line, indent));
    }
    out
}

/// The discussion id for a file name: its stem.
pub fn discussion_id(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_owned())
}

/// Parses a file's raw bytes: bytes that are not UTF-8 are replaced with
/// U+FFFD, with a diagnostic naming each line; a NUL byte marks the file as
/// binary and skips it.
pub fn parse_bytes(name: &str, bytes: &[u8]) -> Parsed {
    parse_bytes_in(name, bytes, &Names::default())
}

/// [`parse_bytes`], with author names shared through `names`.
pub fn parse_bytes_in(name: &str, bytes: &[u8], names: &Names) -> Parsed {
    if let Some(at) = memchr::memchr(0, bytes) {
        let line = memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1;
        return skipped(
            name,
            Some(line),
            "a NUL byte: this looks like a binary file",
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_in(name, text, names),
        Err(_) => {
            let mut diagnostics = Vec::new();
            let mut line = 1;
            let mut bad_lines = Vec::new();
            for chunk in bytes.utf8_chunks() {
                line += memchr::memchr_iter(b'\n', chunk.valid().as_bytes()).count();
                if !chunk.invalid().is_empty() && bad_lines.last() != Some(&line) {
                    bad_lines.push(line);
                }
            }
            for &line in bad_lines.iter().take(MAX_ENCODING_DIAGNOSTICS) {
                diagnostics.push(diagnostic(
                    name,
                    Some(line),
                    "bytes that are not UTF-8, shown as U+FFFD",
                ));
            }
            if bad_lines.len() > MAX_ENCODING_DIAGNOSTICS {
                diagnostics.push(diagnostic(
                    name,
                    None,
                    format!(
                        "{} more lines with bytes that are not UTF-8",
                        bad_lines.len() - MAX_ENCODING_DIAGNOSTICS
                    ),
                ));
            }
            let mut parsed = parse_in(name, &String::from_utf8_lossy(bytes), names);
            diagnostics.append(&mut parsed.diagnostics);
            parsed.diagnostics = diagnostics;
            parsed
        }
    }
}

fn diagnostic(name: &str, line: Option<usize>, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        file: name.to_owned(),
        line,
        message: message.into(),
    }
}

fn skipped(name: &str, line: Option<usize>, why: &str) -> Parsed {
    Parsed {
        discussion: None,
        diagnostics: vec![diagnostic(name, line, format!("skipped: {why}"))],
    }
}

/// A comment header found in the file, with the range of its body lines.
struct Found<'a> {
    header: Header<'a>,
    line: usize,
    body: std::ops::Range<usize>,
}

/// Parses a document. `name` is the file's name; the discussion's id is its
/// stem.
pub fn parse(name: &str, text: &str) -> Parsed {
    parse_in(name, text, &Names::default())
}

/// [`parse`], with author names shared through `names`.
pub fn parse_in(name: &str, text: &str, shared: &Names) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return skipped(name, None, "a NUL byte: this looks like a binary file");
    }
    // Lines without their ending and trailing white space (which covers
    // Windows line endings).
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let Some(first) = lines.iter().position(|l| !l.is_empty()) else {
        return skipped(name, None, "the file is empty");
    };
    let mut diagnostics = Vec::new();
    let head = article_head(name, &lines, first, &mut diagnostics);
    let found = headers(&lines, head.body_start);
    let article_end = found.first().map_or(lines.len(), |f| f.line - 1);
    let body = join_trimmed(&lines[head.body_start..article_end], 0);
    let mut threader = Threader::new(name, shared, found.len());
    for f in &found {
        threader.push(f, &lines, &mut diagnostics);
    }
    Parsed {
        discussion: Some(
            Discussion::new(
                discussion_id(name),
                head.title,
                head.source.clone(),
                head.submitter,
                body,
                threader.comments,
            )
            .with_time_texts(threader.time_texts)
            .with_community(head.source.as_deref().and_then(Community::of_source)),
        ),
        diagnostics,
    }
}

/// What the lines before the first comment say of the article.
struct ArticleHead {
    title: String,
    /// The first line of the article's body.
    body_start: usize,
    source: Option<String>,
    submitter: Option<String>,
}

/// The title (the first non-empty line `first`) and the byline after it;
/// a file that starts with a comment takes its name as the title.
fn article_head(
    name: &str,
    lines: &[&str],
    first: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> ArticleHead {
    if header(lines[first]).is_some() {
        diagnostics.push(diagnostic(
            name,
            Some(first + 1),
            "the first line is a comment header: there is no title, so the file's name is used",
        ));
        return ArticleHead {
            title: discussion_id(name),
            body_start: first,
            source: None,
            submitter: None,
        };
    }
    let title = lines[first].trim().to_owned();
    let next = (first + 1..lines.len()).find(|&i| !lines[i].is_empty());
    let Some((i, byline)) =
        next.and_then(|i| Some((i, lines[i].trim_start().strip_prefix("Authored by ")?)))
    else {
        return ArticleHead {
            title,
            body_start: first + 1,
            source: None,
            submitter: None,
        };
    };
    let (source, submitter) = match byline.split_once(" and submitted by ") {
        Some((s, u)) => (s.trim(), Some(u.trim().to_owned())),
        None => (byline.trim(), None),
    };
    ArticleHead {
        title,
        body_start: i + 1,
        source: (!source.is_empty()).then(|| source.to_owned()),
        submitter: submitter.filter(|u| !u.is_empty()),
    }
}

/// Every comment header from line `start` on, each with the lines of its
/// body.
fn headers<'a>(lines: &[&'a str], start: usize) -> Vec<Found<'a>> {
    let mut found: Vec<Found> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start) {
        if let Some(header) = header(line) {
            if let Some(last) = found.last_mut() {
                last.body.end = i;
            }
            found.push(Found {
                header,
                line: i + 1,
                body: i + 1..lines.len(),
            });
        }
    }
    found
}

/// Turns headers into comments, one after the other: nests each under the
/// last comment less indented, gives it an id unique in the file, and
/// shares its author's name.
struct Threader<'a> {
    name: &'a str,
    shared: &'a Names,
    /// The comments a reply may still nest under: (indentation, index).
    open: Vec<(usize, usize)>,
    occurrences: FxHashMap<(&'a str, &'a str), usize>,
    ids: FxHashSet<CommentId>,
    names: FxHashMap<&'a str, Arc<str>>,
    comments: Vec<Comment>,
    time_texts: Vec<(u32, TimeText)>,
}

impl<'a> Threader<'a> {
    fn new(name: &'a str, shared: &'a Names, count: usize) -> Self {
        Threader {
            name,
            shared,
            open: Vec::new(),
            occurrences: FxHashMap::default(),
            ids: FxHashSet::default(),
            names: FxHashMap::default(),
            comments: Vec::with_capacity(count),
            time_texts: Vec::new(),
        }
    }

    /// The id of the next comment by `author` at `time_text`: derived from
    /// them and their occurrence, longer where a short one collides.
    fn unique_id(&mut self, author: &'a str, time_text: &'a str) -> CommentId {
        let occurrence = self.occurrences.entry((author, time_text)).or_default();
        let mut id = CommentId::derive(author, time_text, *occurrence, ID_BITS);
        if self.ids.contains(&id) {
            id = CommentId::derive(author, time_text, *occurrence, LONG_ID_BITS);
        }
        *occurrence += 1;
        self.ids.insert(id);
        id
    }

    fn push(&mut self, f: &Found<'a>, lines: &[&str], diagnostics: &mut Vec<Diagnostic>) {
        let (name, index) = (self.name, self.comments.len());
        let h = &f.header;
        while self.open.last().is_some_and(|&(w, _)| w >= h.indent) {
            self.open.pop();
        }
        let parent = self.open.last().map(|&(_, p)| p);
        if parent.is_none() && h.indent > 0 {
            diagnostics.push(diagnostic(
                name,
                Some(f.line),
                "a reply indented under no comment: shown as a top-level comment",
            ));
        }
        let depth = self.open.len();
        self.open.push((h.indent, index));

        let (year, month, day, hour, minute) = h.fields;
        let posted_at = NaiveDate::from_ymd_opt(year, month, day)
            .zip(NaiveTime::from_hms_opt(hour, minute, 0))
            .map(|(d, t)| Utc.from_utc_datetime(&d.and_time(t)));
        if posted_at.is_none() {
            diagnostics.push(diagnostic(
                name,
                Some(f.line),
                format!(
                    "an impossible date, \"{}\": the time is unknown",
                    h.time_text
                ),
            ));
        }

        let id = self.unique_id(h.author, h.time_text);

        // The usual spelling of a real time is made again when shown; any
        // other is kept as written.
        let clock = match posted_at {
            Some(at) if is_header_text(at, h.time_text) => Clock::Minutes,
            _ => {
                let text =
                    TimeText::new(h.time_text).expect("the header grammar bounds its length");
                self.time_texts.push((index as u32, text));
                Clock::Text
            }
        };
        let shared = self.shared;
        self.comments.push(Comment {
            id,
            author: self
                .names
                .entry(h.author)
                .or_insert_with(|| shared.get(h.author))
                .clone(),
            posted_at,
            parent: parent.map_or(Comment::NO_PARENT, |p| p as u32),
            depth_clock: Comment::depth_clock(depth as u32, clock),
            body: join_trimmed(&lines[f.body.clone()], h.indent).into_boxed_str(),
            marks: Marks::default(),
        });
    }
}

#[cfg(test)]
mod tests;
