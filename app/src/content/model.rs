//! Content types shared by the server and the pages: kinds, funnel stages, hub filters,
//! and the rules (reading time, which stage comes next, what order suits a visitor).

use crate::catalog::model::ProductCard;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Article,
    Video,
    Whitepaper,
    Ebook,
    Infographic,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Article,
        Kind::Video,
        Kind::Whitepaper,
        Kind::Ebook,
        Kind::Infographic,
    ];

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == text)
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Video => "video",
            Kind::Whitepaper => "whitepaper",
            Kind::Ebook => "ebook",
            Kind::Infographic => "infographic",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Article => "Article",
            Kind::Video => "Video",
            Kind::Whitepaper => "White paper",
            Kind::Ebook => "E-book",
            Kind::Infographic => "Infographic",
        }
    }

    /// "6 min read" / "12 min watch".
    pub fn time_label(self, minutes: i64) -> String {
        match self {
            Kind::Video => format!("{minutes} min watch"),
            _ => format!("{minutes} min read"),
        }
    }
}

/// Where a buyer is in the purchase funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    Awareness,
    Consideration,
    Decision,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Awareness, Stage::Consideration, Stage::Decision];

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.key() == text)
    }

    pub fn key(self) -> &'static str {
        match self {
            Stage::Awareness => "awareness",
            Stage::Consideration => "consideration",
            Stage::Decision => "decision",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Awareness => "Getting started",
            Stage::Consideration => "Comparing options",
            Stage::Decision => "Ready to choose",
        }
    }

    /// The stage a "next step" suggestion moves to (decision stays decision).
    pub fn next(self) -> Stage {
        match self {
            Stage::Awareness => Stage::Consideration,
            Stage::Consideration | Stage::Decision => Stage::Decision,
        }
    }

    /// Only pieces for buyers who are already weighing products may show products: an
    /// awareness piece never turns into a sales pitch.
    pub fn may_show_products(self) -> bool {
        self != Stage::Awareness
    }

    /// How well a piece at `self` suits a visitor at `visitor`: their own stage first, then
    /// the next one (a gentle step forward), then earlier ones (background reading).
    pub fn affinity_rank(self, visitor: Stage) -> u8 {
        if self == visitor {
            0
        } else if self == visitor.next() {
            1
        } else if self < visitor {
            2 + (visitor as u8 - self as u8)
        } else {
            5
        }
    }
}

/// Words per minute used for reading time (an adult reading non-fiction on screen).
pub const WORDS_PER_MINUTE: usize = 230;

/// Minutes to read `text`, rounded up, at least one.
pub fn reading_minutes(text: &str) -> i64 {
    let words = text.split_whitespace().count();
    words.div_ceil(WORDS_PER_MINUTE).max(1) as i64
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persona {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub problems: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentCard {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: Kind,
    pub stage: Stage,
    pub minutes: i64,
    pub published_at: i64,
    /// Empty when the piece has no cover picture.
    pub cover_url: String,
    pub cover_alt: String,
    pub personas: Vec<PersonaTag>,
}

/// A persona as a piece names it: the slug for filtering, the name for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaTag {
    pub slug: String,
    pub name: String,
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

/// Orders pieces for a visitor: by stage affinity, then pieces for their persona, then newest.
pub fn order_for_visitor(items: &mut [ContentCard], stage: Stage, persona: Option<&str>) {
    items.sort_by(|a, b| {
        let persona_miss = |c: &ContentCard| match persona {
            Some(p) => !c.personas.iter().any(|tag| tag.slug == p),
            None => false,
        };
        (
            a.stage.affinity_rank(stage),
            persona_miss(a),
            std::cmp::Reverse(a.published_at),
        )
            .cmp(&(
                b.stage.affinity_rank(stage),
                persona_miss(b),
                std::cmp::Reverse(b.published_at),
            ))
    });
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
    fn next_steps_move_one_stage_forward() {
        assert_eq!(Stage::Awareness.next(), Stage::Consideration);
        assert_eq!(Stage::Consideration.next(), Stage::Decision);
        assert_eq!(Stage::Decision.next(), Stage::Decision);
        assert!(!Stage::Awareness.may_show_products());
        assert!(Stage::Decision.may_show_products());
    }

    #[test]
    fn visitors_see_their_stage_then_the_next_then_background() {
        let rank = |s: Stage| s.affinity_rank(Stage::Consideration);
        assert!(rank(Stage::Consideration) < rank(Stage::Decision));
        assert!(rank(Stage::Decision) < rank(Stage::Awareness));
        let rank = |s: Stage| s.affinity_rank(Stage::Awareness);
        assert!(rank(Stage::Awareness) < rank(Stage::Consideration));
        assert!(rank(Stage::Consideration) < rank(Stage::Decision));
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
