//! The cart's form posts. Each works without JavaScript: 303 back on success, the page
//! again with the message (and the typed quantity) on a mistake.

use super::model::{line_form, parse_quantity};
use super::repo;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error_on, PageContext};
use crate::journey::model::EventKind;
use crate::security::safe_local_path;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;

/// POST /cart/add: `slug`, `variant` (needed when the product has options), `quantity`
/// (default 1), `back` (where the form was).
pub async fn post_add(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let slug = field(&fields, "slug");
    let back = safe_local_path(&field(&fields, "back"), &format!("/products/{slug}"));
    match add_to_cart(&ctx, &parts, &fields).await {
        Ok(name) => see_other(&format!("/cart?added={}", crate::forms::url_encode(&name))),
        Err(error) => {
            let form = format!("cart-add-{slug}");
            show_error_on(&ctx, parts, Some(&back), &form, fields, error).await
        }
    }
}

async fn add_to_cart(
    ctx: &PageContext,
    parts: &Parts,
    fields: &HashMap<String, String>,
) -> Result<String, AppError> {
    let owner = crate::request::RequestContext::of(parts)
        .cart_owner()
        .ok_or_else(|| AppError::bad_request("Please enable cookies to use the cart."))?;
    let typed = field(fields, "quantity");
    let quantity = if typed.trim().is_empty() {
        1
    } else {
        parse_quantity(&typed, false).map_err(|m| AppError::invalid("quantity", m))?
    };
    let product = repo::find_buyable(&ctx.db, &field(fields, "slug"))
        .await?
        .filter(|p| p.active)
        .ok_or(AppError::NotFound)?;
    let variant = chosen_variant(ctx, product.id, fields).await?;
    if !variant.active {
        return Err(AppError::invalid(
            "quantity",
            "That choice is no longer sold. Pick another.",
        ));
    }
    let wanted = repo::line_quantity(&ctx.db, &owner, variant.id).await? + quantity;
    if variant.stock == 0 {
        return Err(AppError::invalid(
            "quantity",
            "Sold out for now. Save it for later, or ask us when it's back.",
        ));
    }
    if wanted > variant.stock {
        return Err(AppError::invalid(
            "quantity",
            format!(
                "Only {} left{}.",
                variant.stock,
                if wanted > quantity {
                    " (some are already in your cart)"
                } else {
                    ""
                }
            ),
        ));
    }
    let wanted = wanted.min(super::model::MAX_LINE_QUANTITY);
    repo::set_line(&ctx.db, &owner, product.id, variant.id, wanted).await?;
    crate::journey::record(
        &ctx.db,
        &crate::request::RequestContext::of(parts),
        EventKind::Cart,
        &field(fields, "slug"),
        "",
    )
    .await;
    Ok(product.name)
}

/// The variant a form names (`variant`), which must be the product's; a form without one
/// means the product's only variant, and a product with options asks for a choice.
async fn chosen_variant(
    ctx: &PageContext,
    product_id: i64,
    fields: &HashMap<String, String>,
) -> Result<repo::BuyableVariant, AppError> {
    let id = match field(fields, "variant").trim() {
        "" => match crate::catalog::variants::repo::only_variant(&ctx.db, product_id).await? {
            Some(id) => id,
            None => {
                let names: Vec<String> =
                    crate::catalog::variants::repo::options_of(&ctx.db, product_id)
                        .await?
                        .into_iter()
                        .map(|o| o.name.to_lowercase())
                        .collect();
                return Err(AppError::invalid(
                    "quantity",
                    format!("Choose the {} first.", names.join(" and ")),
                ));
            }
        },
        typed => typed.parse::<i64>().map_err(|_| AppError::NotFound)?,
    };
    repo::find_variant(&ctx.db, product_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// POST /cart/update: `slug`, `variant`, `quantity` (0 removes the line).
pub async fn post_update(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match update_line(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/cart?{done}")),
        Err(error) => {
            let form = line_form(&field(&fields, "slug"), field(&fields, "variant").trim());
            show_error_on(&ctx, parts, Some("/cart"), &form, fields, error).await
        }
    }
}

async fn update_line(
    ctx: &PageContext,
    parts: &Parts,
    fields: &HashMap<String, String>,
) -> Result<&'static str, AppError> {
    let owner = crate::request::RequestContext::of(parts)
        .cart_owner()
        .ok_or_else(|| AppError::bad_request("Please enable cookies to use the cart."))?;
    let quantity = if field(fields, "action") == "remove" {
        0
    } else {
        parse_quantity(&field(fields, "quantity"), true)
            .map_err(|m| AppError::invalid("quantity", m))?
    };
    let product = repo::find_buyable(&ctx.db, &field(fields, "slug"))
        .await?
        .ok_or(AppError::NotFound)?;
    let variant = chosen_variant(ctx, product.id, fields).await?;
    if quantity > 0 && !(product.active && variant.active) {
        return Err(AppError::invalid(
            "quantity",
            "This product is no longer sold; remove it from your cart.",
        ));
    }
    if quantity > variant.stock {
        return Err(AppError::invalid(
            "quantity",
            format!("Only {} left.", variant.stock),
        ));
    }
    repo::set_line(&ctx.db, &owner, product.id, variant.id, quantity).await?;
    Ok(if quantity == 0 {
        "removed=1"
    } else {
        "updated=1"
    })
}

/// POST /cart/code: `code` and `action` ("apply", or "remove"). One code per cart; a code
/// is held only when it applies to the cart as it is now, and the cart says why not
/// otherwise.
pub async fn post_code(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match apply_code(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/cart?{done}")),
        Err(error) => show_error_on(&ctx, parts, Some("/cart"), "cart-code", fields, error).await,
    }
}

async fn apply_code(
    ctx: &PageContext,
    parts: &Parts,
    fields: &HashMap<String, String>,
) -> Result<String, AppError> {
    use crate::discounts::model::{normalize_code, NotApplicable};
    let owner = crate::request::RequestContext::of(parts)
        .cart_owner()
        .ok_or_else(|| AppError::bad_request("Please enable cookies to use the cart."))?;
    if field(fields, "action") == "remove" {
        crate::discounts::repo::drop_code(ctx.db.pool(), &owner).await?;
        return Ok("code_removed=1".into());
    }
    let typed = field(fields, "code");
    if typed.trim().is_empty() {
        return Err(AppError::invalid("code", "Enter the code you were given."));
    }
    if typed
        .split([',', ' ', ';', '+'])
        .filter(|t| !t.is_empty())
        .count()
        > 1
    {
        return Err(AppError::invalid(
            "code",
            "One code per order: enter just one.",
        ));
    }
    let unknown = || AppError::invalid("code", NotApplicable::Unknown.message());
    let text = normalize_code(&typed).ok_or_else(unknown)?;
    let code = crate::discounts::repo::find_code(ctx.db.pool(), &text)
        .await?
        .ok_or_else(unknown)?;
    if let Some(held) = crate::discounts::repo::held_code(ctx.db.pool(), &owner).await? {
        if held.id != code.id {
            return Err(AppError::invalid(
                "code",
                format!(
                    "Your cart already uses {}. One code per order: remove it first to use {}.",
                    held.code, code.code
                ),
            ));
        }
    }
    let lines = repo::list_lines(&ctx.db, &owner).await?;
    if lines.is_empty() {
        return Err(AppError::invalid(
            "code",
            "Add something to your cart first, then enter the code.",
        ));
    }
    let currency = lines[0].unit.currency;
    let uses = crate::discounts::repo::customer_uses(ctx.db.pool(), code.id, &owner).await?;
    let outcome = crate::discounts::model::evaluate(
        &code,
        &super::model::discount_lines(&lines),
        currency,
        crate::db::now_unix(),
        uses,
    );
    if let Err(why) = outcome {
        return Err(AppError::invalid("code", why.message()));
    }
    crate::discounts::repo::hold_code(&ctx.db, &owner, code.id).await?;
    Ok(format!(
        "code_applied={}",
        crate::forms::url_encode(&code.code)
    ))
}
