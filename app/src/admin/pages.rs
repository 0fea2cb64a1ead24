//! The admin panel's pages. Each asks its server function for data; the server function
//! decides access, and an error renders as the matching 404/403 page.

use super::api::{
    load_admin_audit, load_admin_categories, load_admin_content, load_admin_content_piece,
    load_admin_dashboard, load_admin_outbox, load_admin_personas, load_admin_product,
    load_admin_products, load_admin_staff,
};
use super::islands::MarkdownEditor;
use super::model::{format_time, status_label, CategoryNode, ProductEditData, PRODUCT_STATUSES};
use crate::accounts::current_user;
use crate::accounts::model::{Area, StaffRole};
use crate::catalog::model::minor_to_plain;
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or};
use crate::seo::PageMeta;
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use crate::ui::{ErrorPage, Layout};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ui::query_param as query;

const NAV: [(&str, &str, Area); 10] = [
    ("/admin", "Dashboard", Area::Dashboard),
    ("/admin/tickets", "Tickets", Area::Tickets),
    ("/admin/orders", "Orders", Area::Orders),
    ("/admin/products", "Products", Area::Catalog),
    ("/admin/categories", "Categories", Area::Catalog),
    ("/admin/content", "Content", Area::Content),
    ("/admin/personas", "Personas", Area::Personas),
    ("/admin/staff", "Staff", Area::Staff),
    ("/admin/outbox", "Email outbox", Area::Outbox),
    ("/admin/audit", "Audit log", Area::Audit),
];

/// The panel's frame: navigation filtered by role (a convenience; the guard protects).
#[component]
pub(crate) fn AdminFrame(
    #[prop(into)] title: String,
    #[prop(into)] current: String,
    children: Children,
) -> impl IntoView {
    let user = current_user();
    let role = user.as_ref().and_then(|u| u.role);
    let unread = crate::tickets::unread_tickets();
    let nav = NAV
        .iter()
        .filter(|(_, _, area)| role.is_some_and(|r| r.can(*area)))
        .map(|(href, label, area)| {
            let active = *href == current;
            let count = (*area == Area::Tickets && unread > 0).then(|| {
                view! { <span class="nav-count" aria-label=format!("{unread} unread")>{unread}</span> }
            });
            view! { <li><a href=*href aria-current=active.then_some("page")>{*label}{count}</a></li> }
        })
        .collect_view();
    view! {
        <PageMeta title=format!("{title} · Admin") description="Storefront admin panel" canonical="/admin" noindex=true/>
        <a class="skip-link" href="#admin-main">"Skip to content"</a>
        <div class="admin">
            <header class="admin__bar">
                <a class="admin__brand" href="/admin">"Storefront " <span>"Admin"</span></a>
                <div class="admin__who">
                    <span>{user.as_ref().map(|u| u.email.clone())}</span>
                    <span class="badge">{role.map(StaffRole::label)}</span>
                    <a href="/">"View store"</a>
                    <form method="post" action="/logout"><button class="linklike" type="submit">"Sign out"</button></form>
                </div>
            </header>
            <nav class="admin__nav" aria-label="Admin"><ul>{nav}</ul></nav>
            <main id="admin-main" class="admin__main">
                <h1>{title}</h1>
                {children()}
            </main>
        </div>
    }
}

/// An access or loading error: staff see it inside the panel, everyone else sees the
/// storefront's page (which reveals nothing about the panel).
pub(crate) fn admin_error(error: AppError) -> AnyView {
    if current_user().is_some_and(|u| u.is_staff()) {
        view! { <AdminFrame title="Admin" current=""><ErrorPage error/></AdminFrame> }.into_any()
    } else {
        view! { <Layout><ErrorPage error/></Layout> }.into_any()
    }
}

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_dashboard().await {
                    Ok(f) => view! {
                        <AdminFrame title="Dashboard" current="/admin">
                            <p class="lead">"Funnel figures arrive with analytics; until then, what needs attention."</p>
                            <ul class="stat-grid">
                                <li class="stat"><span class="stat__value">{f.active_products}</span><span class="stat__label">"published products"</span></li>
                                <li class="stat"><span class="stat__value">{f.draft_products}</span><span class="stat__label">"drafts"</span></li>
                                <li class="stat" class=("stat--warn", f.low_stock > 0)><span class="stat__value">{f.low_stock}</span><span class="stat__label">"low on stock"</span></li>
                                <li class="stat"><span class="stat__value">{f.customers}</span><span class="stat__label">"customer accounts"</span></li>
                                <li class="stat"><span class="stat__value">{f.pending_emails}</span><span class="stat__label">"emails not sent"</span></li>
                            </ul>
                        </AdminFrame>
                    }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let q = query("q");
    let status = query("status");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading products…"</p> }>
            {move || {
                let (q, status) = (q.clone(), status.clone());
                Suspend::new(async move {
                    match load_admin_products(q, status).await {
                        Ok(list) => view! {
                            <AdminFrame title="Products" current="/admin/products">
                                <div class="admin-toolbar">
                                    <form method="get" action="/admin/products" class="admin-filter" role="search">
                                        <label for="product-q">"Search"</label>
                                        <input id="product-q" type="search" name="q" value=list.q.clone() maxlength="100" placeholder="Name or SKU"/>
                                        <label for="product-status">"Status"</label>
                                        <select id="product-status" name="status">
                                            <option value="" selected=list.status.is_empty()>"All"</option>
                                            {PRODUCT_STATUSES.iter().map(|s| view! {
                                                <option value=*s selected=list.status == *s>{status_label(s)}</option>
                                            }).collect_view()}
                                        </select>
                                        <button class="btn btn--small" type="submit">"Filter"</button>
                                    </form>
                                    <a class="btn btn--primary" href="/admin/products/new">"New product"</a>
                                </div>
                                <p class="admin-count">{format!("{} product{}", list.total, if list.total == 1 { "" } else { "s" })}
                                    {(list.total > list.items.len() as i64).then(|| format!(", the {} most recently edited shown", list.items.len()))}</p>
                                {if list.items.is_empty() {
                                    view! { <div class="empty-state"><h2>"No products match"</h2><p>"Try another search, or create a product."</p></div> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll">
                                            <table class="admin-table">
                                                <thead><tr><th scope="col">"Product"</th><th scope="col" class="wide-only">"SKU"</th><th scope="col" class="wide-only">"Category"</th><th scope="col" class="num">"Price"</th><th scope="col" class="num">"Stock"</th><th scope="col">"Status"</th><th scope="col" class="wide-only">"Edited"</th></tr></thead>
                                                <tbody>
                                                    {list.items.into_iter().map(|p| view! {
                                                        <tr>
                                                            <td><a href=format!("/admin/products/{}", p.id)>{p.name}</a></td>
                                                            <td class="wide-only"><code>{p.sku}</code></td>
                                                            <td class="wide-only">{p.category_name}</td>
                                                            <td class="num">{format!("${}", minor_to_plain(p.price_cents))}</td>
                                                            <td class="num">{p.stock}</td>
                                                            <td><span class=format!("pill pill--{}", p.status)>{status_label(&p.status)}</span></td>
                                                            <td class="wide-only">{format_time(p.updated_at)}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </AdminFrame>
                        }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn AdminProductNewPage() -> impl IntoView {
    view! { <ProductEditor id=0/> }
}

#[component]
pub fn AdminProductEditPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    view! { <ProductEditor id/> }
}

fn saved_product_message(code: &str) -> Option<&'static str> {
    match code {
        "created" => Some("Product created."),
        "1" => Some("Changes saved. They are live in the store now."),
        "stock" => Some("Stock adjusted."),
        "status" => Some("Status changed."),
        _ => None,
    }
}

#[component]
fn ProductEditor(id: i64) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading product…"</p> }>
            {move || Suspend::new(async move {
                if id < 0 {
                    return admin_error(AppError::NotFound);
                }
                match load_admin_product(id).await {
                    Ok(data) => view! { <ProductForm data/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductForm(data: ProductEditData) -> impl IntoView {
    let ProductEditData {
        draft,
        categories,
        images,
        adjustments,
    } = data;
    let feedback = feedback_for("product");
    let is_new = draft.id.is_none();
    let title = if is_new {
        "New product".to_string()
    } else {
        draft.name.clone()
    };
    let action = match draft.id {
        Some(id) => format!("/admin/products/{id}"),
        None => "/admin/products/new".to_string(),
    };
    let saved = saved_product_message(&query("saved"));
    let description = typed_or(&feedback, "description_md", draft.description_md.clone());
    let description_html = render_preview(&description);
    let chosen_category = typed_or(&feedback, "category_id", draft.category_id.to_string());
    let chosen_status = typed_or(&feedback, "status", draft.status.clone());
    let specs = typed_or(&feedback, "specs", draft.specs.clone());
    let specs_error = feedback.as_ref().and_then(|f| f.error("specs"));
    let category_error = feedback.as_ref().and_then(|f| f.error("category_id"));
    let image_error = feedback.as_ref().and_then(|f| f.error("image"));
    let (category_error_shown, specs_error_shown, image_error_shown) = (
        category_error.is_some(),
        specs_error.is_some(),
        image_error.is_some(),
    );
    let store_link =
        (!is_new && draft.status == "active").then(|| format!("/products/{}", draft.slug));
    let product_id = draft.id;
    view! {
        <AdminFrame title=title current="/admin/products">
            <p class="admin-back"><a href="/admin/products">"← All products"</a>
                {store_link.map(|href| view! { " · " <a href=href>"View in store"</a> })}</p>
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["name", "slug", "sku", "category_id", "summary", "description_md", "price", "compare_at", "stock", "status", "specs", "image", "image_alt"]/>
            <form method="post" action=action enctype="multipart/form-data" class="admin-form" novalidate>
                <div class="admin-form__grid">
                    <TextField feedback=feedback.clone() name="name" label="Name" value=draft.name.clone() required=true maxlength=120/>
                    <TextField feedback=feedback.clone() name="slug" label="Slug (web address)" value=draft.slug.clone() maxlength=80 hint="Leave empty to make one from the name. Changing it keeps the old address working (301)."/>
                    <TextField feedback=feedback.clone() name="sku" label="SKU" value=draft.sku.clone() required=true maxlength=64/>
                    <div class="field" class=("field--invalid", category_error_shown)>
                        <label for="category_id">"Category"</label>
                        <select id="category_id" name="category_id" required aria-invalid=category_error_shown.then_some("true")>
                            <option value="" selected=chosen_category == "0">"Choose a category"</option>
                            {categories.into_iter().map(|c| {
                                let selected = chosen_category == c.id.to_string();
                                view! { <option value=c.id.to_string() selected=selected>{c.label}</option> }
                            }).collect_view()}
                        </select>
                        {category_error.map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                    <TextField feedback=feedback.clone() name="price" label="Price (USD)" value=draft.price.clone() required=true maxlength=14 hint="Like 249 or 249.99"/>
                    <TextField feedback=feedback.clone() name="compare_at" label="Was price (optional)" value=draft.compare_at.clone() maxlength=14 hint="Shown struck through when higher than the price."/>
                    {is_new.then(|| view! {
                        <TextField feedback=feedback.clone() name="stock" label="Starting stock" value="0" kind="number" maxlength=7/>
                    })}
                    <div class="field">
                        <label for="status">"Status"</label>
                        <select id="status" name="status">
                            {PRODUCT_STATUSES.iter().map(|s| view! {
                                <option value=*s selected=chosen_status == *s>{status_label(s)}</option>
                            }).collect_view()}
                        </select>
                        <p class="field__hint">"Only published products are visible in the store."</p>
                    </div>
                </div>
                <TextField feedback=feedback.clone() name="summary" label="Summary" value=draft.summary.clone() required=true maxlength=300 hint="One or two sentences for cards and search results."/>
                <MarkdownEditor name="description_md".to_string() initial=description initial_html=description_html label="Description".to_string()/>
                {feedback.as_ref().and_then(|f| f.error("description_md")).map(|m| view! { <p class="field__error">{m}</p> })}
                <div class="field" class=("field--invalid", specs_error_shown)>
                    <label for="specs">"Specifications"</label>
                    <p class="field__hint" id="specs-hint">"One per line, as \"Name: Value\", e.g. \"Weight: 9.5 kg\". Numbers with a unit are compared as numbers."</p>
                    <textarea id="specs" name="specs" rows="8" maxlength="8000" aria-describedby="specs-hint">{crate::html::escape_text(&specs)}</textarea>
                    {specs_error.map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <fieldset class="field" class=("field--invalid", image_error_shown)>
                    <legend>"Add a picture"</legend>
                    <label for="image">"Image file (PNG, JPEG, WebP or SVG, up to 5 MB)"</label>
                    <input id="image" name="image" type="file" accept="image/png,image/jpeg,image/webp,image/svg+xml"/>
                    {image_error.map(|m| view! { <p class="field__error">{m}</p> })}
                    <TextField feedback=feedback.clone() name="image_alt" label="Describe the picture (alt text)" maxlength=200 hint="What a person who can't see it should know."/>
                </fieldset>
                <div class="admin-form__actions">
                    <button class="btn btn--primary" type="submit">{if is_new { "Create product" } else { "Save changes" }}</button>
                </div>
            </form>
            {(!images.is_empty()).then(|| view! {
                <section class="admin-section">
                    <h2>"Pictures"</h2>
                    <ul class="thumbs">{images.into_iter().map(|(url, alt)| view! {
                        <li><img src=url alt=alt.clone() width="120" height="90"/><span>{alt}</span></li>
                    }).collect_view()}</ul>
                </section>
            })}
            {product_id.map(|id| view! { <StockAndStatus id stock=draft.stock status=draft.status.clone() adjustments/> })}
        </AdminFrame>
    }
}

/// The description as the store will render it (sanitised) for the no-JavaScript preview.
fn render_preview(markdown: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::markdown::render_markdown(markdown)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = markdown;
        String::new()
    }
}

#[component]
fn StockAndStatus(
    id: i64,
    stock: i64,
    status: String,
    adjustments: Vec<super::model::StockAdjustment>,
) -> impl IntoView {
    let stock_feedback = feedback_for("stock");
    let status_feedback = feedback_for("status");
    view! {
        <section class="admin-section admin-columns">
            <div class="panel">
                <h2>"Stock"</h2>
                <p class="stock-now">{format!("{stock} in stock")}</p>
                <FormAlert feedback=stock_feedback.clone() fields=&["delta", "reason"]/>
                <form method="post" action=format!("/admin/products/{id}/stock") class="stack">
                    <TextField feedback=stock_feedback.clone() name="delta" label="Change by" kind="number" hint="Positive to add, negative to remove." id_prefix="stock-" maxlength=8/>
                    <TextField feedback=stock_feedback.clone() name="reason" label="Reason" maxlength=200 id_prefix="stock-"/>
                    <button class="btn btn--small" type="submit">"Adjust stock"</button>
                </form>
                {(!adjustments.is_empty()).then(|| view! {
                    <h3>"Recent adjustments"</h3>
                    <ul class="log">{adjustments.into_iter().map(|a| view! {
                        <li><strong>{format!("{:+}", a.delta)}</strong>" "{a.reason}<br/>
                        <small>{format!("{} · {}", a.actor_email.unwrap_or_else(|| "former staff".into()), format_time(a.created_at))}</small></li>
                    }).collect_view()}</ul>
                })}
            </div>
            <div class="panel">
                <h2>"Visibility"</h2>
                <p>{format!("Now: {}", status_label(&status))}</p>
                <FormAlert feedback=status_feedback/>
                <div class="button-row">
                    {PRODUCT_STATUSES.iter().filter(|s| **s != status).map(|s| {
                        let label = match *s { "active" => "Publish", "draft" => "Unpublish (draft)", _ => "Archive" };
                        view! {
                            <form method="post" action=format!("/admin/products/{id}/status")>
                                <input type="hidden" name="status" value=*s/>
                                <button class="btn btn--small btn--ghost" type="submit">{label}</button>
                            </form>
                        }
                    }).collect_view()}
                </div>
            </div>
        </section>
    }
}

fn saved_category_message(code: &str) -> Option<&'static str> {
    match code {
        "created" => Some("Category created."),
        "updated" => Some("Category saved."),
        "deleted" => Some("Category deleted."),
        _ => None,
    }
}

#[component]
pub fn AdminCategoriesPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading categories…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_categories().await {
                    Ok(tree) => view! { <CategoriesView tree/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

fn parent_options(
    tree: &[CategoryNode],
    selected: Option<i64>,
    except: Option<i64>,
) -> impl IntoView {
    let options = tree
        .iter()
        .filter(|n| Some(n.id) != except)
        .map(|n| {
            let label = format!("{}{}", "— ".repeat(n.depth), n.name);
            view! { <option value=n.id.to_string() selected=Some(n.id) == selected>{label}</option> }
        })
        .collect_view();
    view! {
        <option value="" selected=selected.is_none()>"(top level)"</option>
        {options}
    }
}

#[component]
fn CategoriesView(tree: Vec<CategoryNode>) -> impl IntoView {
    let create = feedback_for("category-");
    let saved = saved_category_message(&query("saved"));
    let rows = tree
        .iter()
        .map(|node| {
            let form_id = format!("category-{}", node.id);
            let feedback = feedback_for(&form_id);
            let name = typed_or(&feedback, "name", node.name.clone());
            let error = feedback.as_ref().and_then(|f| f.errors.first().map(|(_, m)| m.clone()));
            let deletable = node.products == 0 && node.children == 0;
            let holds = format!("{} products, {} subcategories", node.products, node.children);
            view! {
                <li class=format!("tree__row tree__row--depth-{}", node.depth.min(4))>
                    <form method="post" action="/admin/categories" class="tree__form">
                        <input type="hidden" name="id" value=node.id.to_string()/>
                        <label class="visually-hidden" for=format!("cat-name-{}", node.id)>{format!("Name of {}", node.name)}</label>
                        <input id=format!("cat-name-{}", node.id) name="name" value=name maxlength="80"/>
                        <label class="visually-hidden" for=format!("cat-parent-{}", node.id)>{format!("Parent of {}", node.name)}</label>
                        <select id=format!("cat-parent-{}", node.id) name="parent_id">{parent_options(&tree, node.parent_id, Some(node.id))}</select>
                        <button class="btn btn--small" type="submit" name="action" value="update">"Save"</button>
                        <button class="btn btn--small btn--ghost" type="submit" name="action" value="delete" disabled=!deletable
                            title=if deletable { "Delete this empty category" } else { "Only empty categories can be deleted" }>"Delete"</button>
                        <span class="tree__meta"><a href=format!("/categories/{}", node.slug)>{format!("/{}", node.slug)}</a>" · "{holds}</span>
                    </form>
                    {error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <AdminFrame title="Categories" current="/admin/categories">
            <SuccessAlert message=saved/>
            <section class="panel">
                <h2>"New category"</h2>
                <FormAlert feedback=create.clone() fields=&["name", "slug", "parent_id"]/>
                <form method="post" action="/admin/categories" class="admin-inline-form">
                    <input type="hidden" name="action" value="create"/>
                    <TextField feedback=create.clone() name="name" label="Name" required=true maxlength=80 id_prefix="new-cat-"/>
                    <TextField feedback=create.clone() name="slug" label="Slug (optional)" maxlength=80 id_prefix="new-cat-"/>
                    <div class="field">
                        <label for="new-cat-parent">"Inside"</label>
                        <select id="new-cat-parent" name="parent_id">{parent_options(&tree, None, None)}</select>
                    </div>
                    <button class="btn btn--primary" type="submit">"Create category"</button>
                </form>
            </section>
            <section class="admin-section">
                <h2>"Tree"</h2>
                <p class="field__hint">"Rename or move a category and press Save. Slugs stay as they are, so links keep working."</p>
                <ul class="tree">{rows}</ul>
            </section>
        </AdminFrame>
    }
}

fn saved_staff_message(code: &str) -> Option<&'static str> {
    match code {
        "invited" => {
            Some("Invitation sent: they will find a link in their email (see the outbox).")
        }
        "role" => Some("Role changed. They were signed out so the new rights apply."),
        "removed" => Some("Staff role removed; the account stays as a customer account."),
        "deactivated" => Some("Account deactivated and signed out."),
        "activated" => Some("Account reactivated."),
        _ => None,
    }
}

#[component]
pub fn AdminStaffPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading staff…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_staff().await {
                    Ok(staff) => {
                        let invite = feedback_for("invite");
                        let saved = saved_staff_message(&query("saved"));
                        let me = current_user().map(|u| u.id);
                        let rows = staff.into_iter().map(|member| {
                            let feedback = feedback_for(&format!("staff-{}", member.id));
                            let error = feedback.and_then(|f| f.errors.first().map(|(_, m)| m.clone()));
                            let is_me = Some(member.id) == me;
                            view! {
                                <tr>
                                    <td>{member.email.clone()}{is_me.then_some(" (you)")}<br/><small>{member.name.clone()}</small></td>
                                    <td>
                                        <form method="post" action="/admin/staff" class="row-form">
                                            <input type="hidden" name="user_id" value=member.id.to_string()/>
                                            <input type="hidden" name="action" value="role"/>
                                            <label class="visually-hidden" for=format!("role-{}", member.id)>{format!("Role of {}", member.email)}</label>
                                            <select id=format!("role-{}", member.id) name="role">
                                                {StaffRole::ALL.iter().map(|r| view! { <option value=r.as_str() selected=member.role == Some(*r)>{r.label()}</option> }).collect_view()}
                                            </select>
                                            <button class="btn btn--small" type="submit">"Change"</button>
                                        </form>
                                        {error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                                    </td>
                                    <td>{if member.active { "Active" } else { "Deactivated" }}</td>
                                    <td>
                                        <form method="post" action="/admin/staff" class="row-form">
                                            <input type="hidden" name="user_id" value=member.id.to_string()/>
                                            {if member.active {
                                                view! { <button class="btn btn--small btn--ghost" type="submit" name="action" value="deactivate">"Deactivate"</button> }.into_any()
                                            } else {
                                                view! { <button class="btn btn--small btn--ghost" type="submit" name="action" value="activate">"Reactivate"</button> }.into_any()
                                            }}
                                            <button class="btn btn--small btn--ghost" type="submit" name="action" value="remove">"Remove staff role"</button>
                                        </form>
                                    </td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <AdminFrame title="Staff" current="/admin/staff">
                                <SuccessAlert message=saved/>
                                <section class="panel">
                                    <h2>"Invite or promote"</h2>
                                    <p>"New people get an email with a link to choose their password. An existing customer account is promoted."</p>
                                    <FormAlert feedback=invite.clone() fields=&["email", "role"]/>
                                    <form method="post" action="/admin/staff" class="admin-inline-form">
                                        <input type="hidden" name="action" value="invite"/>
                                        <TextField feedback=invite.clone() name="email" label="Email" kind="email" required=true maxlength=254 id_prefix="invite-"/>
                                        <div class="field">
                                            <label for="invite-role">"Role"</label>
                                            <select id="invite-role" name="role">
                                                {StaffRole::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <button class="btn btn--primary" type="submit">"Send invitation"</button>
                                    </form>
                                    <p class="field__hint">"Admin: everything. Marketing: catalogue, content, personas, analytics. Sales: tickets, orders, customers, analytics."</p>
                                </section>
                                <div class="table-scroll">
                                    <table class="admin-table">
                                        <thead><tr><th scope="col">"Person"</th><th scope="col">"Role"</th><th scope="col">"State"</th><th scope="col">"Actions"</th></tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            </AdminFrame>
                        }.into_any()
                    }
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading outbox…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_outbox().await {
                    Ok(messages) => view! {
                        <AdminFrame title="Email outbox" current="/admin/outbox">
                            <p class="lead">"Every email the store sends, newest first. Without SMTP_URL they stay here unsent; open one to read it."</p>
                            {if messages.is_empty() {
                                view! { <div class="empty-state"><h2>"No emails yet"</h2><p>"Password resets, invitations and order confirmations will appear here."</p></div> }.into_any()
                            } else {
                                view! {
                                    <ul class="outbox">{messages.into_iter().map(|m| {
                                        let state = match (m.sent_at, &m.last_error) {
                                            (Some(at), _) => format!("Sent {}", format_time(at)),
                                            (None, Some(error)) => format!("Not sent ({} attempts): {error}", m.attempts),
                                            (None, None) => "Waiting (no SMTP configured)".to_string(),
                                        };
                                        view! {
                                            <li class="outbox__item">
                                                <details>
                                                    <summary>
                                                        <strong>{m.subject}</strong>" → "{m.to_address}
                                                        <small>{format!(" · {} · {} · {}", m.kind, format_time(m.created_at), state)}</small>
                                                    </summary>
                                                    <pre class="outbox__body">{m.body_text}</pre>
                                                </details>
                                            </li>
                                        }
                                    }).collect_view()}</ul>
                                }.into_any()
                            }}
                        </AdminFrame>
                    }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let actor = query("actor");
    let action = query("action");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
            {move || {
                let (actor, action) = (actor.clone(), action.clone());
                Suspend::new(async move {
                    match load_admin_audit(actor, action).await {
                        Ok(page) => view! {
                            <AdminFrame title="Audit log" current="/admin/audit">
                                <form method="get" action="/admin/audit" class="admin-filter">
                                    <label for="audit-actor">"Who"</label>
                                    <select id="audit-actor" name="actor">
                                        <option value="">"Everyone"</option>
                                        {page.actors.iter().map(|a| view! { <option value=a.clone() selected=*a == page.actor>{a.clone()}</option> }).collect_view()}
                                    </select>
                                    <label for="audit-action">"Action"</label>
                                    <select id="audit-action" name="action">
                                        <option value="">"All actions"</option>
                                        {page.actions.iter().map(|a| view! { <option value=a.clone() selected=*a == page.action>{a.clone()}</option> }).collect_view()}
                                    </select>
                                    <button class="btn btn--small" type="submit">"Filter"</button>
                                </form>
                                {if page.entries.is_empty() {
                                    view! { <div class="empty-state"><h2>"Nothing recorded"</h2><p>"Staff changes will be listed here."</p></div> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll">
                                            <table class="admin-table">
                                                <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Subject"</th><th scope="col">"Details"</th></tr></thead>
                                                <tbody>{page.entries.into_iter().map(|e| view! {
                                                    <tr>
                                                        <td>{format_time(e.created_at)}</td>
                                                        <td>{e.actor_email}</td>
                                                        <td><code>{e.action}</code></td>
                                                        <td>{format!("{} #{}", e.subject_type, e.subject_id)}</td>
                                                        <td>{e.detail}</td>
                                                    </tr>
                                                }).collect_view()}</tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </AdminFrame>
                        }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn AdminPersonasPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading personas…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_personas().await {
                    Ok(coverage) => view! { <PersonasView coverage/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PersonasView(coverage: Vec<super::model::PersonaCoverage>) -> impl IntoView {
    use crate::content::model::Stage;
    let saved = match query("saved").as_str() {
        "created" => Some("Persona created."),
        "updated" => Some("Persona saved."),
        _ => None,
    };
    let gaps: Vec<String> = coverage
        .iter()
        .flat_map(|c| {
            Stage::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| c.per_stage[*i] == 0)
                .map(|(_, stage)| {
                    format!("No {}-stage content for {}", stage.key(), c.persona.name)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let create = feedback_for("persona-");
    let grid = coverage
        .iter()
        .map(|c| {
            let cells = Stage::ALL
                .iter()
                .enumerate()
                .map(|(i, stage)| {
                    let n = c.per_stage[i];
                    let href = format!("/learn?stage={}&persona={}", stage.key(), c.persona.slug);
                    view! {
                        <td class="num" class=("gap", n == 0)>
                            {if n == 0 { view! { <span>"0 — gap"</span> }.into_any() } else { view! { <a href=href>{n}</a> }.into_any() }}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{c.persona.name.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let editors = coverage
        .into_iter()
        .map(|c| {
            let p = c.persona;
            let form_id = format!("persona-{}", p.id);
            let feedback = feedback_for(&form_id);
            let prefix = format!("persona-{}-", p.id);
            view! {
                <details class="panel persona-editor" open=feedback.is_some()>
                    <summary><strong>{p.name.clone()}</strong>" — "{p.description.clone()}</summary>
                    <FormAlert feedback=feedback.clone() fields=&["name", "description", "problems"]/>
                    <form method="post" action="/admin/personas" class="stack">
                        <input type="hidden" name="action" value="update"/>
                        <input type="hidden" name="id" value=p.id.to_string()/>
                        <TextField feedback=feedback.clone() name="name" label="Name" value=p.name.clone() maxlength=60 id_prefix=prefix.clone()/>
                        <TextField feedback=feedback.clone() name="description" label="One-line description" value=p.description.clone() maxlength=160 id_prefix=prefix.clone()/>
                        <TextField feedback=feedback.clone() name="problems" label="The problems they want solved" value=p.problems.clone() maxlength=600 id_prefix=prefix.clone()/>
                        <button class="btn btn--small" type="submit">"Save persona"</button>
                    </form>
                </details>
            }
        })
        .collect_view();
    view! {
        <AdminFrame title="Personas" current="/admin/personas">
            <SuccessAlert message=saved/>
            <section class="admin-section">
                <h2>"Content per stage"</h2>
                <p class="field__hint">"Published pieces serving each persona at each stage of the funnel. A zero is a gap: a buyer at that stage finds nothing written for them."</p>
                <div class="table-scroll">
                    <table class="admin-table coverage">
                        <thead><tr><th scope="col">"Persona"</th>{Stage::ALL.iter().map(|s| view! { <th scope="col" class="num">{s.label()}</th> }).collect_view()}</tr></thead>
                        <tbody>{grid}</tbody>
                    </table>
                </div>
                {if gaps.is_empty() {
                    view! { <p class="alert alert--ok">"Every persona has content at every stage."</p> }.into_any()
                } else {
                    view! { <ul class="alert alert--error gaps">{gaps.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
            <section class="admin-section">
                <h2>"Edit personas"</h2>
                {editors}
            </section>
            <section class="admin-section panel">
                <h2>"New persona"</h2>
                <FormAlert feedback=create.clone() fields=&["name", "description", "problems"]/>
                <form method="post" action="/admin/personas" class="stack">
                    <input type="hidden" name="action" value="create"/>
                    <TextField feedback=create.clone() name="name" label="Name" required=true maxlength=60 id_prefix="new-persona-" hint="How they would describe themselves, e.g. \"The café owner\"."/>
                    <TextField feedback=create.clone() name="description" label="One-line description" required=true maxlength=160 id_prefix="new-persona-"/>
                    <TextField feedback=create.clone() name="problems" label="The problems they want solved" maxlength=600 id_prefix="new-persona-"/>
                    <button class="btn btn--primary" type="submit">"Create persona"</button>
                </form>
            </section>
        </AdminFrame>
    }
}

#[component]
pub fn AdminContentPage() -> impl IntoView {
    let status = query("status");
    let stage = query("stage");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading content…"</p> }>
            {move || {
                let (status, stage) = (status.clone(), stage.clone());
                Suspend::new(async move {
                    let (chosen_status, chosen_stage) = (status.clone(), stage.clone());
                    match load_admin_content(status, stage).await {
                        Ok(items) => {
                            let now = crate::time::to_datetime_local(0);
                            let _ = now;
                            view! {
                                <AdminFrame title="Content" current="/admin/content">
                                    <div class="admin-toolbar">
                                        <form method="get" action="/admin/content" class="admin-filter">
                                            <label for="content-status">"Status"</label>
                                            <select id="content-status" name="status">
                                                <option value="">"All"</option>
                                                <option value="published" selected=chosen_status == "published">"Published"</option>
                                                <option value="draft" selected=chosen_status == "draft">"Draft"</option>
                                            </select>
                                            <label for="content-stage">"Stage"</label>
                                            <select id="content-stage" name="stage">
                                                <option value="">"Every stage"</option>
                                                {crate::content::model::Stage::ALL.iter().map(|s| view! { <option value=s.key() selected=chosen_stage == s.key()>{s.label()}</option> }).collect_view()}
                                            </select>
                                            <button class="btn btn--small" type="submit">"Filter"</button>
                                        </form>
                                        <a class="btn btn--primary" href="/admin/content/new">"New piece"</a>
                                    </div>
                                    {if items.is_empty() {
                                        view! { <div class="empty-state"><h2>"No content matches"</h2><p>"Write the first piece, or change the filters."</p></div> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-scroll">
                                                <table class="admin-table">
                                                    <thead><tr><th scope="col">"Title"</th><th scope="col" class="wide-only">"Type"</th><th scope="col">"Stage"</th><th scope="col">"Status"</th><th scope="col" class="wide-only">"Publishes"</th></tr></thead>
                                                    <tbody>{items.into_iter().map(|c| view! {
                                                        <tr>
                                                            <td><a href=format!("/admin/content/{}", c.id)>{c.title}</a></td>
                                                            <td class="wide-only">{c.kind}</td>
                                                            <td>{c.stage}</td>
                                                            <td><span class=if c.status == "published" { "pill pill--active" } else { "pill pill--draft" }>{c.status.clone()}</span></td>
                                                            <td class="wide-only">{format_time(c.published_at)}</td>
                                                        </tr>
                                                    }).collect_view()}</tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </AdminFrame>
                            }.into_any()
                        }
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn AdminContentNewPage() -> impl IntoView {
    view! { <ContentEditor id=0/> }
}

#[component]
pub fn AdminContentEditPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .unwrap_or(-1);
    view! { <ContentEditor id/> }
}

#[component]
fn ContentEditor(id: i64) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                if id < 0 {
                    return admin_error(AppError::NotFound);
                }
                match load_admin_content_piece(id).await {
                    Ok(data) => view! { <ContentForm data/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContentForm(data: super::model::ContentEditData) -> impl IntoView {
    use crate::content::model::{Kind, Stage};
    let feedback = feedback_for("content");
    let is_new = data.id.is_none();
    let title = if is_new {
        "New piece".to_string()
    } else {
        data.title.clone()
    };
    let action = match data.id {
        Some(id) => format!("/admin/content/{id}"),
        None => "/admin/content/new".to_string(),
    };
    let saved = (query("saved") == "1")
        .then_some("Saved. Published pieces are live from their publish time on.");
    let body = typed_or(&feedback, "body_md", data.body_md.clone());
    let body_html = render_preview(&body);
    let kind = typed_or(&feedback, "kind", data.kind.clone());
    let stage = typed_or(&feedback, "stage", data.stage.clone());
    let status = typed_or(&feedback, "status", data.status.clone());
    let ticked: Vec<String> = match &feedback {
        Some(f) => f
            .value("persona_ids")
            .split(',')
            .map(str::to_string)
            .collect(),
        None => data.persona_ids.iter().map(i64::to_string).collect(),
    };
    let error_of = {
        let feedback = feedback.clone();
        move |field: &str| feedback.as_ref().and_then(|f| f.error(field))
    };
    let persona_error = error_of("persona_ids");
    let persona_invalid = persona_error.is_some();
    let transcript_error = error_of("transcript");
    let transcript_invalid = transcript_error.is_some();
    let transcript = typed_or(&feedback, "transcript", data.transcript.clone());
    let preview = (!is_new).then(|| format!("/learn/{}", data.slug));
    let ticked_categories: Vec<String> = match &feedback {
        Some(f) => f
            .value("category_ids")
            .split(',')
            .map(str::to_string)
            .collect(),
        None => data.category_ids.iter().map(i64::to_string).collect(),
    };
    let category_error = error_of("category_ids");
    let category_invalid = category_error.is_some();
    let media_file_error = error_of("media_file");
    let media_file_invalid = media_file_error.is_some();
    let cover_file_error = error_of("cover_file");
    let cover_file_invalid = cover_file_error.is_some();
    let cover_now = typed_or(&feedback, "cover_url", data.cover_url.clone());
    let cover_alt_now = typed_or(&feedback, "cover_alt", data.cover_alt.clone());
    view! {
        <AdminFrame title=title current="/admin/content">
            <p class="admin-back"><a href="/admin/content">"← All content"</a>
                {preview.map(|href| view! { " · " <a href=href>"Preview as a visitor"</a> })}</p>
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["title", "slug", "summary", "body_md", "kind", "stage", "author", "media_url", "media_file", "cover_url", "cover_file", "cover_alt", "seo_title", "seo_description", "transcript", "publish_at", "persona_ids", "category_ids", "product_slugs", "status"]/>
            <form method="post" action=action class="admin-form" enctype="multipart/form-data" novalidate>
                <div class="admin-form__grid">
                    <TextField feedback=feedback.clone() name="title" label="Title" value=data.title.clone() required=true maxlength=160/>
                    <TextField feedback=feedback.clone() name="slug" label="Slug (web address)" value=data.slug.clone() maxlength=80 hint="Leave empty to make one from the title."/>
                    <div class="field">
                        <label for="kind">"Type"</label>
                        <select id="kind" name="kind">{Kind::ALL.iter().map(|k| view! { <option value=k.key() selected=kind == k.key()>{k.label()}</option> }).collect_view()}</select>
                    </div>
                    <div class="field">
                        <label for="stage">"Funnel stage"</label>
                        <select id="stage" name="stage">{Stage::ALL.iter().map(|s| view! { <option value=s.key() selected=stage == s.key()>{format!("{} ({})", s.label(), s.key())}</option> }).collect_view()}</select>
                        <p class="field__hint">"Awareness pieces never show products."</p>
                    </div>
                    <TextField feedback=feedback.clone() name="author" label="Author" value=data.author.clone() maxlength=80/>
                    <TextField feedback=feedback.clone() name="publish_at" label="Publish at (UTC)" value=data.publish_at.clone() kind="datetime-local" maxlength=16 hint="A future time schedules the piece."/>
                    <div class="field">
                        <label for="status">"Status"</label>
                        <select id="status" name="status">
                            <option value="draft" selected=status == "draft">"Draft"</option>
                            <option value="published" selected=status == "published">"Published"</option>
                        </select>
                    </div>
                </div>
                <fieldset class="field upload-group">
                    <legend>"Video, download or infographic"</legend>
                    <TextField feedback=feedback.clone() name="media_url" label="Address" value=data.media_url.clone() maxlength=300 hint="Video: https://www.youtube-nocookie.com/embed/… · or upload the file below for a white paper, e-book or infographic."/>
                    <div class="field" class=("field--invalid", media_file_invalid)>
                        <label for="media_file">"Upload a file (PDF or EPUB up to 20 MB; infographic: PNG, JPEG, WebP or SVG up to 5 MB)"</label>
                        <input id="media_file" name="media_file" type="file" accept="application/pdf,application/epub+zip,image/png,image/jpeg,image/webp,image/svg+xml"/>
                        {media_file_error.map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                </fieldset>
                <fieldset class="field upload-group">
                    <legend>"Cover image"</legend>
                    {(!cover_now.is_empty()).then(|| view! {
                        <img class="upload-group__preview" src=cover_now.clone() alt=cover_alt_now.clone() width="160" height="90"/>
                    })}
                    <TextField feedback=feedback.clone() name="cover_url" label="Address" value=data.cover_url.clone() maxlength=300 hint="Clear it to remove the cover."/>
                    <div class="field" class=("field--invalid", cover_file_invalid)>
                        <label for="cover_file">"Upload a cover (PNG, JPEG, WebP or SVG, up to 5 MB)"</label>
                        <input id="cover_file" name="cover_file" type="file" accept="image/png,image/jpeg,image/webp,image/svg+xml"/>
                        {cover_file_error.map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                    <TextField feedback=feedback.clone() name="cover_alt" label="Describe the cover (alt text)" value=data.cover_alt.clone() maxlength=200 hint="What a person who can't see it should know."/>
                </fieldset>
                <TextField feedback=feedback.clone() name="summary" label="Summary" value=data.summary.clone() required=true maxlength=400/>
                <MarkdownEditor name="body_md".to_string() initial=body initial_html=body_html label="Body".to_string()/>
                <div class="field" class=("field--invalid", transcript_invalid)>
                    <label for="transcript">"Transcript (video) or full text description (infographic)"</label>
                    <textarea id="transcript" name="transcript" rows="6" maxlength="10000">{crate::html::escape_text(&transcript)}</textarea>
                    {transcript_error.map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <fieldset class="field" class=("field--invalid", persona_invalid)>
                    <legend>"Written for"</legend>
                    {data.personas.iter().map(|p| {
                        let id = p.id.to_string();
                        let checked = ticked.contains(&id);
                        view! {
                            <label class="check"><input type="checkbox" name="persona_ids" value=id checked=checked/>" "{p.name.clone()}</label>
                        }
                    }).collect_view()}
                    {persona_error.map(|m| view! { <p class="field__error">{m}</p> })}
                </fieldset>
                <TextField feedback=feedback.clone() name="product_slugs" label="Related products (slugs, comma-separated)" value=data.product_slugs.clone() maxlength=1000 hint="Shown only on consideration and decision pieces."/>
                <fieldset class="field" class=("field--invalid", category_invalid)>
                    <legend>"About these categories"</legend>
                    <p class="field__hint">"The piece appears under \"Learn before you buy\" on these categories' products."</p>
                    <div class="check-columns">
                        {data.categories.iter().map(|c| {
                            let id = c.id.to_string();
                            let checked = ticked_categories.contains(&id);
                            let indent = format!("check check--depth-{}", c.depth.min(3));
                            view! {
                                <label class=indent><input type="checkbox" name="category_ids" value=id checked=checked/>" "{c.name.clone()}</label>
                            }
                        }).collect_view()}
                    </div>
                    {category_error.map(|m| view! { <p class="field__error">{m}</p> })}
                </fieldset>
                <fieldset class="field upload-group">
                    <legend>"Search engines"</legend>
                    <TextField feedback=feedback.clone() name="seo_title" label="Title for search results" value=data.seo_title.clone() maxlength=70 hint="Up to 70 characters; empty uses the title."/>
                    <TextField feedback=feedback.clone() name="seo_description" label="Description for search results" value=data.seo_description.clone() maxlength=170 hint="Up to 170 characters; empty uses the summary."/>
                </fieldset>
                <div class="admin-form__actions">
                    <button class="btn btn--primary" type="submit">{if is_new { "Create piece" } else { "Save piece" }}</button>
                </div>
            </form>
        </AdminFrame>
    }
}
