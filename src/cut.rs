//! Where comment lists are cut, the one policy that the server's pages and
//! the export's files share: how deep a tree goes on one page before it
//! continues on a comment's own page, and how much one page of comments
//! holds.

use crate::model::Discussion;
use crate::paging::{Budget, Cost, Pages};
use crate::thread::Layout;

/// Replies deeper than this many levels below a tree's top are behind a
/// "continue this thread" link to their ancestor's own page.
pub const MAX_VISIBLE_DEPTH: usize = 10;

/// What one page of a comment tree may hold: 200, as Reddit shows; long
/// comments end a page sooner, so that it stays within 3,000 elements and
/// 400 KB (each line of text may become an element). Half as many pages as
/// 100 made: an export of a million comments fits a free host's file
/// count.
pub const COMMENT_BUDGET: Budget = Budget {
    items: 200,
    bytes: 200_000,
    lines: 600,
};

/// What one page of a flat list of comments may hold (a timeline, an
/// author's): each names its discussion and its parent, so it costs
/// twice the elements of a comment in a tree.
pub const FLAT_BUDGET: Budget = Budget {
    items: 100,
    bytes: 200_000,
    lines: 1_000,
};

/// The comments of `order` (each before its replies, sorted) that a tree
/// shows: those fewer than [`MAX_VISIBLE_DEPTH`] levels below `base`.
pub fn visible(d: &Discussion, mut order: Vec<usize>, base: usize) -> Vec<usize> {
    order.retain(|&i| d.comments()[i].depth() - base < MAX_VISIBLE_DEPTH);
    order
}

/// The pages of a list of comments (indexes into `d`) laid out as `layout`.
pub fn comment_pages(d: &Discussion, order: &[usize], layout: Layout) -> Pages {
    pages_of(order.iter().map(|&i| &*d.comments()[i].body), layout)
}

/// The pages of a list of comments given by their bodies, laid out as
/// `layout`.
pub fn pages_of<'a>(bodies: impl Iterator<Item = &'a str>, layout: Layout) -> Pages {
    pages_by_cost(bodies.map(Cost::of_text), layout)
}

/// The same, given each comment's cost (its text's bytes and lines).
pub fn pages_by_cost(costs: impl Iterator<Item = Cost>, layout: Layout) -> Pages {
    let budget = match layout {
        Layout::Tree => COMMENT_BUDGET,
        Layout::Flat => FLAT_BUDGET,
    };
    Pages::by_cost(costs, budget)
}

/// Whether comment `index` is where a tree stops and its replies go on on
/// a page of their own ("continue this thread"): the thread's tree stops
/// at its tenth level, and each continued tree again ten levels below its
/// top comment.
pub fn continues(d: &Discussion, index: usize) -> bool {
    let depth = d.comments()[index].depth();
    let step = MAX_VISIBLE_DEPTH - 1;
    depth >= step && (depth - step).is_multiple_of(step) && !d.replies(index).is_empty()
}

/// The comment whose own page shows comment `index`, which is too deep
/// for the thread's pages: its ancestor where the tree above it stops.
pub fn continued_from(d: &Discussion, index: usize) -> usize {
    let step = MAX_VISIBLE_DEPTH - 1;
    let depth = d.comments()[index].depth();
    let top = step + step * ((depth - MAX_VISIBLE_DEPTH) / step);
    let mut at = index;
    while d.comments()[at].depth() > top {
        at = d.comments()[at]
            .parent()
            .expect("a comment below the top level has a parent");
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// A chain of `n` comments, each replying to the one before.
    fn chain(n: usize) -> Discussion {
        let mut doc = String::from("T\n\n");
        for i in 0..n {
            doc.push_str(&format!(
                "{}a{i} on May 1, 2020 at 01:{:02} UTC »\nx\n",
                "    ".repeat(i),
                i % 60
            ));
        }
        parse("t.txt", &doc).discussion.unwrap()
    }

    #[test]
    fn a_tree_shows_ten_levels_and_continues_below() {
        let d = chain(30);
        let all: Vec<usize> = (0..30).collect();
        assert_eq!(visible(&d, all.clone(), 0).len(), MAX_VISIBLE_DEPTH);
        let continuing: Vec<usize> = (0..30).filter(|&i| continues(&d, i)).collect();
        assert_eq!(continuing, [9, 18, 27]);
        assert_eq!(continued_from(&d, 10), 9);
        assert_eq!(continued_from(&d, 18), 9);
        assert_eq!(continued_from(&d, 19), 18);
        assert_eq!(continued_from(&d, 29), 27);
        // What a continued page shows is exactly the levels up to the next cut.
        assert_eq!(visible(&d, all[9..].to_vec(), 9).last(), Some(&18));
    }
}
