//! Shared by the benchmarks: the generated corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A corpus written by `gen-corpus` (generated on first use into
/// `target/bench-corpus/NAME`).
pub fn generated(name: &str, args: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-corpus").join(name);
    if !dir.is_dir() {
        let status = Command::new(env!("CARGO"))
            .current_dir(root)
            .args([
                "run",
                "--release",
                "--quiet",
                "--example",
                "gen-corpus",
                "--",
            ])
            .args(args)
            .arg("--out")
            .arg(&dir)
            .status()
            .expect("cargo runs gen-corpus");
        assert!(status.success(), "gen-corpus failed");
    }
    dir
}
