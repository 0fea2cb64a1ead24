//! Understanding what a shopper typed before the full-text query runs: each word becomes a
//! group of alternatives (itself and its synonyms); a word the catalogue does not hold at
//! all is corrected to the closest word it does ("grindr" → "grinder") or, failing that,
//! left out, and the search says so. Matching then asks for every group, and when nothing
//! has them all, for any (ranked by how many they match). Stemming ("machines" →
//! "machine") is the databases' own (FTS5's porter tokenizer, PostgreSQL's english
//! configuration) — or, once a server's index is built, the engine's (`engine.rs`), which
//! then also filters, orders and counts the facets.

use super::engine::{self, Engine, EngineRequest};
use super::model::{Facets, PriceRange, SearchParams, Suggestion, PAGE_SIZE, PRICE_BUCKETS};
use super::repo::{self, SearchPage};
use crate::db::Db;

/// The version of the search documents' format; servers rebuild older ones at start-up.
/// 1: category names (and their parents') are part of every product's document.
pub const SEARCH_DOCUMENT_VERSION: i64 = 1;

/// What the search understood.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Understood {
    /// One group per word kept: the word (or its correction) and its synonyms.
    pub groups: Vec<Vec<String>>,
    /// The words searched for, when that differs from what was typed.
    pub instead: Option<String>,
}

/// Words shorter than this are never corrected (too many neighbours).
const MIN_CORRECTABLE: usize = 4;

/// How many edits a word of this length may be from its correction.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..MIN_CORRECTABLE => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// The closest candidate within the allowed edits (fewest edits, then the length nearest
/// the typed word's, then the longer — "grindr" is "grinder" rather than "grind" — then
/// alphabetical), if any.
pub fn closest_word<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    let allowed = allowed_edits(word.chars().count());
    let len = word.chars().count();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(edits, _)| *edits <= allowed && *edits > 0)
        .min_by(|a, b| {
            let gap = |c: &String| c.chars().count().abs_diff(len);
            a.0.cmp(&b.0)
                .then(gap(a.1).cmp(&gap(b.1)))
                .then(b.1.len().cmp(&a.1.len()))
                .then(a.1.cmp(b.1))
        })
        .map(|(_, c)| c.as_str())
}

/// Whether any product holds one of the words: asked of the engine when there is one.
async fn any_matches(
    db: &Db,
    engine: Option<&Engine>,
    words: &[String],
) -> Result<bool, sqlx::Error> {
    match engine {
        Some(engine) => Ok(engine.any_matches(words)),
        None => repo::any_product_matches(db, words).await,
    }
}

/// Turns typed terms into groups to match (see the module's comment).
pub async fn understand(
    db: &Db,
    engine: Option<&Engine>,
    terms: &[String],
) -> Result<Understood, sqlx::Error> {
    let mut groups = Vec::new();
    let mut used = Vec::new();
    let mut changed = false;
    for term in terms {
        let mut group = vec![term.clone()];
        group.extend(repo::synonyms_of(db, term).await?);
        if any_matches(db, engine, &group).await? {
            used.push(term.clone());
            groups.push(group);
            continue;
        }
        changed = true;
        if term.chars().count() < MIN_CORRECTABLE {
            continue;
        }
        let candidates = repo::vocabulary_near(db, term).await?;
        if let Some(word) = closest_word(term, &candidates) {
            let mut group = vec![word.to_string()];
            group.extend(repo::synonyms_of(db, word).await?);
            if any_matches(db, engine, &group).await? {
                used.push(word.to_string());
                groups.push(group);
            }
        }
    }
    Ok(Understood {
        instead: (changed && !used.is_empty()).then(|| used.join(" ")),
        groups,
    })
}

/// One page of results with facet counts over the whole result: from this server's index
/// when it is built (and up to date with the change log), else from the database.
pub async fn search_products(
    db: &Db,
    params: &SearchParams,
    category_ids: Option<&[i64]>,
) -> Result<SearchPage, sqlx::Error> {
    if let Some(engine) = engine::ready(db) {
        match search_with_engine(db, &engine, params, category_ids, PAGE_SIZE).await {
            Ok(page) => return Ok(page),
            // The database can still answer; say why it had to.
            Err(e) => tracing::error!(error = %e, "search engine failed; the database answers"),
        }
    }
    repo::search_products(db, params, category_ids).await
}

async fn search_with_engine(
    db: &Db,
    engine: &std::sync::Arc<Engine>,
    params: &SearchParams,
    category_ids: Option<&[i64]>,
    limit: i64,
) -> anyhow::Result<SearchPage> {
    engine.catch_up(db).await?;
    let terms = repo::search_terms(&params.q);
    let understood = if terms.is_empty() {
        Understood::default()
    } else {
        understand(db, Some(engine), &terms).await?
    };
    let categories = if !terms.is_empty() && understood.groups.is_empty() {
        // Every word was unknown: nothing matches (but the counts are still shown, as 0).
        Some(Default::default())
    } else {
        category_ids.map(|ids| ids.iter().map(|id| *id as u64).collect())
    };
    let found = engine
        .search(EngineRequest {
            exact: params.q.clone(),
            groups: understood.groups,
            categories,
            min_price: params.min_price,
            max_price: params.max_price,
            in_stock: params.in_stock,
            specs: params.specs.clone(),
            sort: params.sort,
            offset: (params.page.max(1) - 1) * PAGE_SIZE,
            limit,
        })
        .await?;
    let products = repo::cards_by_ids(db, &found.ids).await?;
    let price_ranges = PRICE_BUCKETS
        .iter()
        .zip(found.price_buckets)
        .map(|((min, max), count)| PriceRange {
            min: *min,
            max: *max,
            label: repo::price_range_label(*min, *max),
            count,
        })
        .collect();
    Ok(SearchPage {
        products,
        total: found.total,
        // The engine counts every match; nothing is cut off.
        capped: false,
        instead: understood.instead,
        facets: Facets {
            categories: Vec::new(),
            price_ranges,
            in_stock: found.in_stock,
            specs: repo::group_spec_facets(found.specs),
        },
        category_counts: found.categories,
    })
}

/// The header search box's suggestions: the best few matches by name and price.
pub async fn suggest_products(
    db: &Db,
    q: &str,
    limit: i64,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    let Some(engine) = engine::ready(db) else {
        return repo::suggest_products(db, q, limit).await;
    };
    if repo::search_terms(q).is_empty() {
        return Ok(Vec::new());
    }
    let params = SearchParams {
        q: q.to_string(),
        page: 1,
        ..Default::default()
    };
    // Only the few cards shown are read (the counts come with the one pass anyway).
    let page = match search_with_engine(db, &engine, &params, None, limit.clamp(1, 10)).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, "search engine failed; the database answers");
            return repo::suggest_products(db, q, limit).await;
        }
    };
    Ok(page.products.into_iter().map(repo::suggestion_of).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_corrected_only_when_close_enough() {
        let words: Vec<String> = ["grinder", "grinders", "grind", "kettle", "scale"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(closest_word("grindr", &words), Some("grinder"));
        assert_eq!(
            closest_word("kettel", &words),
            Some("kettle"),
            "a swap is one edit"
        );
        assert_eq!(closest_word("scael", &words), Some("scale"));
        assert_eq!(closest_word("unicorn", &words), None);
        assert_eq!(closest_word("grindr", &[]), None);
        assert_eq!(allowed_edits(3), 0);
        assert_eq!(
            closest_word("kettle", &words),
            None,
            "a known word needs no fix"
        );
    }
}
