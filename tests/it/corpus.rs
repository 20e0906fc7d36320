//! The shared corpus: every thread must match its truth file exactly,
//! through the parser and through the API.

use std::collections::HashMap;

use serde_json::{Value, json};
use threadview::parse::parse_bytes;

use super::{app_over, get, shared_dir};

/// Each `corpus/*.txt` with its truth file.
fn corpus() -> Vec<(String, Vec<u8>, Value)> {
    let Some(dir) = shared_dir("corpus") else {
        return Vec::new();
    };
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let truth = dir.join("truth").join(format!("{stem}.json"));
            let truth: Value = serde_json::from_slice(&std::fs::read(truth).unwrap()).unwrap();
            cases.push((stem, std::fs::read(&path).unwrap(), truth));
        }
    }
    assert!(!cases.is_empty(), "the corpus has threads");
    cases
}

#[test]
fn the_parser_recovers_each_corpus_thread_exactly() {
    for (stem, bytes, truth) in corpus() {
        let parsed = parse_bytes(&format!("{stem}.txt"), &bytes);
        assert!(
            parsed.diagnostics.is_empty(),
            "{stem}: {:?}",
            parsed.diagnostics
        );
        let d = parsed.discussion.unwrap();
        let comments: Vec<Value> = d
            .comments()
            .iter()
            .map(|c| {
                json!({
                    "author": &*c.author,
                    "posted_at": c.posted_at,
                    "parent": c.parent(),
                    "depth": c.depth(),
                    "body": c.body,
                })
            })
            .collect();
        let actual = json!({
            "title": d.title,
            "source": d.source,
            "submitter": d.submitter,
            "comments": comments,
        });
        assert_eq!(actual, truth, "{stem} differs from its truth file");
    }
}

#[tokio::test]
async fn the_api_serves_each_corpus_thread_exactly() {
    let Some(dir) = shared_dir("corpus") else {
        return;
    };
    let app = app_over(&dir);
    for (stem, _, truth) in corpus() {
        let reply = get(&app, &format!("/api/discussions/{stem}")).await;
        assert_eq!(reply.status, 200);
        let api = reply.json();
        // The API names parents by id; the truth file by position.
        let position: HashMap<&str, usize> = api["comments"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, c)| (c["id"].as_str().unwrap(), i))
            .collect();
        let comments: Vec<Value> = api["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                json!({
                    "author": c["author"],
                    "posted_at": c["posted_at"],
                    "parent": c["parent"].as_str().map(|p| position[p]),
                    "depth": c["depth"],
                    "body": c["body"],
                })
            })
            .collect();
        let actual = json!({
            "title": api["title"],
            "source": api["source"],
            "submitter": api["submitter"],
            "comments": comments,
        });
        assert_eq!(actual, truth, "{stem} differs through the API");
    }
}
