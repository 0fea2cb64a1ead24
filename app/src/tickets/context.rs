//! The research context a ticket carries: a snapshot, taken when the customer asks, of what
//! they read (and for how long), looked at, compared and searched for, where they are in
//! the funnel, their cart, any checkout trouble, and their earlier orders and tickets. Staff
//! read it as a timeline so the conversation starts where the customer already is.

use super::model::{
    CartItem, PastOrder, PastTicket, ReadPiece, TicketContext, TicketStatus, ViewedProduct,
};
use crate::checkout::model::short_reference;
use crate::db::Db;
use crate::error::AppError;
use crate::request::Visitor;

/// Whose context: the request's visitor, account and cart.
pub struct Asker<'a> {
    pub visitor: Option<&'a Visitor>,
    pub user_id: Option<i64>,
    /// The cart owner (the account's when signed in, else the browser's).
    pub cart_owner: Option<&'a str>,
    /// Every owner the request speaks for (orders and tickets of both).
    pub owners: &'a [String],
    pub email: &'a str,
}

/// Takes the snapshot. With `share_trail` off (or a browser that asks not to be tracked)
/// no research trail is read at all: only the entry page, cart, orders and tickets.
pub async fn take_snapshot(
    db: &Db,
    asker: &Asker<'_>,
    share_trail: bool,
    entry_path: &str,
    product_slug: &str,
) -> Result<TicketContext, AppError> {
    let mut context = TicketContext {
        entry_path: entry_path.to_string(),
        ..TicketContext::default()
    };
    if !product_slug.is_empty() {
        let names = crate::journey::repo::product_names(db, &[product_slug.to_string()]).await?;
        context.product = names.into_iter().next();
    }
    let trail_visitor = asker
        .visitor
        .filter(|visitor| share_trail && visitor.tracking_allowed);
    if let Some(visitor) = trail_visitor {
        add_research(db, &mut context, visitor, asker.user_id).await?;
    }
    if let Some(owner) = asker.cart_owner {
        add_cart(db, &mut context, owner).await?;
    }
    add_history(db, &mut context, asker).await?;
    Ok(context)
}

async fn add_research(
    db: &Db,
    context: &mut TicketContext,
    visitor: &Visitor,
    user_id: Option<i64>,
) -> Result<(), AppError> {
    let research = crate::journey::api::research_of(db, visitor, user_id).await?;
    context.trail_shared = true;
    context.stage = research.stage.label().to_string();
    context.stage_key = research.stage.key().to_string();
    context.persona = research.persona.map(|p| p.name).unwrap_or_default();
    context.read = research
        .content
        .into_iter()
        .map(|(card, reading)| ReadPiece {
            slug: card.slug,
            title: card.title,
            kind: card.kind.label().to_string(),
            stage: card.stage.label().to_string(),
            reading: reading.describe().unwrap_or_default(),
            read_seconds: reading.seconds,
        })
        .collect();
    context.viewed = research
        .products
        .into_iter()
        .map(|(slug, name, views)| ViewedProduct { slug, name, views })
        .collect();
    for comparison in research.comparisons.iter().take(10) {
        let slugs: Vec<String> = comparison.split(',').map(str::to_string).collect();
        let names = crate::journey::repo::product_names(db, &slugs).await?;
        let ordered = slugs
            .iter()
            .filter_map(|slug| {
                names
                    .iter()
                    .find(|(s, _)| s == slug)
                    .map(|(_, n)| n.clone())
            })
            .collect::<Vec<_>>();
        if ordered.len() >= 2 {
            context.compared.push(ordered);
        }
    }
    context.searches = research.searches;
    Ok(())
}

async fn add_cart(db: &Db, context: &mut TicketContext, owner: &str) -> Result<(), AppError> {
    let lines = crate::cart::repo::list_lines(db, owner).await?;
    context.cart_total = crate::cart::model::cart_total(&lines)
        .map(|total| total.format())
        .unwrap_or_default();
    context.cart = lines
        .iter()
        .map(|line| CartItem {
            slug: line.slug.clone(),
            name: line.name.clone(),
            quantity: line.quantity,
            line_total: line.subtotal().format(),
        })
        .collect();
    if let Some(problem) = crate::cart::repo::open_payment_problem(db, owner).await? {
        context.checkout = format!("Checkout started — the payment didn't go through: {problem}");
    }
    Ok(())
}

async fn add_history(
    db: &Db,
    context: &mut TicketContext,
    asker: &Asker<'_>,
) -> Result<(), AppError> {
    let orders = crate::checkout::repo::list_orders(db, asker.owners).await?;
    if context.checkout.is_empty() {
        if let Some(waiting) = orders
            .iter()
            .find(|o| o.status == crate::checkout::model::OrderStatus::PendingPayment)
        {
            context.checkout = format!(
                "Checkout started (order {}), not paid yet",
                short_reference(&waiting.public_id)
            );
        }
    }
    context.orders = orders
        .into_iter()
        .take(10)
        .map(|o| PastOrder {
            public_id: o.public_id,
            status: o.status.label().to_string(),
            total: o.total.format(),
            created_at: o.created_at,
        })
        .collect();
    context.tickets = super::repo::earlier_tickets(db, asker.owners, asker.user_id, asker.email)
        .await?
        .into_iter()
        .map(|(public_id, subject, status, created_at)| PastTicket {
            public_id,
            subject,
            status: TicketStatus::parse(&status)
                .map_or("", TicketStatus::label)
                .to_string(),
            created_at,
        })
        .collect();
    Ok(())
}
