//! `to-dump`: writes an archive folder out as an Arctic Shift style dump
//! pair, for benchmarks of the dump reader on real comment texts:
//!
//!     cargo run --release --example to-dump -- ARCHIVE OUT [--zst]
//!
//! writes `OUT/r_scale_posts.jsonl` and `OUT/r_scale_comments.jsonl` (or
//! `.jsonl.zst`): one line per post and per comment, comments in time order
//! as the real dumps are, each line with the many fields a real dump line
//! carries (flair, awards, scores, permalinks) around the kept ones.

#![recursion_limit = "256"]

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use serde_json::json;

#[derive(Parser)]
struct Args {
    /// A folder of documents threadview reads.
    archive: PathBuf,
    /// The folder to write the dump pair into (created if missing).
    out: PathBuf,
    /// Compress with zstd (level 3), as the dumps are distributed.
    #[arg(long)]
    zst: bool,
}

/// Reddit's ids: base 36, seven characters from this offset on.
fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn writer(path: PathBuf, zst: bool) -> Box<dyn Write> {
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    if zst {
        Box::new(
            zstd::stream::write::Encoder::new(file, 3)
                .unwrap()
                .auto_finish(),
        )
    } else {
        Box::new(file)
    }
}

fn main() {
    let args = Args::parse();
    let archive = threadview::load::load_dir(&args.archive)
        .expect("the archive loads")
        .archive;
    std::fs::create_dir_all(&args.out).unwrap();
    let ext = if args.zst { "jsonl.zst" } else { "jsonl" };
    let mut posts = writer(args.out.join(format!("r_scale_posts.{ext}")), args.zst);
    let mut comments = writer(args.out.join(format!("r_scale_comments.{ext}")), args.zst);

    // Ids: posts and comments numbered from Reddit's seven-character range.
    let mut next_id = (36u64.pow(6)..).map(base36);
    let mut ids: Vec<(String, Vec<String>)> = Vec::new();
    for d in archive.discussions() {
        let post = next_id.next().expect("endless");
        let comment_ids = (0..d.comment_count())
            .map(|_| next_id.next().expect("endless"))
            .collect();
        ids.push((post, comment_ids));
    }

    for (i, (post, _)) in ids.iter().enumerate() {
        let d = archive.discussion(i).expect("the store reads back");
        let created = d
            .time_span()
            .map_or(1_600_000_000, |(first, _)| first.timestamp() - 60);
        let line = json!({
            "all_awardings": [], "archived": false, "author": d.submitter.as_deref().unwrap_or("[deleted]"),
            "author_flair_text": null, "author_fullname": "t2_8x1k2", "created_utc": created,
            "domain": d.source.as_deref().unwrap_or("self.scale"), "gilded": 0, "id": post,
            "is_self": true, "link_flair_text": null, "locked": false, "num_comments": d.comments().len(),
            "over_18": false, "permalink": format!("/r/scale/comments/{post}/_/"), "retrieved_on": created + 86_400,
            "score": 1, "selftext": escape(&d.body), "subreddit": "scale", "subreddit_id": "t5_2qh1i",
            "title": escape(&d.title), "url": format!("https://www.reddit.com/r/scale/comments/{post}/_/"),
        });
        writeln!(posts, "{line}").unwrap();
    }

    // Every comment, in time order (then by id), as the dumps are.
    let mut all: Vec<(i64, usize, usize)> = Vec::with_capacity(archive.comment_count());
    archive
        .each_in_time(i64::MIN, None, &|_| true, &mut |t| {
            let at = t.at;
            all.push((
                t.posted_at().map_or(0, |t| t.timestamp()),
                at.discussion(),
                at.comment(),
            ));
            true
        })
        .expect("the store reads back");
    all.sort_unstable();
    for (created, di, ci) in all {
        let d = archive.discussion(di).expect("the store reads back");
        let c = &d.comments()[ci];
        let (post, comment_ids) = &ids[di];
        let id = &comment_ids[ci];
        let parent = match c.parent() {
            Some(p) => format!("t1_{}", comment_ids[p]),
            None => format!("t3_{post}"),
        };
        let line = json!({
            "all_awardings": [], "archived": false, "associated_award": null, "author": &*c.author,
            "author_created_utc": 1_400_000_000, "author_flair_background_color": null,
            "author_flair_css_class": null, "author_flair_richtext": [], "author_flair_template_id": null,
            "author_flair_text": null, "author_flair_text_color": null, "author_flair_type": "text",
            "author_fullname": "t2_4k9xw", "author_patreon_flair": false, "author_premium": false,
            "awarders": [], "body": escape(&c.body), "can_gild": true, "collapsed": false,
            "collapsed_because_crowd_control": null, "collapsed_reason": null, "comment_type": null,
            "controversiality": 0, "created_utc": created, "distinguished": null, "edited": false,
            "gilded": 0, "gildings": {}, "id": id, "is_submitter": d.is_op(&c.author), "link_id": format!("t3_{post}"),
            "locked": false, "no_follow": true, "parent_id": parent,
            "permalink": format!("/r/scale/comments/{post}/_/{id}/"), "retrieved_on": created + 86_400,
            "score": 1, "score_hidden": false, "send_replies": true, "stickied": false,
            "subreddit": "scale", "subreddit_id": "t5_2qh1i", "subreddit_name_prefixed": "r/scale",
            "subreddit_type": "public", "top_awarded_type": null, "total_awards_received": 0,
            "treatment_tags": [], "unrepliable_reason": null,
        });
        writeln!(comments, "{line}").unwrap();
    }
    posts.flush().unwrap();
    comments.flush().unwrap();
}
