//! Understanding what a shopper typed before the full-text query runs: each word becomes a
//! group of alternatives (itself and its synonyms); a word the catalogue does not hold at
//! all is corrected to the closest word it does ("grindr" → "grinder") or, failing that,
//! left out, and the search says so. Matching then asks for every group, and when nothing
//! has them all, for any (ranked by how many they match). Stemming ("machines" →
//! "machine") is the databases' own (FTS5's porter tokenizer, PostgreSQL's english
//! configuration).

use super::repo;
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

/// Turns typed terms into groups to match (see the module's comment).
pub async fn understand(db: &Db, terms: &[String]) -> Result<Understood, sqlx::Error> {
    let mut groups = Vec::new();
    let mut used = Vec::new();
    let mut changed = false;
    for term in terms {
        let mut group = vec![term.clone()];
        group.extend(repo::synonyms_of(db, term).await?);
        if repo::any_product_matches(db, &group).await? {
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
            if repo::any_product_matches(db, &group).await? {
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
