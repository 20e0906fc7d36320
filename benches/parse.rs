//! Parsing throughput (MB/s): the shared corpus (when `../shared` exists)
//! and a generated one.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use threadview::parse::parse_bytes;

mod common;

/// Every `*.txt` file of `dir`, as (name, bytes).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn bench_files(c: &mut Criterion, name: &str, files: &[(String, Vec<u8>)]) {
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            for (file, data) in files {
                black_box(parse_bytes(file, data));
            }
        })
    });
    group.finish();
}

fn parse(c: &mut Criterion) {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if shared.is_dir() {
        bench_files(c, "shared corpus", &files(&shared));
    } else {
        eprintln!("skipped: ../shared/corpus is absent");
    }
    let generated = common::generated(
        "parse-20k",
        &["--discussions", "200", "--comments", "20000", "--seed", "7"],
    );
    bench_files(c, "generated 20k comments", &files(&generated));
}

criterion_group!(benches, parse);
criterion_main!(benches);
