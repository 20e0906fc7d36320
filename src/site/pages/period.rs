//! A year, a month or a day, the archive's or a community's: the
//! discussions started in it (top first where there are scores, else
//! newest), its most active authors, and the way to the periods around
//! it: the years with their counts, a year's months as a strip, a month's
//! days as a calendar, the previous and next periods with content. An
//! empty period is a page that says so.

use std::collections::BTreeMap;

use askama::Template;
use chrono::{DateTime, Datelike, Utc};

use super::community::ActiveAuthor;
use super::index::sort_discussions;
use super::page_range;
use crate::model::{Community, Counted, Head, Span};
use crate::paging::Pages;
use crate::site::Ctx;
use crate::site::error::PageError;
use crate::site::query::{Day, IndexSort, Period, PeriodQuery, TimelineQuery};
use crate::site::url::Url;
use crate::site::view::{DiscussionSummary, Meta, Pager, count_of};

/// Discussions on one page of a period.
pub const PER_PAGE: usize = 100;

/// A link with a label and a count (a year, a month, a day).
pub struct Step {
    pub label: String,
    pub href: Option<String>,
    pub count: usize,
    pub current: bool,
}

/// A bar of the months strip (SVG).
pub struct MonthBar {
    pub x: f64,
    pub y: f64,
    pub height: f64,
    pub label: &'static str,
    pub title: String,
    pub href: Option<String>,
}

/// Fields: `meta`, `heading`, `summary`, `years`, `months` (a year's
/// strip), `calendar` (a month's weeks of days), `prev`, `next`,
/// `authors`, `discussions`, `pager`, `timeline`, `empty`.
#[derive(Template)]
#[template(path = "period.html")]
pub struct PeriodPage {
    meta: Meta,
    heading: String,
    summary: String,
    years: Vec<Step>,
    months: Vec<MonthBar>,
    calendar: Vec<Vec<Option<Step>>>,
    prev: Option<Step>,
    next: Option<Step>,
    authors: Vec<ActiveAuthor>,
    discussions: Vec<DiscussionSummary>,
    pager: Pager,
    timeline: Option<String>,
    empty: bool,
}

const MONTH_LETTERS: [&str; 12] = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"];

impl PeriodPage {
    pub fn build(
        ctx: &Ctx,
        community: Option<&Community>,
        period: Period,
        q: &PeriodQuery,
    ) -> Result<Self, PageError> {
        let (archive, links) = (ctx.archive, &ctx.links);
        let (start, end) = period
            .range()
            .ok_or_else(|| PageError::NotFound("There is no such date.".to_owned()))?;
        let pool: Vec<&Head> = match community {
            Some(c) => {
                let stats = super::community::find(ctx, c)?;
                stats
                    .discussions
                    .iter()
                    .map(|&i| &*archive.discussions()[i])
                    .collect()
            }
            None => archive.discussions().iter().map(|d| &**d).collect(),
        };
        let community = community.map(|c| {
            archive
                .community(c)
                .map_or_else(|| c.clone(), |s| s.community.clone())
        });
        let started: Vec<(DateTime<Utc>, &Head)> = pool
            .iter()
            .filter_map(|d| Some((d.started_at()?, *d)))
            .collect();
        let url = |period: Period| Url::Period {
            community: community.clone(),
            period,
            query: PeriodQuery::default(),
        };
        let href = |period: Period| links.exported_href(&url(period));
        // How many started in each period of the same kind, and each year.
        let mut same_kind: BTreeMap<Period, usize> = BTreeMap::new();
        for (at, _) in &started {
            *same_kind.entry(period.of_kind(*at)).or_default() += 1;
        }
        let here: Vec<&Head> = started
            .iter()
            .filter(|(at, _)| *at >= start && *at < end)
            .map(|(_, d)| *d)
            .collect();
        let scores = here
            .iter()
            .any(|d| d.post().is_some_and(|p| p.score.is_some()));
        let sorted = sort_discussions(
            here.clone(),
            if scores {
                IndexSort::Top
            } else {
                IndexSort::New
            },
        );
        let pages = Pages::uniform(sorted.len(), PER_PAGE);
        let range = page_range(&pages, q.page.get())?;
        let pager = Pager::new(&pages, q.page.get(), "discussions", |p| {
            links.href(&url(period).page(p))
        });
        let step = |p: Period, count: usize| Step {
            label: p.label(),
            href: href(p),
            count,
            current: p == period,
        };
        let prev = same_kind
            .range(..period)
            .next_back()
            .map(|(&p, &count)| step(p, count));
        let next = same_kind
            .range(period..)
            .find(|(p, _)| **p != period)
            .map(|(&p, &count)| step(p, count));
        let months = match period.month {
            Some(_) => Vec::new(),
            None => months_strip(period.year, &started, |m| {
                href(Period {
                    year: period.year,
                    month: Some(m),
                    day: None,
                })
            }),
        };
        let calendar = match (period.month, period.day) {
            (Some(month), None) => calendar(period.year, month, &started, |d| {
                href(Period {
                    year: period.year,
                    month: Some(month),
                    day: Some(d),
                })
            }),
            _ => Vec::new(),
        };
        // How many comments were made in it, and by whom most (on the
        // first page only, like a community's).
        let span = match (period.month, period.day) {
            (None, _) => Span::Counted(Counted::Year(period.year)),
            (Some(month), None) => Span::Counted(Counted::Month(period.year, month)),
            (Some(_), Some(_)) => Span::Between(start, end),
        };
        let comments = archive.comments_in(community.as_ref(), span)?;
        let authors = if q.page.get() == 1 {
            super::community::most_active(archive, community.as_ref(), span, links)?
        } else {
            Vec::new()
        };
        let place = community
            .as_ref()
            .map(|c| format!(" in {}", c.name()))
            .unwrap_or_default();
        let heading = format!("{}{place}", period.label());
        let summary = format!(
            "{} started, {} made. Dates are UTC.",
            count_of(here.len(), "discussion", "discussions"),
            count_of(comments, "comment", "comments")
        );
        let timeline = links.exported_href(&Url::Timeline(TimelineQuery {
            community: community.as_ref().map(Community::name),
            after: Some(Day(start.date_naive())),
            before: Some(Day(end.date_naive())),
            ..TimelineQuery::default()
        }));
        Ok(PeriodPage {
            meta: Meta::new(format!("{heading} · threadview"), &summary, links).paged(&pager),
            heading,
            summary,
            years: years(&pool, community.as_ref(), Some(period.year), links),
            months,
            calendar,
            prev,
            next,
            authors,
            empty: here.is_empty(),
            discussions: sorted[range]
                .iter()
                .map(|d| DiscussionSummary::new(ctx.archive, d, links))
                .collect(),
            pager,
            timeline,
        })
    }
}

/// A year's twelve months as bars: discussions started in each.
fn months_strip(
    year: i32,
    started: &[(DateTime<Utc>, &Head)],
    href: impl Fn(u32) -> Option<String>,
) -> Vec<MonthBar> {
    let mut counts = [0usize; 12];
    for (at, _) in started.iter().filter(|(at, _)| at.year() == year) {
        counts[at.month0() as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let height = 60.0 * count as f64 / max as f64;
            let month = i as u32 + 1;
            MonthBar {
                x: 10.0 + i as f64 * 40.0,
                y: 70.0 - height,
                height,
                label: MONTH_LETTERS[i],
                title: format!(
                    "{}: {}",
                    Period {
                        year,
                        month: Some(month),
                        day: None
                    }
                    .label(),
                    count_of(count, "discussion", "discussions")
                ),
                href: (count > 0).then(|| href(month)).flatten(),
            }
        })
        .collect()
}

/// A month as weeks (Monday first) of days, each with its count.
fn calendar(
    year: i32,
    month: u32,
    started: &[(DateTime<Utc>, &Head)],
    href: impl Fn(u32) -> Option<String>,
) -> Vec<Vec<Option<Step>>> {
    let Some(first) = chrono::NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let mut counts = [0usize; 32];
    for (at, _) in started
        .iter()
        .filter(|(at, _)| at.year() == year && at.month() == month)
    {
        counts[at.day() as usize] += 1;
    }
    let mut weeks = Vec::new();
    let mut week: Vec<Option<Step>> = (0..first.weekday().num_days_from_monday())
        .map(|_| None)
        .collect();
    let mut date = first;
    while date.month() == month {
        let day = date.day();
        let count = counts[day as usize];
        week.push(Some(Step {
            label: day.to_string(),
            href: (count > 0).then(|| href(day)).flatten(),
            count,
            current: false,
        }));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(None);
        }
        weeks.push(week);
    }
    weeks
}

/// The years in which `discussions` started, with their counts, linked to
/// their pages (the archive's, or `community`'s), `current` marked.
pub fn years(
    discussions: &[&Head],
    community: Option<&Community>,
    current: Option<i32>,
    links: &crate::site::url::Links,
) -> Vec<Step> {
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for d in discussions {
        if let Some(at) = d.started_at() {
            *years.entry(at.year()).or_default() += 1;
        }
    }
    years
        .into_iter()
        .map(|(year, count)| {
            let period = Period {
                year,
                month: None,
                day: None,
            };
            Step {
                label: period.label(),
                href: links.exported_href(&Url::Period {
                    community: community.cloned(),
                    period,
                    query: PeriodQuery::default(),
                }),
                count,
                current: current == Some(year),
            }
        })
        .collect()
}

/// A month's activity as a bar: comments made (the bar) and discussions
/// started (the inner bar), with what it says and where it leads.
pub struct ActivityBar {
    pub x: f64,
    pub width: f64,
    pub comments_y: f64,
    pub comments_height: f64,
    pub started_y: f64,
    pub started_height: f64,
    pub title: String,
    pub href: Option<String>,
}

/// Activity month by month: `bars` in a box `width` × `height`, `label`
/// saying it in words.
pub struct Activity {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<ActivityBar>,
    pub label: String,
}

/// Discussions started and comments made each month (UTC) in
/// `discussions`, from the first month with either to the last; each bar
/// leads to its month's page (the archive's, or `community`'s) where the
/// site has it. `None` without any time.
pub fn monthly_activity(
    discussions: &[&Head],
    community: Option<&Community>,
    links: &crate::site::url::Links,
    (width, height): (f64, f64),
) -> Option<Activity> {
    let mut months: BTreeMap<(i32, u32), (usize, usize)> = BTreeMap::new();
    for d in discussions {
        if let Some(at) = d.started_at() {
            months.entry((at.year(), at.month())).or_default().0 += 1;
        }
        for &(month, count) in d.comment_months() {
            let (year, month) = ((month / 12) as i32, month % 12 + 1);
            months.entry((year, month)).or_default().1 += count as usize;
        }
    }
    let (&first, _) = months.first_key_value()?;
    let (&last, _) = months.last_key_value()?;
    let index = |(y, m): (i32, u32)| y as i64 * 12 + m as i64 - 1;
    let slots = (index(last) - index(first) + 1) as usize;
    let slot = width / slots as f64;
    let max_comments = months.values().map(|v| v.1).max().unwrap_or(0).max(1);
    let max_started = months.values().map(|v| v.0).max().unwrap_or(0).max(1);
    let bars = months
        .iter()
        .map(|(&(year, month), &(started, comments))| {
            let i = (index((year, month)) - index(first)) as f64;
            let comments_height = height * comments as f64 / max_comments as f64;
            let started_height = height * 0.5 * started as f64 / max_started as f64;
            let period = Period {
                year,
                month: Some(month),
                day: None,
            };
            ActivityBar {
                x: i * slot,
                width: (slot - if slot > 3.0 { 1.0 } else { 0.0 }).max(0.5),
                comments_y: height - comments_height,
                comments_height,
                started_y: height - started_height,
                started_height,
                title: format!(
                    "{}: {}, {}",
                    period.label(),
                    count_of(started, "discussion started", "discussions started"),
                    count_of(comments, "comment", "comments")
                ),
                href: links.exported_href(&Url::Period {
                    community: community.cloned(),
                    period,
                    query: PeriodQuery::default(),
                }),
            }
        })
        .collect();
    let busiest = months
        .iter()
        .max_by_key(|(_, v)| v.1)
        .map(|(&(y, m), v)| {
            format!(
                "; busiest {} with {}",
                Period {
                    year: y,
                    month: Some(m),
                    day: None
                }
                .label(),
                count_of(v.1, "comment", "comments")
            )
        })
        .unwrap_or_default();
    let label = format!(
        "Discussions started and comments made each month, {} to {}{busiest}",
        Period {
            year: first.0,
            month: Some(first.1),
            day: None
        }
        .label(),
        Period {
            year: last.0,
            month: Some(last.1),
            day: None
        }
        .label(),
    );
    Some(Activity {
        width,
        height,
        bars,
        label,
    })
}
