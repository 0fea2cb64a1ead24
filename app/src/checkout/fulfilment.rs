//! What a paid order sets off, exactly once: the webhook calls [`fulfil_paid_order`] inside
//! the payment event's transaction, so the cart, the quote's ticket and the confirmation
//! email change together with the payment or not at all.

use super::model::short_reference;
use super::repo::{self, OrderFacts};
use crate::money::Money;
use sqlx::AnyConnection;

/// The paid products leave the cart, a quote's ticket is won, and the confirmation email
/// (with the guest's signed order link) joins the outbox.
pub async fn fulfil_paid_order(
    conn: &mut AnyConnection,
    order: &OrderFacts,
    public_url: &str,
) -> Result<(), sqlx::Error> {
    repo::remove_paid_lines_from_cart(&mut *conn, order.id, &order.owner).await?;
    let reference = short_reference(&order.public_id);
    crate::quotes::win_ticket_of_paid_order(&mut *conn, order.id, &reference).await?;
    let facts = repo::confirmation_facts(&mut *conn, order.id).await?;
    if facts.email.is_empty() {
        return Ok(());
    }
    let link_secret = crate::db::app_secret(&mut *conn, crate::signature::LINK_SECRET).await?;
    let link = crate::signature::order_link(&link_secret, public_url, &order.public_id);
    let body = confirmation_body(&facts, order, &reference, &link);
    crate::email::repo::enqueue_email_in(
        &mut *conn,
        &facts.email,
        &format!("Your Storefront order {reference}"),
        &body,
        "order_confirmation",
    )
    .await?;
    Ok(())
}

fn confirmation_body(
    facts: &repo::ConfirmationFacts,
    order: &OrderFacts,
    reference: &str,
    link: &str,
) -> String {
    let mut listed: Vec<String> = facts
        .lines
        .iter()
        .map(|(name, quantity, unit)| {
            format!(
                "  {quantity} × {name} — {}",
                Money::new(unit * quantity, facts.currency).format()
            )
        })
        .collect();
    if facts.discount_cents > 0 {
        listed.push(format!(
            "  Code {} — −{}",
            facts.discount_code,
            Money::new(facts.discount_cents, facts.currency).format()
        ));
    }
    if !facts.shipping_method.is_empty() {
        listed.push(format!(
            "  Shipping: {} — {}",
            facts.shipping_method,
            if facts.shipping_cents == 0 {
                "free".to_string()
            } else {
                Money::new(facts.shipping_cents, facts.currency).format()
            }
        ));
    }
    for tax in crate::checkout::tax::model::summarise(facts.taxes.iter()) {
        listed.push(format!(
            "  {} — {}",
            tax.label(facts.prices_include_tax),
            Money::new(tax.amount_cents, facts.currency).format()
        ));
    }
    if !facts.vat_id.is_empty() {
        listed.push(format!("  Your VAT / tax ID: {}", facts.vat_id));
    }
    if !facts.shipping_method.is_empty() {
        listed.push(format!(
            "\nShips to:\n  {}",
            facts.ships_to.label_lines().join("\n  ")
        ));
    }
    format!(
        "Thank you — we received your payment.\n\nOrder {reference}\n{}\n\nTotal: {}\n\n\
         Follow your order and print its invoice here (no account needed): {link}\n\n\
         Questions? Reply to this email and a person will answer.\n",
        listed.join("\n"),
        Money::new(order.total_cents, facts.currency).format(),
    )
}
