//! What the pages of one view share, computed once per archive version:
//! a view's comment order cut into pages, a discussion's activity chart,
//! its participants, where each comment is in its thread. Every page of a
//! 100,000-comment thread needs the same order; computing it once is what
//! keeps walking its thousand pages cheap. Kept in a byte-bounded cache
//! (quick_cache) beside the rendered pages.

use std::sync::Arc;

use crate::model::Discussion;
use crate::paging::Pages;
use crate::search::Query;
use crate::thread::{self, Filter, Layout, SortOrder};

use super::chart::Chart;
use super::view::{ThreadMap, comment_pages, visible};

/// A view's comments in display order, and its pages.
pub struct PagedOrder {
    pub order: Vec<usize>,
    pub pages: Pages,
    pub layout: Layout,
}

/// What identifies a derived value: the discussion, and the view.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Order {
        discussion: String,
        sort: SortOrder,
        author: Option<String>,
        query: Option<String>,
        timeline: bool,
        /// For a comment's page: the comment whose replies are shown.
        under: Option<usize>,
    },
    Chart(String),
    Participants(String),
    ThreadMap(String),
}

#[derive(Clone)]
enum Value {
    Order(Arc<PagedOrder>),
    Chart(Arc<Option<Chart>>),
    Participants(Arc<Vec<(String, usize)>>),
    ThreadMap(Arc<ThreadMap>),
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<Key, Value> for ByBytes {
    fn weight(&self, _key: &Key, value: &Value) -> u64 {
        let bytes = match value {
            Value::Order(o) => o.order.len() * 8 + o.pages.count() * 8,
            Value::Chart(_) => 16 << 10,
            Value::Participants(p) => p.iter().map(|(name, _)| name.len() + 40).sum(),
            Value::ThreadMap(m) => m.bytes(),
        };
        (bytes + 128) as u64
    }
}

/// The derived values of one archive version.
pub struct Derived {
    cache: quick_cache::sync::Cache<Key, Value, ByBytes>,
}

impl Derived {
    pub fn new(bytes: u64) -> Self {
        Derived {
            cache: quick_cache::sync::Cache::with_weighter(256, bytes.max(1 << 20), ByBytes),
        }
    }

    fn get(&self, key: Key, make: impl FnOnce() -> Value) -> Value {
        match self
            .cache
            .get_or_insert_with(&key, || Ok::<_, std::convert::Infallible>(make()))
        {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// The comments a discussion view shows (flat lists whole, trees to the
    /// depth cut), in order, with its pages.
    pub fn order(&self, d: &Discussion, filter: &Filter) -> Arc<PagedOrder> {
        let key = Key::Order {
            discussion: d.id.clone(),
            sort: filter.sort,
            author: filter.author.map(str::to_owned),
            query: filter.query.map(|q| q.as_str().to_owned()),
            timeline: filter.timeline,
            under: None,
        };
        let make = || {
            let selection = thread::select(d, filter);
            let order = match selection.layout {
                Layout::Flat => selection.order,
                Layout::Tree => visible(d, selection.order, 0),
            };
            Value::Order(Arc::new(PagedOrder {
                pages: comment_pages(d, &order),
                order,
                layout: selection.layout,
            }))
        };
        match self.get(key, make) {
            Value::Order(order) => order,
            _ => unreachable!("an order key holds an order"),
        }
    }

    /// The replies under comment `index` (and it), as its page shows them.
    pub fn replies(&self, d: &Discussion, index: usize, sort: SortOrder) -> Arc<PagedOrder> {
        let key = Key::Order {
            discussion: d.id.clone(),
            sort,
            author: None,
            query: None,
            timeline: false,
            under: Some(index),
        };
        let make = || {
            let base = d.comments()[index].depth();
            let order = visible(d, thread::display_order(d, &[index], sort), base);
            Value::Order(Arc::new(PagedOrder {
                pages: comment_pages(d, &order),
                order,
                layout: Layout::Tree,
            }))
        };
        match self.get(key, make) {
            Value::Order(order) => order,
            _ => unreachable!("an order key holds an order"),
        }
    }

    pub fn chart(
        &self,
        d: &Discussion,
        make: impl FnOnce() -> Option<Chart>,
    ) -> Arc<Option<Chart>> {
        match self.get(Key::Chart(d.id.clone()), || Value::Chart(Arc::new(make()))) {
            Value::Chart(chart) => chart,
            _ => unreachable!("a chart key holds a chart"),
        }
    }

    /// Everyone who commented in `d` with their counts, most first.
    pub fn participants(&self, d: &Discussion) -> Arc<Vec<(String, usize)>> {
        let make = || {
            let mut counts: rustc_hash::FxHashMap<&str, usize> = Default::default();
            for c in d.comments() {
                *counts.entry(&c.author).or_default() += 1;
            }
            let mut list: Vec<(String, usize)> = counts
                .into_iter()
                .map(|(name, count)| (name.to_owned(), count))
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Value::Participants(Arc::new(list))
        };
        match self.get(Key::Participants(d.id.clone()), make) {
            Value::Participants(list) => list,
            _ => unreachable!("a participants key holds participants"),
        }
    }

    /// Where each comment of `d` is in its default thread pages.
    pub fn thread_map(&self, d: &Discussion) -> Arc<ThreadMap> {
        match self.get(Key::ThreadMap(d.id.clone()), || {
            Value::ThreadMap(Arc::new(ThreadMap::new(d)))
        }) {
            Value::ThreadMap(map) => map,
            _ => unreachable!("a thread map key holds a thread map"),
        }
    }
}

/// The filter of a search query, for [`Derived::order`].
pub fn search_filter(query: &Query) -> Filter<'_> {
    Filter {
        query: Some(query),
        ..Filter::default()
    }
}
