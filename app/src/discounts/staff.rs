//! `/admin/discounts` (marketing and admins): the codes with their state and uses, a form
//! for a new one, and `/admin/discounts/{id}` to change, pause or resume one. Every change
//! is audited. A code is never deleted once made (orders name it); pausing ends it.

use super::model::{DiscountCode, DiscountKind};
use crate::admin::frame::{admin_error, AdminFrame};
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or, FormFeedback};
use crate::money::{minor_to_plain, Currency};
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use crate::ui::{path_param, query_param};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The list page: every code, and the categories a new one may be limited to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscountDesk {
    pub codes: Vec<DiscountCode>,
    pub categories: Vec<(i64, String)>,
    pub now: i64,
}

/// One code being changed, with its targets as staff type them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscountEdit {
    pub code: DiscountCode,
    pub items: Vec<String>,
    pub category_ids: Vec<i64>,
    pub categories: Vec<(i64, String)>,
    pub now: i64,
}

#[server(endpoint = "admin/discounts")]
pub async fn load_discounts() -> Result<DiscountDesk, AppError> {
    crate::admin::guard::require(
        &crate::request::RequestContext::current(),
        crate::request::Area::Discounts,
    )?;
    let db = crate::db::use_db()?;
    Ok(DiscountDesk {
        codes: super::repo::list_codes(&db).await?,
        categories: super::repo::categories(&db).await?,
        now: crate::db::now_unix(),
    })
}

#[server(endpoint = "admin/discount")]
pub async fn load_discount(id: String) -> Result<DiscountEdit, AppError> {
    crate::admin::guard::require(
        &crate::request::RequestContext::current(),
        crate::request::Area::Discounts,
    )?;
    let db = crate::db::use_db()?;
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    let code = super::repo::find_code_by_id(&db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (items, category_ids) = super::repo::describe_targets(&db, &code.targets).await?;
    Ok(DiscountEdit {
        code,
        items,
        category_ids,
        categories: super::repo::categories(&db).await?,
        now: crate::db::now_unix(),
    })
}

#[component]
pub fn AdminDiscountsPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading discount codes…"</p> }>
            {move || Suspend::new(async move {
                match load_discounts().await {
                    Ok(desk) => view! { <DiscountsDesk desk/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminDiscountPage() -> impl IntoView {
    let id = path_param("id");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the code…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match load_discount(id).await {
                        Ok(edit) => view! { <DiscountEditor edit/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

const FIELDS: &[&str] = &[
    "code",
    "note",
    "kind",
    "value",
    "min_subtotal",
    "starts_at",
    "ends_at",
    "usage_limit",
    "per_customer_limit",
    "items",
    "categories",
];

fn window(code: &DiscountCode) -> String {
    use crate::time::format_time;
    match (code.starts_at, code.ends_at) {
        (None, None) => "Always".into(),
        (Some(start), None) => format!("From {}", format_time(start)),
        (None, Some(end)) => format!("Until {}", format_time(end)),
        (Some(start), Some(end)) => format!("{} – {}", format_time(start), format_time(end)),
    }
}

#[component]
fn DiscountsDesk(desk: DiscountDesk) -> impl IntoView {
    let saved = match query_param("saved").as_str() {
        "created" => Some("Code created. Customers can use it in the cart now (within its dates)."),
        _ => None,
    };
    let feedback = feedback_for("discount");
    let adding = feedback.is_some() || desk.codes.is_empty();
    let now = desk.now;
    view! {
        <AdminFrame title="Discount codes" current="/admin/discounts">
            <SuccessAlert message=saved/>
            <p class="admin-intro">"Customers type a code in their cart. A use is held while they pay and counted once the order is paid; an order that is not paid gives its use back. Tax and shipping are worked out after the discount."</p>
            <section class="panel" aria-labelledby="codes-heading">
                <h2 id="codes-heading">"Codes"</h2>
                {if desk.codes.is_empty() {
                    view! { <div class="empty-state"><h3>"No codes yet"</h3><p>"Make the first one below: a welcome code for the newsletter, free shipping over an amount, or money off one category."</p></div> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Discount codes">
                        <table class="admin-table">
                            <thead><tr>
                                <th scope="col">"Code"</th><th scope="col">"Gives"</th><th scope="col">"State"</th>
                                <th scope="col" class="num">"Used"</th><th scope="col" class="num">"Held now"</th><th scope="col">"Dates"</th>
                            </tr></thead>
                            <tbody>
                                {desk.codes.iter().map(|code| {
                                    let limit = code.usage_limit.map_or_else(|| "no limit".to_string(), |l| format!("of {l}"));
                                    let used = code.used;
                                    view! {
                                        <tr>
                                            <td><a href=format!("/admin/discounts/{}", code.id)><code>{code.code.clone()}</code></a>
                                                {(!code.note.is_empty()).then(|| view! { <br/><span class="muted">{code.note.clone()}</span> })}</td>
                                            <td>{code.describe(Currency::Usd)}
                                                {(code.min_subtotal_cents > 0).then(|| format!(" · over ${}", minor_to_plain(code.min_subtotal_cents)))}</td>
                                            <td><span class="badge">{code.state(now)}</span></td>
                                            <td class="num">{used}<br/><span class="muted">{limit}</span></td>
                                            <td class="num">{code.reserved}</td>
                                            <td>{window(code)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any()
                }}
            </section>
            <section class="panel admin-form" aria-labelledby="new-code">
                <details open=adding>
                    <summary><h2 id="new-code" class="inline-heading">"New code"</h2></summary>
                    <FormAlert feedback=feedback.clone() fields=FIELDS/>
                    <form method="post" action="/admin/discounts">
                        <CodeFields feedback=feedback.clone() code=None items=Vec::new() category_ids=Vec::new() categories=desk.categories.clone()/>
                        <button class="btn btn--primary" type="submit">"Create code"</button>
                    </form>
                </details>
            </section>
        </AdminFrame>
    }
}

#[component]
fn DiscountEditor(edit: DiscountEdit) -> impl IntoView {
    let saved = match query_param("saved").as_str() {
        "updated" => Some("Code saved. Carts holding it use the new rules from now on."),
        "paused" => Some("Code paused. Nobody can use it until you resume it; orders already made keep their discount."),
        "resumed" => Some("Code resumed."),
        _ => None,
    };
    let feedback = feedback_for("discount");
    let code = edit.code.clone();
    let action = format!("/admin/discounts/{}", code.id);
    let limit = code.usage_limit.map_or_else(
        || "no total limit".to_string(),
        |l| format!("a limit of {l}"),
    );
    view! {
        <AdminFrame title=format!("Code {}", code.code) current="/admin/discounts">
            <p class="checkout__back"><a href="/admin/discounts">"← All codes"</a></p>
            <SuccessAlert message=saved/>
            <section class="panel" aria-labelledby="code-state">
                <h2 id="code-state">{format!("{} · {}", code.code, code.state(edit.now))}</h2>
                <p>{format!("{} paid order(s) used it and {} unpaid order(s) hold a use now, against {limit}.", code.used, code.reserved)}</p>
                <form method="post" action=action.clone()>
                    {if code.active {
                        view! { <input type="hidden" name="action" value="pause"/><button class="btn" type="submit">"Pause code"</button> }.into_any()
                    } else {
                        view! { <input type="hidden" name="action" value="resume"/><button class="btn btn--primary" type="submit">"Resume code"</button> }.into_any()
                    }}
                </form>
            </section>
            <section class="panel admin-form" aria-labelledby="edit-code">
                <h2 id="edit-code">"Rules"</h2>
                <FormAlert feedback=feedback.clone() fields=FIELDS/>
                <form method="post" action=action>
                    <input type="hidden" name="action" value="update"/>
                    <CodeFields feedback=feedback code=Some(code) items=edit.items categories=edit.categories category_ids=edit.category_ids/>
                    <button class="btn btn--primary" type="submit">"Save code"</button>
                </form>
            </section>
        </AdminFrame>
    }
}

/// The fields of a code, filled from the code being changed (or the typed values when the
/// form comes back with a mistake).
#[component]
fn CodeFields(
    feedback: Option<FormFeedback>,
    code: Option<DiscountCode>,
    items: Vec<String>,
    category_ids: Vec<i64>,
    categories: Vec<(i64, String)>,
) -> impl IntoView {
    let c = code.as_ref();
    let kind = typed_or(
        &feedback,
        "kind",
        c.map_or("percent", |c| c.kind.key()).to_string(),
    );
    let value = c.map_or(String::new(), |c| match c.kind {
        DiscountKind::Percent => c.value.to_string(),
        DiscountKind::Fixed => minor_to_plain(c.value),
        DiscountKind::FreeShipping => String::new(),
    });
    let optional_time = |t: Option<i64>| t.map(crate::time::to_datetime_local).unwrap_or_default();
    let optional_count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let ticked: Vec<String> = match &feedback {
        Some(f) => f
            .value("categories")
            .split(',')
            .map(str::to_string)
            .collect(),
        None => category_ids.iter().map(|id| id.to_string()).collect(),
    };
    let paused = match &feedback {
        Some(f) => f.value("status") == "paused",
        None => c.is_some_and(|c| !c.active),
    };
    let items_typed = typed_or(&feedback, "items", items.join(", "));
    let items_error = feedback.as_ref().and_then(|f| f.error("items"));
    view! {
        <div class="checkout__pair">
            <TextField feedback=feedback.clone() name="code" label="Code customers type" value=c.map(|c| c.code.clone()).unwrap_or_default()
                required=true maxlength=32 hint="3–32 letters, digits, dashes; not case-sensitive. e.g. SPRING-10"/>
            <TextField feedback=feedback.clone() name="note" label="Note for staff (optional)" value=c.map(|c| c.note.clone()).unwrap_or_default() maxlength=200/>
        </div>
        <fieldset>
            <legend>"What it gives"</legend>
            {DiscountKind::ALL.iter().map(|k| {
                let id = format!("kind-{}", k.key());
                view! {
                    <div class="choice">
                        <input type="radio" id=id.clone() name="kind" value=k.key() checked=kind == k.key()/>
                        <label for=id>{k.label()}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        <div class="checkout__pair">
            <TextField feedback=feedback.clone() name="value" label="Percent or amount off" value=value maxlength=12
                hint="10 for 10% off, or 5.00 for $5 off; empty for free shipping"/>
            <TextField feedback=feedback.clone() name="min_subtotal" label="Minimum spend (optional)" maxlength=12
                value=c.filter(|c| c.min_subtotal_cents > 0).map(|c| minor_to_plain(c.min_subtotal_cents)).unwrap_or_default()
                hint="On the items the code covers, before the discount"/>
        </div>
        <div class="checkout__pair">
            <TextField feedback=feedback.clone() name="starts_at" label="Starts (UTC, optional)" kind="datetime-local" value=optional_time(c.and_then(|c| c.starts_at))/>
            <TextField feedback=feedback.clone() name="ends_at" label="Ends (UTC, optional)" kind="datetime-local" value=optional_time(c.and_then(|c| c.ends_at))/>
        </div>
        <div class="checkout__pair">
            <TextField feedback=feedback.clone() name="usage_limit" label="Total uses (optional)" kind="number" value=optional_count(c.and_then(|c| c.usage_limit))
                hint="Paid orders, across all customers"/>
            <TextField feedback=feedback.clone() name="per_customer_limit" label="Uses per customer (optional)" kind="number" value=optional_count(c.and_then(|c| c.per_customer_limit))/>
        </div>
        <div class="field">
            <label for="items">"Only these products (optional)"</label>
            <textarea id="items" name="items" rows="2" maxlength="2000" aria-describedby="items-hint"
                aria-invalid=items_error.is_some().then_some("true")>{crate::html::escape_text(&items_typed)}</textarea>
            <p class="field__hint" id="items-hint">"Product addresses (kestrel-64) or variant SKUs, separated by commas. Empty with no category ticked: every product."</p>
            {items_error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
        </div>
        <fieldset>
            <legend>"Only these categories (optional; a category includes its subcategories)"</legend>
            <div class="choice-grid">
            {categories.into_iter().map(|(id, name)| {
                let field_id = format!("category-{id}");
                let checked = ticked.contains(&id.to_string());
                view! {
                    <div class="choice">
                        <input type="checkbox" id=field_id.clone() name="categories" value=id.to_string() checked=checked/>
                        <label for=field_id>{name}</label>
                    </div>
                }
            }).collect_view()}
            </div>
        </fieldset>
        <p>
            <span class="choice">
                <input type="checkbox" id="status" name="status" value="paused" checked=paused/>
                <label for="status">"Paused (nobody can use it yet)"</label>
            </span>
        </p>
    }
}

/// Reads the form, resolves what it covers and checks the limits against the code's uses.
#[cfg(feature = "ssr")]
async fn read_code_form(
    db: &crate::db::Db,
    pairs: &[(String, String)],
    existing: Option<&DiscountCode>,
) -> Result<(super::model::CodeForm, Vec<super::model::Target>), AppError> {
    use super::model::Target;
    let field = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let categories: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "categories")
        .map(|(_, v)| v.clone())
        .collect();
    let form = super::model::parse_code_form(field, &categories)
        .map_err(|errors| AppError::Fields { errors })?;
    let mut targets = match super::repo::resolve_items(db, &form.items).await? {
        Ok(targets) => targets,
        Err(unknown) => {
            return Err(AppError::invalid(
                "items",
                format!("No product has the address or SKU \"{unknown}\"."),
            ))
        }
    };
    let tree = super::repo::category_parents(db).await?;
    let mut covered: Vec<i64> = Vec::new();
    for id in &form.category_ids {
        if !tree.iter().any(|(known, _)| known == id) {
            return Err(AppError::invalid(
                "categories",
                "Pick categories from the list.",
            ));
        }
        covered.push(*id);
    }
    // A ticked category covers its subcategories as they are now (kept ticked in the form).
    let mut i = 0;
    while i < covered.len() {
        let parent = covered[i];
        for (child, _) in tree.iter().filter(|(_, p)| *p == Some(parent)) {
            if !covered.contains(child) {
                covered.push(*child);
            }
        }
        i += 1;
    }
    targets.extend(covered.into_iter().map(Target::Category));
    if let (Some(code), Some(limit)) = (existing, form.usage_limit) {
        if limit < code.used + code.reserved {
            return Err(AppError::invalid(
                "usage_limit",
                format!(
                    "{} orders have used or hold this code; the limit can't be lower.",
                    code.used + code.reserved
                ),
            ));
        }
    }
    Ok((form, targets))
}

#[cfg(feature = "ssr")]
fn values_of(pairs: &[(String, String)]) -> std::collections::HashMap<String, String> {
    let mut values: std::collections::HashMap<String, String> = pairs
        .iter()
        .filter(|(k, _)| k != "categories")
        .cloned()
        .collect();
    let ticked: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "categories")
        .map(|(_, v)| v.as_str())
        .collect();
    values.insert("categories".into(), ticked.join(","));
    values
}

#[cfg(feature = "ssr")]
fn taken(code: &str) -> AppError {
    AppError::invalid(
        "code",
        format!("There is a code {code} already. Choose another, or change that one."),
    )
}

/// POST /admin/discounts: a new code.
#[cfg(feature = "ssr")]
pub async fn post_new_code(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::forms::{read_form_pairs, see_other, show_error};
    let (parts, pairs) = match read_form_pairs(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = crate::admin::guard::require(
            &crate::request::RequestContext::of(&parts),
            crate::request::Area::Discounts,
        )?;
        let (form, targets) = read_code_form(&ctx.db, &pairs, None).await?;
        let id = match super::repo::create_code(&ctx.db, &form, &targets).await {
            Ok(id) => id,
            Err(error) if crate::db::is_unique_violation(&error) => return Err(taken(&form.code)),
            Err(error) => return Err(error.into()),
        };
        crate::admin::audit::record(
            &ctx.db,
            &actor,
            "discount.create",
            "discount",
            id,
            &form.code,
        )
        .await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other("/admin/discounts?saved=created"),
        Err(error) => show_error(&ctx, parts, "discount", values_of(&pairs), error).await,
    }
}

/// POST /admin/discounts/{id}: change the rules, pause or resume.
#[cfg(feature = "ssr")]
pub async fn post_code(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::forms::{read_form_pairs, see_other, show_error};
    let (parts, pairs) = match read_form_pairs(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let action = pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let result = async {
        let actor = crate::admin::guard::require(
            &crate::request::RequestContext::of(&parts),
            crate::request::Area::Discounts,
        )?;
        let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
        let code = super::repo::find_code_by_id(&ctx.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let done = match action.as_str() {
            "pause" | "resume" => {
                let active = action == "resume";
                super::repo::set_active(&ctx.db, id, active).await?;
                let what = if active {
                    "discount.resume"
                } else {
                    "discount.pause"
                };
                crate::admin::audit::record(&ctx.db, &actor, what, "discount", id, &code.code)
                    .await?;
                if active {
                    "resumed"
                } else {
                    "paused"
                }
            }
            "update" => {
                let (form, targets) = read_code_form(&ctx.db, &pairs, Some(&code)).await?;
                match super::repo::update_code(&ctx.db, id, &form, &targets).await {
                    Ok(true) => {}
                    Ok(false) => return Err(AppError::NotFound),
                    Err(error) if crate::db::is_unique_violation(&error) => {
                        return Err(taken(&form.code))
                    }
                    Err(error) => return Err(error.into()),
                }
                crate::admin::audit::record(
                    &ctx.db,
                    &actor,
                    "discount.update",
                    "discount",
                    id,
                    &form.code,
                )
                .await?;
                "updated"
            }
            _ => return Err(AppError::bad_request("Unknown action.")),
        };
        Ok(format!("/admin/discounts/{id}?saved={done}"))
    }
    .await;
    match result {
        Ok(location) => see_other(&location),
        Err(error) => show_error(&ctx, parts, "discount", values_of(&pairs), error).await,
    }
}
