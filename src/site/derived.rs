//! What the pages of one view share, computed once per archive version:
//! a view's comment order cut into pages, a discussion's activity chart,
//! its participants, where each comment is in its thread. Every page of a
//! 100,000-comment thread needs the same order; computing it once is what
//! keeps walking its thousand pages cheap. Each kind is kept in its own
//! byte-bounded cache (quick_cache) beside the rendered pages.

use std::convert::Infallible;
use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use crate::model::{Archive, Discussion};
use crate::paging::Pages;
use crate::search::Query;
use crate::thread::{self, Filter, Layout, SortOrder};

use super::chart::Chart;
use super::error::PageError;
use super::query::AuthorsSort;
use super::time_pages::{Selection, TimePages};
use crate::cut::{comment_pages, visible};

/// A view's comments in display order, and its pages.
pub struct PagedOrder {
    pub order: Vec<usize>,
    pub pages: Pages,
    pub layout: Layout,
    /// How many comments the discussion has.
    comment_count: usize,
    /// Each comment's position in `order` (`u32::MAX` when not in it),
    /// made on the first question.
    position: OnceLock<Vec<u32>>,
}

impl PagedOrder {
    fn new(d: &Discussion, order: Vec<usize>, layout: Layout) -> Self {
        PagedOrder {
            pages: comment_pages(d, &order, layout),
            order,
            layout,
            comment_count: d.comments().len(),
            position: OnceLock::new(),
        }
    }

    /// Where comment `index` is in the order, if the view shows it.
    pub fn position_of(&self, index: usize) -> Option<usize> {
        let position = self.position.get_or_init(|| {
            let mut position = vec![u32::MAX; self.comment_count];
            for (at, &i) in self.order.iter().enumerate() {
                position[i] = at as u32;
            }
            position
        });
        position
            .get(index)
            .filter(|&&at| at != u32::MAX)
            .map(|&at| at as usize)
    }
}

/// Which view of which discussion an order is for.
#[derive(Clone, PartialEq, Eq, Hash)]
struct OrderKey {
    discussion: String,
    sort: SortOrder,
    author: Option<String>,
    query: Option<String>,
    timeline: bool,
    /// For a comment's page: the comment whose replies are shown.
    under: Option<usize>,
}

/// What a cached value weighs, in bytes (about).
trait Weight {
    fn bytes(&self) -> usize;
}

impl Weight for PagedOrder {
    fn bytes(&self) -> usize {
        // The positions count from the start: a weight must not change.
        self.order.len() * 8 + self.pages.count() * 8 + self.comment_count * 4
    }
}

impl Weight for Option<Chart> {
    fn bytes(&self) -> usize {
        // Sixty bars of a few short strings each.
        16 << 10
    }
}

impl Weight for Vec<usize> {
    fn bytes(&self) -> usize {
        self.len() * 8
    }
}

impl Weight for Vec<(String, usize)> {
    fn bytes(&self) -> usize {
        self.iter().map(|(name, _)| name.len() + 40).sum()
    }
}

#[derive(Clone)]
struct ByBytes;

impl<K, V: Weight> quick_cache::Weighter<K, Arc<V>> for ByBytes {
    fn weight(&self, _key: &K, value: &Arc<V>) -> u64 {
        (value.bytes() + 128) as u64
    }
}

/// One kind of derived value, by key, within a budget.
struct Kind<K, V> {
    cache: quick_cache::sync::Cache<K, Arc<V>, ByBytes>,
}

impl<K: Eq + Hash + Clone, V: Weight> Kind<K, V> {
    fn new(bytes: u64) -> Self {
        Kind {
            cache: quick_cache::sync::Cache::with_weighter(64, bytes.max(1 << 20), ByBytes),
        }
    }

    /// In one shard: a value may take the whole budget (a shard takes
    /// only what fits its share).
    fn one_shard(bytes: u64) -> Self {
        let options = quick_cache::OptionsBuilder::new()
            .shards(1)
            .estimated_items_capacity(16)
            .weight_capacity(bytes.max(1 << 20))
            .build()
            .expect("the options are whole");
        Kind {
            cache: quick_cache::sync::Cache::with_options(
                options,
                ByBytes,
                Default::default(),
                Default::default(),
            ),
        }
    }

    /// The value of `key`, made once (others asking meanwhile wait for
    /// it), unless making it fails.
    fn try_get<E>(&self, key: K, make: impl FnOnce() -> Result<V, E>) -> Result<Arc<V>, E> {
        self.cache.get_or_insert_with(&key, || make().map(Arc::new))
    }

    /// The value of `key`, made once (others asking meanwhile wait for it).
    fn get(&self, key: K, make: impl FnOnce() -> V) -> Arc<V> {
        match self
            .cache
            .get_or_insert_with(&key, || Ok::<_, Infallible>(Arc::new(make())))
        {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }
}

impl Weight for TimePages {
    fn bytes(&self) -> usize {
        self.weight()
    }
}

/// The derived values of one archive version.
pub struct Derived {
    orders: Kind<OrderKey, PagedOrder>,
    charts: Kind<String, Option<Chart>>,
    participants: Kind<String, Vec<(String, usize)>>,
    /// The archive's authors in each order, by index.
    authors: Kind<AuthorsSort, Vec<usize>>,
    /// Timelines' pages (a few bytes a page): each reads its comments'
    /// times and sizes through once. The whole archive's is kept apart,
    /// made when first asked for (a quarter of a byte a comment).
    timelines: Kind<Selection, TimePages>,
    /// (Made under its lock: a page that asks while it is being made
    /// waits for it rather than making it again.)
    whole_timeline: std::sync::Mutex<Option<Arc<TimePages>>>,
    /// The pages of names (`/by-name`), made when first asked for.
    names: std::sync::OnceLock<NamePages>,
}

/// The archive's authors by name, cut into the pages of `/by-name`.
pub struct NamePages {
    /// Authors (indexes in the archive's list) in name order.
    pub order: Arc<Vec<usize>>,
    pub pages: crate::paging::Pages,
    /// Each author's place in `order`, by index in the archive's list.
    pub position: Vec<u32>,
    /// Where each first letter starts in `order`: `#` (digits and signs),
    /// `A` to `Z`, then `…` (other scripts and signs after `z`).
    pub letters: Vec<(char, usize)>,
}

impl Derived {
    /// Caches holding at most `bytes` in all: most for orders, the rest
    /// for participants, charts and the orders of the authors.
    pub fn new(bytes: u64) -> Self {
        Derived {
            orders: Kind::new(bytes / 2),
            participants: Kind::new(bytes / 8),
            charts: Kind::new(bytes / 8),
            authors: Kind::new(bytes / 8),
            timelines: Kind::one_shard(bytes / 8),
            whole_timeline: std::sync::Mutex::new(None),
            names: std::sync::OnceLock::new(),
        }
    }

    /// The pages of the timeline of `selection`, made once.
    pub fn timeline(
        &self,
        archive: &Archive,
        selection: &Selection,
    ) -> Result<Arc<TimePages>, PageError> {
        let whole = Selection {
            per_page: None,
            ..Selection::default()
        };
        if *selection != whole {
            return self
                .timelines
                .try_get(selection.clone(), || TimePages::new(archive, selection));
        }
        let mut whole = self
            .whole_timeline
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(made) = &*whole {
            return Ok(made.clone());
        }
        let made = Arc::new(TimePages::new(archive, selection)?);
        *whole = Some(made.clone());
        Ok(made)
    }

    /// The pages of names, made once by `make`.
    pub fn names(&self, make: impl FnOnce() -> NamePages) -> &NamePages {
        self.names.get_or_init(make)
    }

    /// A discussion's default thread view: where "in the thread" links go.
    pub fn thread(&self, d: &Discussion) -> Arc<PagedOrder> {
        self.order(d, &Filter::default_view(d, false))
    }

    /// The comments a discussion view shows (flat lists whole, trees to the
    /// depth cut), in order, with its pages.
    pub fn order(&self, d: &Discussion, filter: &Filter) -> Arc<PagedOrder> {
        let key = OrderKey {
            discussion: d.id.clone(),
            sort: filter.sort,
            author: filter.author.map(str::to_owned),
            query: filter.query.map(|q| q.as_str().to_owned()),
            timeline: filter.timeline,
            under: None,
        };
        self.orders.get(key, || {
            let selection = thread::select(d, filter);
            let order = match selection.layout {
                Layout::Flat => selection.order,
                Layout::Tree => visible(d, selection.order, 0),
            };
            PagedOrder::new(d, order, selection.layout)
        })
    }

    /// The replies under comment `index` (and it), as its page shows them.
    pub fn replies(&self, d: &Discussion, index: usize, sort: SortOrder) -> Arc<PagedOrder> {
        let key = OrderKey {
            discussion: d.id.clone(),
            sort,
            author: None,
            query: None,
            timeline: false,
            under: Some(index),
        };
        self.orders.get(key, || {
            let base = d.comments()[index].depth();
            let order = visible(d, thread::display_order(d, &[index], sort), base);
            PagedOrder::new(d, order, Layout::Tree)
        })
    }

    /// The archive's authors (indexes) in the order `sort`, sorted by
    /// `make` the first time: every page of `/authors` shares one sort.
    /// Every author (an index in [`Archive::authors`]) in the order `sort`
    /// asks for, sorted once per archive version.
    pub fn sorted_authors(&self, archive: &Archive, sort: AuthorsSort) -> Arc<Vec<usize>> {
        self.authors.get(sort, || {
            let authors = archive.authors();
            let mut order: Vec<usize> = (0..authors.len()).collect();
            match sort {
                AuthorsSort::Count => order.sort_by(|&a, &b| {
                    let (a, b) = (&authors[a], &authors[b]);
                    b.comment_count
                        .cmp(&a.comment_count)
                        .then_with(|| a.name.cmp(&b.name))
                }),
                AuthorsSort::Name => order.sort_by_cached_key(|&a| {
                    (authors[a].name.to_lowercase(), authors[a].name.clone())
                }),
                AuthorsSort::Last => order.sort_by(|&a, &b| {
                    let (a, b) = (&authors[a], &authors[b]);
                    b.last_at.cmp(&a.last_at).then_with(|| a.name.cmp(&b.name))
                }),
            }
            order
        })
    }

    /// The activity chart of `d`, drawn by `make` the first time.
    pub fn chart(
        &self,
        d: &Discussion,
        make: impl FnOnce() -> Option<Chart>,
    ) -> Arc<Option<Chart>> {
        self.charts.get(d.id.clone(), make)
    }

    /// Everyone who commented in `d` with their counts, most first.
    pub fn participants(&self, d: &Discussion) -> Arc<Vec<(String, usize)>> {
        self.participants.get(d.id.clone(), || {
            let mut counts: rustc_hash::FxHashMap<&str, usize> = Default::default();
            for c in d.comments() {
                *counts.entry(&c.author).or_default() += 1;
            }
            let mut list: Vec<(String, usize)> = counts
                .into_iter()
                .map(|(name, count)| (name.to_owned(), count))
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list
        })
    }
}

/// The filter of a search query, for [`Derived::order`].
pub fn search_filter(query: &Query) -> Filter<'_> {
    Filter {
        query: Some(query),
        ..Filter::default()
    }
}
