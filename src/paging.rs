//! Cutting a long list (a thread in display order, a timeline, the index)
//! into pages. A page ends when the next item would break one of the
//! page's budgets: so many items, so many bytes of text, so many lines
//! (which become elements). Boundaries depend only on the list, so a page
//! number names the same items for as long as the archive is unchanged.

use std::ops::Range;

/// What one item costs a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Bytes of text (a comment's body).
    pub bytes: usize,
    /// Lines of text: each may become an element or two.
    pub lines: usize,
}

impl Cost {
    /// The cost of an item whose text is `text`.
    pub fn of_text(text: &str) -> Self {
        Cost {
            bytes: text.len(),
            lines: 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count(),
        }
    }
}

/// The most a page may hold. A single item over the budget still gets a
/// page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub items: usize,
    pub bytes: usize,
    pub lines: usize,
}

impl Budget {
    /// Only a number of items (rows of a table, short list entries).
    pub const fn items(items: usize) -> Self {
        Budget {
            items,
            bytes: usize::MAX,
            lines: usize::MAX,
        }
    }
}

/// A list cut into pages; page numbers start at 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pages {
    /// The first item of each page, then the list's length.
    bounds: Vec<usize>,
}

impl Pages {
    /// Pages of `len` items under an item-only budget.
    pub fn uniform(len: usize, per_page: usize) -> Self {
        let per_page = per_page.max(1);
        let mut bounds: Vec<usize> = (0..len).step_by(per_page).collect();
        if bounds.is_empty() {
            bounds.push(0);
        }
        bounds.push(len);
        Pages { bounds }
    }

    /// Pages of the items whose costs are `costs`, in order, each page as
    /// full as `budget` allows.
    pub fn by_cost(costs: impl IntoIterator<Item = Cost>, budget: Budget) -> Self {
        let mut cutter = Cutter::new(budget);
        for cost in costs {
            cutter.push(cost);
        }
        cutter.finish()
    }

    /// How many pages there are: at least one, possibly empty.
    pub fn count(&self) -> usize {
        self.bounds.len() - 1
    }

    /// How many items there are in all.
    pub fn len(&self) -> usize {
        self.bounds[self.bounds.len() - 1]
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items of page `page` (1-based), or `None` past the last page.
    pub fn range(&self, page: usize) -> Option<Range<usize>> {
        (page >= 1 && page <= self.count()).then(|| self.bounds[page - 1]..self.bounds[page])
    }

    /// The page that holds item `position`.
    pub fn page_of(&self, position: usize) -> usize {
        // The last bound not after `position`.
        let at = self.bounds[..self.count()].partition_point(|&start| start <= position);
        at.max(1)
    }
}

/// Cuts a list into pages as its items come, one at a time (a list too
/// long to hold).
pub struct Cutter {
    budget: Budget,
    bounds: Vec<usize>,
    /// What the page being filled holds.
    items: usize,
    bytes: usize,
    lines: usize,
    len: usize,
}

impl Cutter {
    pub fn new(budget: Budget) -> Self {
        Cutter {
            budget,
            bounds: vec![0],
            items: 0,
            bytes: 0,
            lines: 0,
            len: 0,
        }
    }

    /// Adds the next item: whether it starts a page (the first does).
    pub fn push(&mut self, cost: Cost) -> bool {
        let full = self.items > 0
            && (self.items + 1 > self.budget.items
                || self.bytes.saturating_add(cost.bytes) > self.budget.bytes
                || self.lines.saturating_add(cost.lines) > self.budget.lines);
        if full {
            self.bounds.push(self.len);
            (self.items, self.bytes, self.lines) = (0, 0, 0);
        }
        let starts = self.items == 0;
        self.items += 1;
        self.bytes = self.bytes.saturating_add(cost.bytes);
        self.lines = self.lines.saturating_add(cost.lines);
        self.len += 1;
        starts
    }

    /// The pages of the items pushed.
    pub fn finish(mut self) -> Pages {
        self.bounds.push(self.len);
        Pages {
            bounds: self.bounds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(sizes: &[usize]) -> Vec<Cost> {
        sizes
            .iter()
            .map(|&bytes| Cost { bytes, lines: 1 })
            .collect()
    }

    #[test]
    fn uniform_pages_cover_every_item_once() {
        let pages = Pages::uniform(250, 100);
        assert_eq!(pages.count(), 3);
        assert_eq!(pages.range(1), Some(0..100));
        assert_eq!(pages.range(3), Some(200..250));
        assert_eq!(pages.range(4), None);
        assert_eq!(pages.range(0), None);
        assert_eq!(pages.page_of(0), 1);
        assert_eq!(pages.page_of(99), 1);
        assert_eq!(pages.page_of(100), 2);
        assert_eq!(pages.page_of(249), 3);
        let empty = Pages::uniform(0, 100);
        assert_eq!((empty.count(), empty.range(1)), (1, Some(0..0)));
    }

    #[test]
    fn a_page_ends_before_the_item_that_would_break_its_budget() {
        let budget = Budget {
            items: 3,
            bytes: 100,
            lines: 10,
        };
        let pages = Pages::by_cost(bytes(&[10, 10, 10, 10, 60, 50, 500, 1]), budget);
        let ranges: Vec<_> = (1..=pages.count())
            .map(|p| pages.range(p).unwrap())
            .collect();
        // Three items; then 10 + 60 (50 more would pass 100); 50; the
        // oversized item alone; the last.
        assert_eq!(ranges, vec![0..3, 3..5, 5..6, 6..7, 7..8]);
        assert_eq!(pages.page_of(4), 2);
        assert_eq!(pages.page_of(7), 5);
        let lines = Pages::by_cost(
            [Cost { bytes: 1, lines: 6 }, Cost { bytes: 1, lines: 6 }],
            budget,
        );
        assert_eq!(lines.count(), 2);
    }

    #[test]
    fn text_costs_count_bytes_and_lines() {
        assert_eq!(Cost::of_text("a\nb\n"), Cost { bytes: 4, lines: 3 });
    }
}
