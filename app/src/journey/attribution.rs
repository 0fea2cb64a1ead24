//! Which guides moved an order. When an order is paid, the guides its buyer read in the
//! [`LOOKBACK_DAYS`] before (by browser and, once signed in, by account) are credited with
//! the order's total under five models, and the credit rows are written in the payment's
//! own transaction: every report then adds up to the same totals, whatever happens to the
//! raw trail later. Each model's credits add up to the order's total to the cent.

use serde::{Deserialize, Serialize};

/// How far back a guide read counts for an order.
pub const LOOKBACK_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Model {
    /// All to the first guide read.
    FirstTouch,
    /// All to the last guide read before paying.
    LastTouch,
    /// Equal shares for every read.
    Linear,
    /// 40 % first, 40 % last, 20 % shared by the reads between (U-shaped).
    PositionBased,
    /// In proportion to how much of each guide was read: depth × seconds.
    Engagement,
}

impl Model {
    pub const ALL: [Model; 5] = [
        Model::FirstTouch,
        Model::LastTouch,
        Model::Linear,
        Model::PositionBased,
        Model::Engagement,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Model::FirstTouch => "first",
            Model::LastTouch => "last",
            Model::Linear => "linear",
            Model::PositionBased => "position",
            Model::Engagement => "engagement",
        }
    }

    pub fn parse(key: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Model::FirstTouch => "First touch",
            Model::LastTouch => "Last touch",
            Model::Linear => "Linear",
            Model::PositionBased => "Position-based 40/20/40",
            Model::Engagement => "Engagement-weighted",
        }
    }
}

/// One guide read before the order, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    pub slug: String,
    pub at: i64,
    /// How far down it was read (0–100) and for how long, when the page could tell.
    pub depth: i64,
    pub seconds: i64,
}

/// The credit each guide gets for `revenue` under `model`, by slug (first read first).
/// The credits add up to `revenue` exactly; no touches, no credits.
pub fn credit(touches: &[Touch], revenue: i64, model: Model) -> Vec<(String, i64)> {
    let n = touches.len();
    if n == 0 || revenue <= 0 {
        return Vec::new();
    }
    let weights: Vec<i64> = match model {
        Model::FirstTouch => (0..n).map(|i| i64::from(i == 0)).collect(),
        Model::LastTouch => (0..n).map(|i| i64::from(i == n - 1)).collect(),
        Model::Linear => vec![1; n],
        Model::PositionBased => match n {
            1 => vec![1],
            2 => vec![1, 1],
            _ => {
                // 40 % = 2 × 20 %: in units where the middle reads share 20 % together.
                let middle = i64::try_from(n - 2).unwrap_or(1);
                (0..n)
                    .map(|i| if i == 0 || i == n - 1 { 2 * middle } else { 1 })
                    .collect()
            }
        },
        Model::Engagement => {
            let engaged: Vec<i64> = touches
                .iter()
                .map(|t| t.depth.clamp(0, 100) * t.seconds.clamp(0, 3_600))
                .collect();
            // Reads the page could not measure (no JavaScript) count equally.
            if engaged.iter().all(|w| *w == 0) {
                vec![1; n]
            } else {
                engaged
            }
        }
    };
    let shares = crate::money::split_by_weights(revenue, &weights);
    let mut by_slug: Vec<(String, i64)> = Vec::new();
    for (touch, share) in touches.iter().zip(shares) {
        match by_slug.iter_mut().find(|(slug, _)| *slug == touch.slug) {
            Some((_, total)) => *total += share,
            None => by_slug.push((touch.slug.clone(), share)),
        }
    }
    by_slug.retain(|(_, cents)| *cents > 0);
    by_slug
}

/// Writes the order's credit rows under every model (inside the paid transition).
#[cfg(feature = "ssr")]
pub async fn freeze_credits(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let Some(order) = super::repo::order_for_credit(&mut *conn, order_id).await? else {
        return Ok(());
    };
    let touches = super::repo::guide_reads_before(
        &mut *conn,
        order.visitor_id.as_deref(),
        order.user_id,
        now - LOOKBACK_DAYS * 86_400,
        now,
    )
    .await?;
    for model in Model::ALL {
        for (slug, cents) in credit(&touches, order.total_cents, model) {
            super::repo::insert_credit(&mut *conn, order_id, model.key(), &slug, cents, now)
                .await?;
        }
    }
    Ok(())
}

/// Freezes which guides a ticket's customer read in the [`LOOKBACK_DAYS`] before opening
/// it, when the ticket is won or lost (`outcome`), inside the status change's transaction;
/// a won ticket's quote revenue is shared equally among them. Any other status (reopened)
/// removes the rows until the ticket is decided again.
#[cfg(feature = "ssr")]
pub async fn freeze_ticket_credits(
    conn: &mut sqlx::AnyConnection,
    ticket_id: i64,
    outcome: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let decided = outcome.filter(|o| matches!(*o, "won" | "lost"));
    let mut credits: Vec<(String, i64)> = Vec::new();
    if decided.is_some() {
        if let Some((visitor, user, opened)) =
            super::repo::ticket_for_credit(&mut *conn, ticket_id).await?
        {
            let touches = super::repo::guide_reads_before(
                &mut *conn,
                visitor.as_deref(),
                user,
                opened - LOOKBACK_DAYS * 86_400,
                opened,
            )
            .await?;
            let revenue = if decided == Some("won") {
                super::repo::ticket_quote_revenue(&mut *conn, ticket_id).await?
            } else {
                0
            };
            for touch in &touches {
                if !credits.iter().any(|(slug, _)| *slug == touch.slug) {
                    credits.push((touch.slug.clone(), 0));
                }
            }
            // One share per guide, however often it was read.
            let distinct: Vec<Touch> = credits
                .iter()
                .map(|(slug, _)| Touch {
                    slug: slug.clone(),
                    at: 0,
                    depth: 0,
                    seconds: 0,
                })
                .collect();
            for (slug, cents) in credit(&distinct, revenue, Model::Linear) {
                if let Some(row) = credits.iter_mut().find(|(s, _)| *s == slug) {
                    row.1 = cents;
                }
            }
        }
    }
    super::repo::replace_ticket_credits(conn, ticket_id, decided, &credits, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(slugs: &[(&str, i64, i64)]) -> Vec<Touch> {
        slugs
            .iter()
            .enumerate()
            .map(|(i, (slug, depth, seconds))| Touch {
                slug: slug.to_string(),
                at: i as i64,
                depth: *depth,
                seconds: *seconds,
            })
            .collect()
    }

    fn of(credits: &[(String, i64)], slug: &str) -> i64 {
        credits
            .iter()
            .find(|(s, _)| s == slug)
            .map_or(0, |(_, c)| *c)
    }

    #[test]
    fn every_model_credits_exactly_the_revenue() {
        let touches = reads(&[("a", 100, 60), ("b", 50, 30), ("c", 10, 10), ("a", 80, 20)]);
        for model in Model::ALL {
            for revenue in [1, 99, 10_000, 123_457] {
                let credits = credit(&touches, revenue, model);
                assert_eq!(
                    credits.iter().map(|(_, c)| c).sum::<i64>(),
                    revenue,
                    "{model:?}"
                );
            }
            assert_eq!(Model::parse(model.key()), Some(model));
        }
        assert!(credit(&[], 10_000, Model::Linear).is_empty());
    }

    #[test]
    fn the_models_share_as_documented() {
        let touches = reads(&[("a", 100, 60), ("b", 50, 30), ("c", 0, 0), ("d", 100, 30)]);
        let first = credit(&touches, 10_000, Model::FirstTouch);
        assert_eq!(first, vec![("a".to_string(), 10_000)]);
        let last = credit(&touches, 10_000, Model::LastTouch);
        assert_eq!(last, vec![("d".to_string(), 10_000)]);
        let linear = credit(&touches, 10_000, Model::Linear);
        assert_eq!(of(&linear, "b"), 2_500);
        let position = credit(&touches, 10_000, Model::PositionBased);
        assert_eq!(
            (
                of(&position, "a"),
                of(&position, "b"),
                of(&position, "c"),
                of(&position, "d")
            ),
            (4_000, 1_000, 1_000, 4_000)
        );
        // 6000 + 1500 + 0 + 3000 = 10500 units of engagement.
        let engaged = credit(&touches, 10_500, Model::Engagement);
        assert_eq!(
            (of(&engaged, "a"), of(&engaged, "b"), of(&engaged, "d")),
            (6_000, 1_500, 3_000)
        );
        assert_eq!(of(&engaged, "c"), 0, "an unread guide earns nothing");
        // One guide read twice is one guide with both reads' credit.
        let twice = credit(
            &reads(&[("a", 0, 0), ("b", 0, 0), ("a", 0, 0)]),
            900,
            Model::Linear,
        );
        assert_eq!(twice, vec![("a".to_string(), 600), ("b".to_string(), 300)]);
    }
}
