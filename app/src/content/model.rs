//! Content types shared by the server and the pages: kinds, funnel stages, hub filters,
//! and the rules (reading time, which stage comes next, what order suits a visitor).

pub use crate::cards::model::{order_for_visitor, ContentCard, Kind, Persona, Stage};
use crate::catalog::model::ProductCard;
use serde::{Deserialize, Serialize};

/// Words per minute used for reading time (an adult reading non-fiction on screen).
pub const WORDS_PER_MINUTE: usize = 230;

/// Minutes to read `text`, rounded up, at least one.
pub fn reading_minutes(text: &str) -> i64 {
    let words = text.split_whitespace().count();
    words.div_ceil(WORDS_PER_MINUTE).max(1) as i64
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentPiece {
    pub card: ContentCard,
    pub author: String,
    pub body_html: String,
    pub media_url: String,
    pub transcript: String,
    pub seo_title: String,
    pub seo_description: String,
    pub updated_at: i64,
    pub personas: Vec<Persona>,
    /// Empty for awareness pieces, whatever is linked.
    pub products: Vec<ProductCard>,
    pub next_steps: Vec<ContentCard>,
    pub saved: bool,
}

/// The hub's GET form, parsed; unknown values are dropped with a note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubFilters {
    pub kind: Option<Kind>,
    pub stage: Option<Stage>,
    pub persona: Option<String>,
    pub q: String,
    /// "newest" (default) or "recommended".
    pub recommended: bool,
    pub notices: Vec<String>,
}

impl HubFilters {
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> HubFilters {
        let mut filters = HubFilters::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "kind" => match Kind::parse(value) {
                    Some(kind) => filters.kind = Some(kind),
                    None => filters.notices.push(format!(
                        "There is no content type \"{}\", so we show every type.",
                        clip(value)
                    )),
                },
                "stage" => match Stage::parse(value) {
                    Some(stage) => filters.stage = Some(stage),
                    None => filters.notices.push(format!(
                        "There is no stage \"{}\", so we show every stage.",
                        clip(value)
                    )),
                },
                "persona" => filters.persona = Some(clip(value)),
                "q" => filters.q = value.chars().take(100).collect(),
                "sort" => filters.recommended = value == "recommended",
                _ => {}
            }
        }
        filters
    }

    /// The query string these filters stand for (for links that change one of them).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(kind) = self.kind {
            parts.push(format!("kind={}", kind.key()));
        }
        if let Some(stage) = self.stage {
            parts.push(format!("stage={}", stage.key()));
        }
        if let Some(persona) = &self.persona {
            parts.push(format!("persona={}", crate::forms::url_encode(persona)));
        }
        if !self.q.is_empty() {
            parts.push(format!("q={}", crate::forms::url_encode(&self.q)));
        }
        if self.recommended {
            parts.push("sort=recommended".into());
        }
        parts.join("&")
    }
}

fn clip(value: &str) -> String {
    value.chars().take(40).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hub {
    /// The visitor's persona (chosen or inferred), for the "I'm a …" picker.
    pub me: Option<crate::journey::model::PersonaGuess>,
    pub filters: HubFilters,
    pub personas: Vec<Persona>,
    pub items: Vec<ContentCard>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up_and_is_at_least_a_minute() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes(&"word ".repeat(230)), 1);
        assert_eq!(reading_minutes(&"word ".repeat(231)), 2);
        assert_eq!(reading_minutes(&"word ".repeat(1150)), 5);
    }

    #[test]
    fn unknown_filters_are_ignored_with_a_note() {
        let f = HubFilters::parse([
            ("kind", "podcast"),
            ("stage", "decision"),
            ("persona", "cafe-owner"),
        ]);
        assert_eq!(f.kind, None);
        assert_eq!(f.stage, Some(Stage::Decision));
        assert_eq!(f.persona.as_deref(), Some("cafe-owner"));
        assert_eq!(f.notices.len(), 1);
        assert!(f.notices[0].contains("podcast"));
        assert_eq!(f.to_query(), "stage=decision&persona=cafe-owner");
    }
}

/// `/search`: products and guides for one query, each list with its total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EverythingResults {
    pub q: String,
    pub products: Vec<crate::catalog::model::ProductCard>,
    pub product_total: i64,
    pub guides: Vec<ContentCard>,
    pub guide_total: i64,
}
