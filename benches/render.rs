//! Rendering the first page of a 5,000-comment discussion (thread and
//! timeline), page cache off so that every iteration renders. The view's
//! order, chart and participants are computed once and shared by its
//! pages, as in the server.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use threadview::load::load_dir;
use threadview::web::{AppState, app};
use tower::ServiceExt;

mod common;

fn render(c: &mut Criterion) {
    let dir = common::generated(
        "render-5k",
        &[
            "--discussions",
            "1",
            "--comments",
            "5000",
            "--largest",
            "5000",
            "--seed",
            "7",
        ],
    );
    let archive = load_dir(&dir).unwrap().archive;
    let id = archive.discussions()[0].id.clone();
    assert_eq!(archive.discussions()[0].comment_count(), 5000);
    let app = app(Arc::new(AppState::without_page_cache(archive)));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("render page 1 of 5000 comments");
    group.sample_size(20);
    for view in ["", "?view=timeline"] {
        let uri = format!("/d/{id}{view}");
        group.bench_function(
            if view.is_empty() {
                "thread"
            } else {
                "timeline"
            },
            |b| {
                b.to_async(&runtime).iter(|| async {
                    let response = app
                        .clone()
                        .oneshot(
                            Request::get(&uri)
                                .header("host", "localhost")
                                .body(Body::empty())
                                .unwrap(),
                        )
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200);
                    response
                        .into_body()
                        .collect()
                        .await
                        .unwrap()
                        .to_bytes()
                        .len()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
