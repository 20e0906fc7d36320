//! `gen-corpus`: writes a deterministic archive of discussion documents for
//! benchmarks and load tests.
//!
//!     cargo run --release --example gen-corpus -- \
//!         --discussions 2000 --comments 1000000 --seed 7 --out /tmp/archive
//!
//! The shape is a real archive's: many short threads and a few huge ones
//! (sizes drawn from a Pareto distribution), nesting that falls off with
//! depth, bodies of varied length with Markdown and non-ASCII text.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use threadview::parse::MONTHS;

#[derive(Parser)]
struct Args {
    /// How many discussions (files).
    #[arg(long, default_value_t = 100)]
    discussions: usize,
    /// How many comments in all.
    #[arg(long, default_value_t = 10_000)]
    comments: usize,
    /// The seed: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The folder to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Make one discussion exactly this big (the first), for page benchmarks.
    #[arg(long)]
    largest: Option<usize>,
}

/// SplitMix64: tiny, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "it",
    "for",
    "was",
    "on",
    "are",
    "with",
    "they",
    "be",
    "at",
    "one",
    "have",
    "this",
    "from",
    "by",
    "not",
    "but",
    "what",
    "all",
    "were",
    "when",
    "we",
    "there",
    "can",
    "an",
    "your",
    "which",
    "their",
    "said",
    "if",
    "do",
    "will",
    "each",
    "about",
    "how",
    "up",
    "out",
    "them",
    "then",
    "she",
    "many",
    "some",
    "so",
    "these",
    "would",
    "other",
    "into",
    "has",
    "more",
    "her",
    "two",
    "like",
    "him",
    "see",
    "time",
    "could",
    "no",
    "make",
    "than",
    "first",
    "been",
    "its",
    "who",
    "now",
    "people",
    "my",
    "made",
    "over",
    "did",
    "down",
    "only",
    "way",
    "find",
    "use",
    "may",
    "water",
    "long",
    "little",
    "very",
    "after",
    "words",
    "called",
    "just",
    "where",
    "most",
    "know",
    "thread",
    "archive",
    "parser",
    "server",
    "reply",
    "comment",
    "train",
    "bread",
    "starter",
    "river",
    "mountain",
    "winter",
    "naïve",
    "café",
    "Grüße",
    "日本語",
    "привет",
    "señor",
    "façade",
    "Ελλάδα",
    "😀",
    "über",
];

const MARKUP: &[&str] = &[
    "**important**",
    "*really*",
    "`cargo test`",
    "~~wrong~~",
    "[a link](https://example.com/page)",
    "https://example.org/a/b?c=d",
    "**bold *and* nested**",
    "`x < y && y > z`",
];

const DOMAINS: &[&str] = &[
    "example.com",
    "self.AskReddit",
    "news.example.org",
    "self.rust",
    "blog.example.net",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 4 + rng.below(18);
    let mut words: Vec<String> = (0..n)
        .map(|_| {
            if rng.chance(0.06) {
                rng.pick(MARKUP).to_owned()
            } else {
                rng.pick(WORDS).to_owned()
            }
        })
        .collect();
    let first = words[0].clone();
    let mut chars = first.chars();
    if let Some(c) = chars.next() {
        words[0] = c.to_uppercase().chain(chars).collect();
    }
    format!("{}.", words.join(" "))
}

/// A body: one to four paragraphs, sometimes a quote, a list or code.
fn body(rng: &mut Rng) -> Vec<String> {
    let mut lines = Vec::new();
    let most = if rng.chance(0.2) { 4 } else { 2 };
    let paragraphs = 1 + rng.below(most);
    for p in 0..paragraphs {
        if p > 0 {
            lines.push(String::new());
        }
        match rng.below(12) {
            0 => lines.push(format!("> {}", sentence(rng))),
            1 => {
                for _ in 0..2 + rng.below(3) {
                    lines.push(format!("- {}", sentence(rng)));
                }
            }
            2 => {
                lines.push(format!("    let answer = {};", rng.below(100)));
                lines.push("    println!(\"{answer}\");".to_owned());
            }
            _ => {
                let n = 1 + rng.below(4);
                lines.push((0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" "));
            }
        }
    }
    lines
}

fn suffix(day: u32) -> &'static str {
    match day {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    }
}

/// Comment counts per discussion: Pareto-distributed, summing to `total`.
fn sizes(rng: &mut Rng, discussions: usize, total: usize, largest: Option<usize>) -> Vec<usize> {
    let fixed = largest.unwrap_or(0).min(total);
    let rest = discussions.saturating_sub(usize::from(largest.is_some()));
    let weights: Vec<f64> = (0..rest)
        .map(|_| (1.0 - rng.unit()).powf(-1.0 / 1.1))
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut sizes: Vec<usize> = weights
        .iter()
        .map(|w| ((w / sum) * (total - fixed) as f64).floor() as usize)
        .collect();
    let mut missing = (total - fixed).saturating_sub(sizes.iter().sum());
    while missing > 0 && !sizes.is_empty() {
        let i = rng.below(sizes.len());
        sizes[i] += 1;
        missing -= 1;
    }
    if largest.is_some() {
        sizes.insert(0, fixed);
    }
    sizes
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let mut rng = Rng(args.seed);
    let authors: Vec<String> = (0..(args.comments / 20).max(50))
        .map(|i| match i % 11 {
            0 => format!("user_{i}"),
            1 => format!("Zoë{i}"),
            2 => format!("名前{i}"),
            _ => format!("{}{}", WORDS[i % WORDS.len()].replace(' ', ""), i),
        })
        .collect();
    let mut written = 0usize;
    for (n, size) in sizes(&mut rng, args.discussions, args.comments, args.largest)
        .into_iter()
        .enumerate()
    {
        let submitter = authors[rng.below(authors.len())].clone();
        let mut text = String::with_capacity(200 + size * 300);
        text.push_str(sentence(&mut rng).trim_end_matches('.'));
        text.push_str(&format!(
            "\n\nAuthored by {} and submitted by {submitter}\n\n",
            rng.pick(DOMAINS)
        ));
        for line in body(&mut rng) {
            text.push_str(&line);
            text.push('\n');
        }
        let step = if rng.chance(0.5) { "    " } else { "  " };
        let mut minute = (rng.below(10 * 365 * 24 * 60) + 45 * 365 * 24 * 60) as i64;
        let mut depth = 0usize;
        for c in 0..size {
            // Nesting falls off with depth: each level is about half as likely.
            let mut next = 0;
            while next <= depth && c > 0 && rng.chance(0.55) {
                next += 1;
            }
            depth = next;
            minute += 1 + (rng.unit() * rng.unit() * 240.0) as i64;
            let at = chrono::DateTime::from_timestamp(minute * 60, 0).unwrap();
            let author = if rng.chance(0.03) {
                "[deleted]".to_owned()
            } else if rng.chance(0.05) {
                submitter.clone()
            } else {
                // Some authors are far more active than others.
                let i = (rng.unit() * rng.unit() * authors.len() as f64) as usize;
                authors[i].clone()
            };
            let indent = step.repeat(depth);
            use chrono::{Datelike, Timelike};
            text.push_str(&format!(
                "\n{indent}{author} on {} {}{}, {} at {:02}:{:02} UTC »\n\n",
                MONTHS[at.month0() as usize],
                at.day(),
                suffix(at.day()),
                at.year(),
                at.hour(),
                at.minute()
            ));
            for line in body(&mut rng) {
                if !line.is_empty() {
                    text.push_str(&indent);
                }
                text.push_str(&line);
                text.push('\n');
            }
        }
        let name = format!("{n:06}_{:016x}.txt", rng.next());
        std::fs::File::create(args.out.join(name))?.write_all(text.as_bytes())?;
        written += size;
    }
    eprintln!(
        "wrote {} discussions with {written} comments to {}",
        args.discussions,
        args.out.display()
    );
    Ok(())
}
