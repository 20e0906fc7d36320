//! `/diagnostics`: what went wrong while reading the archive.

use askama::Template;

use crate::model::Diagnostic;
use crate::site::Ctx;
use crate::site::view::Meta;

/// One file's problems.
pub struct FileProblems {
    pub file: String,
    pub problems: Vec<Diagnostic>,
}

/// Fields: `meta`, `files` (FileProblems list), `count`.
#[derive(Template)]
#[template(path = "diagnostics.html")]
pub struct DiagnosticsPage {
    meta: Meta,
    files: Vec<FileProblems>,
    count: usize,
}

/// Groups diagnostics by file, in file order, keeping each file's order.
fn by_file(diagnostics: &[Diagnostic]) -> Vec<FileProblems> {
    let mut files: Vec<FileProblems> = Vec::new();
    for d in diagnostics {
        match files.iter_mut().find(|f| f.file == d.file) {
            Some(f) => f.problems.push(d.clone()),
            None => files.push(FileProblems {
                file: d.file.clone(),
                problems: vec![d.clone()],
            }),
        }
    }
    files.sort_by(|a, b| a.file.cmp(&b.file));
    files
}

impl DiagnosticsPage {
    pub fn build(ctx: &Ctx) -> Self {
        let diagnostics = &ctx.archive.diagnostics;
        let count = diagnostics.len();
        DiagnosticsPage {
            meta: Meta::new(
                "Diagnostics · threadview",
                format!("{count} problems found while reading the archive."),
                &ctx.links,
            ),
            files: by_file(diagnostics),
            count,
        }
    }
}
