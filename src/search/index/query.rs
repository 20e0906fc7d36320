//! Searching the index: a [`Query`] compiled to tantivy's, the page of
//! matches it asks for, and each match checked against the archive.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::collector::{Collector, Count, DocSetCollector, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Order, Score, SegmentReader, Term};

use super::store::{Engine, Fields, id_hash};
use crate::model::Archive;
use crate::search::{Hit, Query, ResultOrder, Results, sort_by_time};

/// A page of the archive's matches: `limit` from `offset` in `order`, and
/// how many there are. Hits that no longer match the archive (it changed
/// since indexing) are left out.
pub fn search(
    engine: &Engine,
    archive: &Archive,
    query: &Query,
    order: ResultOrder,
    offset: usize,
    limit: usize,
) -> tantivy::Result<Results> {
    let searcher = engine.reader.searcher();
    let (q, phrases) = compile(engine.fields, query);
    if !phrases.is_empty() {
        // Left-out phrases: every match, filtered, then the page.
        let found = all_matches(&searcher, &*q, &phrases)?;
        let mut hits = resolve(archive, &searcher, &found);
        sort_by_time(archive, &mut hits, order);
        let total = hits.len();
        let hits = hits.into_iter().skip(offset).take(limit).collect();
        return Ok(Results { hits, total });
    }
    let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
    let found: Vec<(Score, DocAddress)> = match order {
        ResultOrder::Relevance => searcher.search(&q, &top.order_by_score())?,
        ResultOrder::New | ResultOrder::Old => {
            let direction = if order == ResultOrder::New {
                Order::Desc
            } else {
                Order::Asc
            };
            searcher
                .search(&q, &top.order_by_fast_field::<i64>("time", direction))?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect()
        }
    };
    let total = searcher.search(&q, &Count)?;
    let hits = resolve(archive, &searcher, &found);
    Ok(Results { hits, total })
}

/// The tantivy query for `query`, and the phrases it leaves out. (Those are searched on their own: a
/// phrase inside an exclusion trips tantivy 0.27's phrase scorer.)
fn compile(f: Fields, query: &Query) -> (Box<dyn tantivy::query::Query>, Vec<PhraseQuery>) {
    let part = |terms: &[String]| -> Option<Box<dyn tantivy::query::Query>> {
        let terms: Vec<Term> = terms
            .iter()
            .map(|t| Term::from_field_text(f.text, t))
            .collect();
        match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms.into_iter().next()?,
                IndexRecordOption::WithFreqs,
            ))),
            _ => Some(Box::new(PhraseQuery::new(terms))),
        }
    };
    let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
    for p in &query.include {
        match part(&p.terms) {
            Some(q) => clauses.push((Occur::Must, q)),
            // Nothing searchable in it (punctuation only): nothing can
            // be found by it.
            None => return (Box::new(EmptyQuery), Vec::new()),
        }
    }
    let mut phrases = Vec::new();
    for p in &query.exclude {
        if p.terms.len() > 1 {
            let terms = p.terms.iter().map(|t| Term::from_field_text(f.text, t));
            phrases.push(PhraseQuery::new(terms.collect()));
        } else if let Some(q) = part(&p.terms) {
            clauses.push((Occur::MustNot, q));
        }
    }
    let filter = |q: Box<dyn tantivy::query::Query>| -> Box<dyn tantivy::query::Query> {
        Box::new(ConstScoreQuery::new(q, 0.0))
    };
    // A document whose `field` holds `text`.
    let term = |field, text: &str| -> Box<dyn tantivy::query::Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    // Documents whose `field` holds any of `texts` (none asked: no clause).
    let mut any_of = |field, texts: Vec<String>| {
        if !texts.is_empty() {
            let any = texts
                .iter()
                .map(|t| (Occur::Should, term(field, t)))
                .collect();
            clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(any)))));
        }
    };
    any_of(f.author, query.authors.clone());
    any_of(
        f.community,
        query
            .communities
            .iter()
            .map(crate::search::community_term)
            .collect(),
    );
    any_of(f.flair, query.flairs.clone());
    if query.has_filters() || query.include.is_empty() {
        clauses.push((Occur::Must, filter(term(f.kind, "comment"))));
    }
    for name in &query.not_authors {
        clauses.push((Occur::MustNot, term(f.author, name)));
    }
    if query.min_score.is_some() || query.max_score.is_some() {
        let bound = |n: Option<i64>| match n {
            None => Bound::Unbounded,
            Some(n) => Bound::Included(Term::from_field_i64(f.score, n)),
        };
        let range = RangeQuery::new(bound(query.min_score), bound(query.max_score));
        clauses.push((Occur::Must, filter(Box::new(range))));
    }
    if query.after.is_some() || query.before.is_some() {
        let bound = |t: Option<chrono::DateTime<chrono::Utc>>, inclusive: bool| match t {
            None => Bound::Unbounded,
            Some(t) if inclusive => Bound::Included(Term::from_field_i64(f.time, t.timestamp())),
            Some(t) => Bound::Excluded(Term::from_field_i64(f.time, t.timestamp())),
        };
        let range = RangeQuery::new(bound(query.after, true), bound(query.before, false));
        clauses.push((Occur::Must, filter(Box::new(range))));
    }
    if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
        clauses.push((Occur::Must, filter(Box::new(AllQuery))));
    }
    (Box::new(BooleanQuery::new(clauses)), phrases)
}

/// The documents any of `phrases` matches.
fn excluded(
    searcher: &tantivy::Searcher,
    phrases: &[PhraseQuery],
) -> tantivy::Result<HashSet<DocAddress>> {
    let mut out = HashSet::new();
    for phrase in phrases {
        out.extend(searcher.search(phrase, &DocSetCollector)?);
    }
    Ok(out)
}

/// Every match of `q` but those in `excluded`, with scores, best first.
fn all_matches(
    searcher: &tantivy::Searcher,
    q: &dyn tantivy::query::Query,
    phrases: &[PhraseQuery],
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let excluded = excluded(searcher, phrases)?;
    let mut found = searcher.search(q, &AllHits)?;
    found.retain(|(_, address)| !excluded.contains(address));
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(found)
}

/// The archive's discussions and comments for documents (each with its
/// score), those it still has as indexed, in the order given.
fn resolve(
    archive: &Archive,
    searcher: &tantivy::Searcher,
    found: &[(Score, DocAddress)],
) -> Vec<Hit> {
    struct Columns {
        ids: Option<tantivy::columnar::StrColumn>,
        comment: tantivy::columnar::Column<u64>,
        comment_id: tantivy::columnar::Column<u64>,
    }
    let columns: Vec<Option<Columns>> = searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let fast = segment.fast_fields();
            Some(Columns {
                ids: fast.str("discussion").ok()?,
                comment: fast.u64("comment").ok()?,
                comment_id: fast.u64("comment_id").ok()?,
            })
        })
        .collect();
    let mut id = String::new();
    found
        .iter()
        .filter_map(|&(score, address)| {
            let columns = columns.get(address.segment_ord as usize)?.as_ref()?;
            let ids = columns.ids.as_ref()?;
            let ord = ids.term_ords(address.doc_id).next()?;
            id.clear();
            ids.ord_to_str(ord, &mut id).ok()?;
            let comment = columns.comment.first(address.doc_id)?;
            let comment_id = columns.comment_id.first(address.doc_id)?;
            hit(archive, &id, comment, comment_id, score)
        })
        .collect()
}

fn hit(archive: &Archive, id: &str, comment: u64, comment_id: u64, score: Score) -> Option<Hit> {
    let discussion = archive.position(id)?;
    let d = archive.discussion(discussion).ok()?;
    let comment = match (comment as usize).checked_sub(1) {
        None => None,
        Some(i) => {
            let c = d.comments().get(i)?;
            (id_hash(c.id.as_str()) == comment_id).then_some(i)?;
            Some(i)
        }
    };
    Some(Hit {
        discussion,
        comment,
        score,
    })
}

/// Collects every match with its score.
struct AllHits;

struct AllHitsInSegment {
    segment: u32,
    hits: Vec<(Score, DocAddress)>,
}

impl Collector for AllHits {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = AllHitsInSegment;

    fn for_segment(&self, segment: u32, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(AllHitsInSegment {
            segment,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(Score, DocAddress)>>,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for AllHitsInSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.hits.push((score, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}
