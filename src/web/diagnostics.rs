//! What went wrong while reading the archive: a page and its JSON twin.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::error::{ApiError, AppError};
use super::pages::Page;
use super::params::{NoQuery, Params};
use super::view::Meta;
use crate::model::Diagnostic;

/// One file's problems.
pub struct FileProblems {
    pub file: String,
    pub problems: Vec<Diagnostic>,
}

/// Fields: `meta`, `files` (FileProblems list), `count`.
#[derive(Template)]
#[template(path = "diagnostics.html")]
struct DiagnosticsPage {
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

pub async fn page(State(state): State<Arc<AppState>>, Params(_): Params<NoQuery>) -> Page {
    let archive = state.archive();
    let count = archive.diagnostics.len();
    let files = by_file(&archive.diagnostics);
    let page = DiagnosticsPage {
        meta: Meta::new(
            "Diagnostics · threadview",
            format!(
                "{count} problems found while reading {} files.",
                files.len()
            ),
        ),
        files,
        count,
    };
    Ok(Html(page.render()?))
}

pub async fn api(
    State(state): State<Arc<AppState>>,
    query: Result<Params<NoQuery>, AppError>,
) -> Result<Response, ApiError> {
    query?;
    Ok(Json(&state.archive().diagnostics).into_response())
}
