//! The activity chart: a histogram of comments over time, drawn on the
//! server as SVG, each bar a link to the first comment of its interval.

use chrono::{DateTime, TimeDelta, Utc};

/// Candidate bar widths in minutes, with how a caption names them.
const WIDTHS: [(i64, &str); 15] = [
    (1, "minute"),
    (5, "5 minutes"),
    (10, "10 minutes"),
    (15, "15 minutes"),
    (30, "30 minutes"),
    (60, "hour"),
    (120, "2 hours"),
    (180, "3 hours"),
    (360, "6 hours"),
    (720, "12 hours"),
    (1440, "day"),
    (2 * 1440, "2 days"),
    (7 * 1440, "week"),
    (30 * 1440, "30 days"),
    (365 * 1440, "365 days"),
];

/// At most this many bars.
const MAX_BARS: i64 = 60;

// The drawing's coordinates (the SVG scales to the page's width).
pub const WIDTH: f64 = 480.0;
pub const HEIGHT: f64 = 140.0;
const LEFT: f64 = 28.0;
const RIGHT: f64 = 472.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 112.0;
const TICKS: usize = 3;

/// One interval with at least one comment.
pub struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// The first comment of the interval.
    pub href: String,
    /// `3 comments, 2023-08-05 10:00 to 11:00 UTC`.
    pub label: String,
}

/// A label under the x axis.
pub struct Tick {
    pub x: String,
    pub text: String,
}

pub struct Chart {
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    /// The tallest bar's count.
    pub max: usize,
    /// The same as the y axis shows it, short enough for its margin
    /// (`42k` for 42,219).
    pub max_label: String,
    pub caption: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

fn minutes(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

fn at_minute(m: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(m * 60, 0).unwrap_or_default()
}

fn coordinate(v: f64) -> String {
    format!("{v:.1}")
}

/// A count in at most four characters: `950`, `4.2k`, `42k`, `1.3M`.
fn short_count(n: usize) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..10_000 => format!("{:.1}k", n as f64 / 1e3),
        10_000..1_000_000 => format!("{}k", n / 1_000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// A histogram of `times` (sorted); each bar links to `href(i)`, `i` the
/// index in `times` of the bar's first point. `None` when there is no time.
pub fn histogram(times: &[DateTime<Utc>], href: impl Fn(usize) -> String) -> Option<Chart> {
    histogram_of("Comments", times, href)
}

/// The same, of `what` (`Discussions started`, say), as the caption names
/// them.
pub fn histogram_of(
    what: &str,
    times: &[DateTime<Utc>],
    href: impl Fn(usize) -> String,
) -> Option<Chart> {
    let (first, last) = (*times.first()?, *times.last()?);
    let (lo, hi) = (minutes(first), minutes(last));
    let &(step, unit) = WIDTHS
        .iter()
        .find(|(w, _)| hi.div_euclid(*w) - lo.div_euclid(*w) < MAX_BARS)
        .unwrap_or(&WIDTHS[WIDTHS.len() - 1]);
    let start = lo.div_euclid(step);
    let slots = (hi.div_euclid(step) - start + 1) as usize;
    let mut counts = vec![0usize; slots];
    let mut firsts: Vec<Option<usize>> = vec![None; slots];
    for (i, t) in times.iter().enumerate() {
        let slot = (minutes(*t).div_euclid(step) - start) as usize;
        counts[slot] += 1;
        firsts[slot].get_or_insert(i);
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let slot_width = (RIGHT - LEFT) / slots as f64;
    let gap = if slot_width > 4.0 { 1.0 } else { 0.0 };
    let label_time = |m: i64| {
        let t = at_minute(m);
        if step >= 1440 {
            t.format("%Y-%m-%d").to_string()
        } else if slots as i64 * step <= 1440 && minutes(last) / 1440 == minutes(first) / 1440 {
            t.format("%H:%M").to_string()
        } else {
            t.format("%b %-d %H:%M").to_string()
        }
    };
    let bars = counts
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0)
        .map(|(slot, &count)| {
            let height = (BOTTOM - TOP) * count as f64 / max as f64;
            let from = (start + slot as i64) * step;
            let span = TimeDelta::minutes(step);
            Bar {
                x: coordinate(LEFT + slot as f64 * slot_width + gap / 2.0),
                y: coordinate(BOTTOM - height),
                width: coordinate((slot_width - gap).max(0.5)),
                height: coordinate(height),
                href: href(firsts[slot].unwrap_or_default()),
                label: format!(
                    "{count} comment{}, {} to {} UTC",
                    if count == 1 { "" } else { "s" },
                    at_minute(from).format("%Y-%m-%d %H:%M"),
                    (at_minute(from) + span).format("%Y-%m-%d %H:%M"),
                ),
            }
        })
        .collect();
    let ticks = (0..=TICKS)
        .map(|i| {
            let slot = (slots * i / TICKS).min(slots);
            Tick {
                x: coordinate(LEFT + slot as f64 * slot_width),
                text: label_time((start + slot as i64) * step),
            }
        })
        .collect();
    Some(Chart {
        bars,
        ticks,
        max_label: short_count(max),
        max,
        caption: format!(
            "{what} per {unit}, {} to {} UTC",
            first.format("%Y-%m-%d %H:%M"),
            last.format("%Y-%m-%d %H:%M")
        ),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 3, h, m, 0).unwrap()
    }

    #[test]
    fn bars_count_comments_per_interval_and_link_to_the_first() {
        let times = [at(9, 0), at(9, 20), at(11, 5)];
        let chart = histogram(&times, |i| ["#a", "#b", "#c"][i].to_owned()).unwrap();
        // 2h 5m fits in 60 bars of 5 minutes.
        assert!(chart.caption.starts_with("Comments per 5 minutes"));
        let bars: Vec<_> = chart
            .bars
            .iter()
            .map(|b| (&b.label[..10], b.href.as_str()))
            .collect();
        assert_eq!(
            bars,
            [
                ("1 comment,", "#a"),
                ("1 comment,", "#b"),
                ("1 comment,", "#c")
            ]
        );
        assert_eq!(chart.ticks.first().unwrap().text, "09:00");
        assert_eq!(
            chart.bars[0].label,
            "1 comment, 2024-03-03 09:00 to 2024-03-03 09:05 UTC"
        );
    }

    #[test]
    fn long_spans_use_wider_bars() {
        let later = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
        let times = [at(9, 0), at(9, 1), later];
        let chart = histogram(&times, |i| i.to_string()).unwrap();
        assert!(
            chart.caption.starts_with("Comments per 2 days"),
            "{}",
            chart.caption
        );
        assert!(
            chart.bars[0]
                .label
                .starts_with("2 comments, 2024-03-02 00:00 to 2024-03-04 00:00")
        );
        assert_eq!(chart.max, 2);
        assert_eq!(chart.max_label, "2");
        assert_eq!(short_count(4_219), "4.2k");
        assert_eq!(short_count(42_219), "42k");
        assert_eq!(short_count(1_250_000), "1.2M");
        assert!(histogram(&[], |i| i.to_string()).is_none());
        assert_eq!(chart.bars[1].href, "2");
    }
}
