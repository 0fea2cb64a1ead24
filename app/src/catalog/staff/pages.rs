//! Catalogue management pages (marketing and admin): the product list, the product
//! editor (Markdown description with preview, specs, picture, stock and status) and the
//! category tree.

use crate::admin::frame::{admin_error, render_preview, AdminFrame};
use crate::admin::islands::MarkdownEditor;
use crate::catalog::staff::api::{
    load_admin_categories, load_admin_product, load_admin_products, load_search_synonyms,
};
use crate::catalog::staff::model::{status_label, CategoryNode, ProductEditData, PRODUCT_STATUSES};
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or};
use crate::money::minor_to_plain;
use crate::time::format_time;
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ui::query_param as query;

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
        options,
        variants,
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
    let chosen_tax_class = typed_or(
        &feedback,
        "tax_class",
        if draft.tax_class.is_empty() {
            "standard".to_string()
        } else {
            draft.tax_class.clone()
        },
    );
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
    // With options the variants carry the prices; the product shows the cheapest.
    let price_hint = if options.is_empty() {
        "Like 249 or 249.99"
    } else {
        "The cheapest variant's price: change prices per variant under \"Options and variants\"."
    };
    view! {
        <AdminFrame title=title current="/admin/products">
            <p class="admin-back"><a href="/admin/products">"← All products"</a>
                {store_link.map(|href| view! { " · " <a href=href>"View in store"</a> })}</p>
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["name", "slug", "sku", "category_id", "summary", "description_md", "price", "compare_at", "stock", "status", "specs", "image", "image_alt", "weight", "tax_class"]/>
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
                    <TextField feedback=feedback.clone() name="price" label="Price (USD)" value=draft.price.clone() required=true maxlength=14 hint=price_hint/>
                    <TextField feedback=feedback.clone() name="compare_at" label="Was price (optional)" value=draft.compare_at.clone() maxlength=14 hint="Shown struck through when higher than the price."/>
                    <TextField feedback=feedback.clone() name="weight" label="Shipping weight in grams (optional)" value=draft.weight.clone() maxlength=8
                        hint="Packed weight. Weight-based shipping rates need it; without it only flat and order-value rates can price this product."/>
                    <div class="field">
                        <label for="tax_class">"Tax class"</label>
                        <select id="tax_class" name="tax_class" aria-describedby="tax_class-hint">
                            {crate::catalog::model::TaxClass::ALL.iter().map(|c| view! {
                                <option value=c.key() selected=chosen_tax_class == c.key()>{c.label()}</option>
                            }).collect_view()}
                        </select>
                        <p class="field__hint" id="tax_class-hint">"Which of the destination's rates applies (Admin → Taxes)."</p>
                    </div>
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
            {product_id.map(|id| view! {
                <super::variants::VariantsSection id options=options.clone() variants=variants.clone() images=images.clone()/>
            })}
            {(!images.is_empty()).then(|| view! {
                <section class="admin-section">
                    <h2>"Pictures"</h2>
                    <ul class="thumbs">{images.into_iter().map(|(url, alt)| view! {
                        <li><img src=url alt=alt.clone() width="120" height="90"/><span>{alt}</span></li>
                    }).collect_view()}</ul>
                </section>
            })}
            {product_id.map(|id| view! { <StockAndStatus id stock=draft.stock status=draft.status.clone() adjustments variants=if options.is_empty() { Vec::new() } else { variants }/> })}
        </AdminFrame>
    }
}

#[component]
fn StockAndStatus(
    id: i64,
    stock: i64,
    status: String,
    adjustments: Vec<super::model::StockAdjustment>,
    /// A product with options adjusts one variant at a time (empty for a simple product).
    variants: Vec<crate::catalog::variants::Variant>,
) -> impl IntoView {
    let stock_feedback = feedback_for("stock");
    let chosen_variant = typed_or(&stock_feedback, "variant", String::new());
    let variant_error = stock_feedback.as_ref().and_then(|f| f.error("variant"));
    let status_feedback = feedback_for("status");
    view! {
        <section class="admin-section admin-columns">
            <div class="panel">
                <h2>"Stock"</h2>
                <p class="stock-now">{format!("{stock} in stock")}</p>
                <FormAlert feedback=stock_feedback.clone() fields=&["delta", "reason", "variant"]/>
                <form method="post" action=format!("/admin/products/{id}/stock") class="stack">
                    {(!variants.is_empty()).then(|| view! {
                        <div class="field" class=("field--invalid", variant_error.is_some())>
                            <label for="stock-variant">"Variant"</label>
                            <select id="stock-variant" name="variant" required>
                                <option value="" selected=chosen_variant.is_empty()>"Choose a variant"</option>
                                {variants.iter().map(|v| view! {
                                    <option value=v.id.to_string() selected=chosen_variant == v.id.to_string()>
                                        {format!("{} ({} in stock)", v.title(), v.stock)}
                                    </option>
                                }).collect_view()}
                            </select>
                            {variant_error.clone().map(|m| view! { <p class="field__error">{m}</p> })}
                        </div>
                    })}
                    <TextField feedback=stock_feedback.clone() name="delta" label="Change by" kind="number" hint="Positive to add, negative to remove." id_prefix="stock-" maxlength=8/>
                    <TextField feedback=stock_feedback.clone() name="reason" label="Reason" maxlength=200 id_prefix="stock-"/>
                    <button class="btn btn--small" type="submit">"Adjust stock"</button>
                </form>
                {(!adjustments.is_empty()).then(|| view! {
                    <h3>"Recent adjustments"</h3>
                    <ul class="log">{adjustments.into_iter().map(|a| view! {
                        <li><strong>{format!("{:+}", a.delta)}</strong>" "
                        {(!a.variant.is_empty()).then(|| format!("{}: ", a.variant))}{a.reason}<br/>
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

/// The words a search widens: "a search for jug also finds pitcher".
#[component]
pub fn AdminSearchWordsPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading search words…"</p> }>
            {move || Suspend::new(async move {
                match load_search_synonyms().await {
                    Ok(pairs) => view! { <SearchWordsView pairs/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SearchWordsView(pairs: Vec<(String, String)>) -> impl IntoView {
    let feedback = feedback_for("synonym");
    let saved = match query("saved").as_str() {
        "added" => Some("Synonym added: searches use it at once."),
        "deleted" => Some("Synonym removed."),
        _ => None,
    };
    let count = pairs.len();
    let rows = pairs
        .into_iter()
        .map(|(word, means)| {
            let label = format!("Remove \u{201c}{word}\u{201d} finds \u{201c}{means}\u{201d}");
            view! {
                <tr>
                    <td>{word.clone()}</td>
                    <td>{means.clone()}</td>
                    <td>
                        <form method="post" action="/admin/search-words">
                            <input type="hidden" name="action" value="delete"/>
                            <input type="hidden" name="word" value=word/>
                            <input type="hidden" name="means" value=means/>
                            <button class="btn btn--small btn--ghost" type="submit" aria-label=label>"Remove"</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminFrame title="Search words" current="/admin/search-words">
            <SuccessAlert message=saved/>
            <section class="panel">
                <h2>"Add a synonym"</h2>
                <p class="field__hint">"Shoppers use their own words. A search for the first word also finds products described with the second (\u{201c}jug\u{201d} finds \u{201c}pitcher\u{201d}). One word each; add the reverse too if it should work both ways."</p>
                <FormAlert feedback=feedback.clone() fields=&["word", "means"]/>
                <form method="post" action="/admin/search-words" class="admin-inline-form">
                    <input type="hidden" name="action" value="add"/>
                    <TextField feedback=feedback.clone() name="word" label="A search for" required=true maxlength=40 id_prefix="synonym-"/>
                    <TextField feedback=feedback.clone() name="means" label="also finds" required=true maxlength=40 id_prefix="synonym-"/>
                    <button class="btn btn--primary" type="submit">"Add synonym"</button>
                </form>
            </section>
            <section class="admin-section">
                <h2>{format!("Synonyms ({count})")}</h2>
                {if count == 0 {
                    view! { <p class="empty-state">"No synonyms yet: searches find the words products are described with."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Synonyms">
                            <table class="admin-table">
                                <thead><tr><th scope="col">"A search for"</th><th scope="col">"also finds"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        </AdminFrame>
    }
}
