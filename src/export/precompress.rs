//! `--precompress`: a `.gz` and a `.br` beside each page, stylesheet,
//! script and icon of the export, for servers that send them as they are
//! (nginx `gzip_static` / `brotli_static`, Caddy `precompressed`). They are
//! the server's business, not the site's: the summary counts them apart,
//! and a sibling is made again only when its file changed.

use std::io::Write;

use rayon::prelude::*;

use super::ExportError;
use super::out::{Manifest, Out};

/// The siblings' extensions.
const SIBLINGS: [&str; 2] = ["gz", "br"];

/// Whether a file of the export is text worth compressing (pictures and
/// videos are compressed already).
fn compressible(file: &str) -> bool {
    [".html", ".css", ".js", ".svg", ".json"]
        .iter()
        .any(|ext| file.ends_with(ext))
}

/// What the siblings hold: how many and their bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Precompressed {
    pub files: usize,
    pub bytes: u64,
    /// Made this time (the others were there, their files unchanged).
    pub made: usize,
}

/// Makes the siblings of the files of `manifest` that lack them or whose
/// file changed since `old`.
pub fn make(out: &Out, manifest: &Manifest, old: &Manifest) -> Result<Precompressed, ExportError> {
    let files: Vec<&String> = manifest
        .files
        .keys()
        .filter(|file| compressible(file))
        .collect();
    let done: Vec<(u64, bool)> = files
        .par_iter()
        .map(|file| {
            // The same bytes as when its siblings were made.
            let output = |m: &Manifest| m.files.get(*file).map(|made| made.output);
            let unchanged = output(old) == output(manifest);
            let siblings = SIBLINGS.map(|ext| format!("{file}.{ext}"));
            if unchanged && siblings.iter().all(|s| out.has(s)) {
                let bytes = siblings
                    .iter()
                    .map(|s| std::fs::metadata(out.root().join(s)).map_or(0, |m| m.len()))
                    .sum();
                return Ok((bytes, false));
            }
            let path = out.root().join(file);
            let content = std::fs::read(&path).map_err(|e| ExportError::io("read", &path, e))?;
            let gz = gzip(&content);
            let br = brotli(&content);
            out.write(&siblings[0], &gz)?;
            out.write(&siblings[1], &br)?;
            Ok(((gz.len() + br.len()) as u64, true))
        })
        .collect::<Result<_, ExportError>>()?;
    Ok(Precompressed {
        files: done.len() * SIBLINGS.len(),
        bytes: done.iter().map(|(bytes, _)| bytes).sum(),
        made: done.iter().filter(|(_, made)| *made).count() * SIBLINGS.len(),
    })
}

/// Removes the siblings of `file`, if any.
pub fn remove(out: &Out, file: &str) -> Result<(), ExportError> {
    for ext in SIBLINGS {
        let sibling = format!("{file}.{ext}");
        if out.has(&sibling) {
            out.remove(&sibling)?;
        }
    }
    Ok(())
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
    encoder.write_all(content).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The levels: gzip's default, and Brotli's quality 5 with a 4 MiB
/// window, whose state is 1 MiB (quality 9, or a window of 64 KiB, choose
/// a matcher of 32 MiB, made and zeroed for every file). gzip -9 with
/// Brotli 9 took 412 s for a million comments' 2.7 GiB of pages
/// (BENCHMARKS.md).
const GZIP_LEVEL: u32 = 6;
const BROTLI_QUALITY: u32 = 5;

fn brotli(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 1 << 16, BROTLI_QUALITY, 22);
        writer.write_all(content).expect("writing to memory");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_siblings_decompress_to_the_file() {
        let text = "<p>The tide came in.</p>\n".repeat(200);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gzip(text.as_bytes())[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let mut back = Vec::new();
        brotli::Decompressor::new(&brotli(text.as_bytes())[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(compressible("d/x.html") && compressible("assets/app.1.js"));
        assert!(!compressible("media/a.jpg") && !compressible("d/x.html.gz"));
    }
}
