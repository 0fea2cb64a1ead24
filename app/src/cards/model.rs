//! What a product or a piece of content looks like wherever it is listed, and the personas
//! and funnel stages content is tagged with: the types two or more features share.

use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub stock: i64,
    pub image_url: String,
    pub image_alt: String,
    pub category_name: String,
    /// The dearest variant's price when the variants' prices differ ("$18.00 – $61.00").
    pub price_to: Option<Money>,
    /// Options to choose on the product page before it can go in the cart.
    pub has_options: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockState {
    InStock,
    LowStock,
    OutOfStock,
}

/// Below this many units a product shows "only n left".
pub const LOW_STOCK: i64 = 5;

pub fn stock_state(stock: i64) -> StockState {
    match stock {
        s if s <= 0 => StockState::OutOfStock,
        s if s <= LOW_STOCK => StockState::LowStock,
        _ => StockState::InStock,
    }
}

/// No one line may ask for more than this (a typo guard; stock limits apply too).
pub const MAX_LINE_QUANTITY: i64 = 20;

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
}
