//! The catalogue's pages: home, search and filter, category, product and comparison.
//! Rendered on the server in full (no JavaScript needed); islands add interactivity.

use super::api::{load_comparison, load_home, load_product, search_catalog};
use super::compare::CompareTable;
use super::model::{
    page_count, stock_state, Category, HomeData, ProductDetail, SearchParams, SearchResults, Sort,
    StockState, MAX_TEXT_MATCHES,
};
use crate::cards::{Breadcrumbs, ProductGrid, StockBadge};
use crate::money::minor_to_plain;
use crate::seo::{absolute_url, breadcrumb_json_ld, JsonLd, PageMeta};
use crate::ui::compare_tray::{current_tray, parse_compare_slugs, MAX_COMPARE, MIN_COMPARE};
use crate::ui::{CompareToggle, ErrorPage, Layout, Notices, Price, SearchBox};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The query pairs of the current URL, in order (repeated keys kept).
pub(crate) fn query_pairs() -> Vec<(String, String)> {
    let query = use_query_map().get_untracked();
    (&query)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading the store…"</p> }>
                {move || Suspend::new(async move {
                    match load_home().await {
                        Ok(data) => view! { <HomeView data/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn HomeView(data: HomeData) -> impl IntoView {
    let HomeData {
        featured,
        categories,
        newest,
        personas,
        me,
    } = data;
    let hero = featured.first().cloned();
    view! {
        <PageMeta
            title=crate::seo::STORE_NAME
            description="Espresso machines, grinders, brewers and beans with honest specs, side-by-side comparisons and real people to ask."
            canonical="/"
        />
        <section class="hero">
            <div class="container hero__inner">
                <div class="hero__text">
                    <p class="eyebrow">"Coffee equipment, explained"</p>
                    <h1>"Research it properly. Buy when you're ready."</h1>
                    <p class="lead">
                        "Honest specifications, side-by-side comparisons and guides for home baristas, café owners and office managers."
                    </p>
                    <SearchBox initial=String::new() input_id="hero-search".to_string() action="/products".to_string()/>
                    <p class="hero__hint">
                        "Try " <a href="/products?q=dual+boiler">"dual boiler"</a> ", "
                        <a href="/products?q=flat+burr">"flat burr"</a> " or "
                        <a href="/products?q=office">"office"</a>
                    </p>
                    {(!personas.is_empty()).then(|| view! {
                        <crate::journey::pages::PersonaPicker personas current=me back="/learn?sort=recommended"/>
                    })}
                </div>
                {hero.map(|p| view! {
                    <figure class="hero__figure">
                        <a href=format!("/products/{}", p.slug) tabindex="-1">
                            <img src=p.image_url.clone() alt=p.image_alt.clone() width="400" height="300"/>
                        </a>
                        <figcaption>"Staff pick: " {p.name.clone()}</figcaption>
                    </figure>
                })}
            </div>
        </section>
        <div class="container">
            <section class="section" aria-labelledby="categories-heading">
                <div class="section__head">
                    <h2 id="categories-heading">"Shop by category"</h2>
                    <a href="/products" class="section__more">"All products →"</a>
                </div>
                <CategoryTiles categories/>
            </section>
            <section class="section" aria-labelledby="featured-heading">
                <div class="section__head">
                    <h2 id="featured-heading">"Staff picks"</h2>
                </div>
                <ProductGrid products=featured back="/".to_string() three_columns=true/>
            </section>
            <section class="section promise" aria-label="Why buy here">
                <div class="promise__item">
                    <h3>"Specs you can compare"</h3>
                    <p>"Every product lists measured specifications in the same units, so the comparison table lines up."</p>
                </div>
                <div class="promise__item">
                    <h3>"No pushy sales"</h3>
                    <p>"Research at your own pace. When you want a person, they'll already know what you looked at."</p>
                </div>
                <div class="promise__item">
                    <h3>"Straight prices"</h3>
                    <p>"The price you see is the price you pay; sales show the real previous price."</p>
                </div>
            </section>
            <section class="section" aria-labelledby="new-heading">
                <div class="section__head">
                    <h2 id="new-heading">"New in the store"</h2>
                    <a href="/products?sort=newest" class="section__more">"See what's new →"</a>
                </div>
                <ProductGrid products=newest back="/".to_string()/>
            </section>
        </div>
    }
}

#[component]
fn CategoryTiles(categories: Vec<Category>) -> impl IntoView {
    view! {
        <ul class="tiles">
            {categories
                .into_iter()
                .map(|c| {
                    view! {
                        <li>
                            <a class="tile" href=format!("/categories/{}", c.slug)>
                                <img class="tile__icon" src=format!("/media/category/{}.svg", c.slug) alt="" width="72" height="72"/>
                                <span class="tile__name">{c.name}</span>
                                <span class="tile__count">{format!("{} products", c.product_count)}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// GET /products: search, filters, sort and pagination, all plain links and GET forms.
#[component]
pub fn ProductsPage() -> impl IntoView {
    let pairs = query_pairs();
    let typed: String = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.chars().take(256).collect())
        .unwrap_or_default();
    view! {
        <Layout search=typed>
            <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {move || {
                    let pairs = pairs.clone();
                    Suspend::new(async move {
                        match search_catalog(pairs, None).await {
                            Ok(results) => view! { <ResultsView results base="/products".to_string()/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

/// GET /categories/{slug}: the same search, scoped to a category and its descendants.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let pairs = query_pairs();
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let pairs = pairs.clone();
                    let slug = slug.clone();
                    Suspend::new(async move {
                        let base = format!("/categories/{slug}");
                        match search_catalog(pairs, Some(slug)).await {
                            Ok(results) => view! { <ResultsView results base/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn ResultsView(results: SearchResults, base: String) -> impl IntoView {
    let params = results.params.clone();
    let canonical = params.url(&base);
    let (title, heading, description) = match &results.category {
        Some(c) => (
            c.name.clone(),
            c.name.clone(),
            if c.description.is_empty() {
                format!("{} at Storefront", c.name)
            } else {
                c.description.clone()
            },
        ),
        None if !params.q.is_empty() => (
            format!("Search: {}", params.q),
            format!("Results for “{}”", params.q),
            format!("Products matching “{}”.", params.q),
        ),
        None => (
            "All products".to_string(),
            "All products".to_string(),
            "Every espresso machine, grinder, brewer, tool and coffee we sell, with honest specs."
                .to_string(),
        ),
    };
    let breadcrumb_ld = results.category.as_ref().map(|c| {
        let items: Vec<(String, String)> =
            std::iter::once(("Products".to_string(), "/products".to_string()))
                .chain(
                    c.breadcrumbs
                        .iter()
                        .map(|b| (b.name.clone(), format!("/categories/{}", b.slug))),
                )
                .collect();
        breadcrumb_json_ld(&items)
    });
    let total = results.total;
    let count_text = match total {
        _ if results.capped && total >= MAX_TEXT_MATCHES => format!("Best {total} products"),
        0 => "No products".to_string(),
        1 => "1 product".to_string(),
        n => format!("{n} products"),
    };
    let back = params.url(&base);
    let SearchResults {
        products,
        notices,
        category,
        ..
    } = results.clone();
    let noindex = params.has_filters() || !params.q.is_empty();
    view! {
        <PageMeta title description canonical noindex/>
        {breadcrumb_ld.map(|value| view! { <JsonLd value/> })}
        <div class="container listing">
            {category.as_ref().map(|c| view! { <Breadcrumbs trail=c.breadcrumbs[..c.breadcrumbs.len().saturating_sub(1)].to_vec() current=c.name.clone()/> })}
            <header class="listing__head">
                <h1>{heading}</h1>
                {category.as_ref().filter(|c| !c.description.is_empty()).map(|c| view! { <p class="lead">{c.description.clone()}</p> })}
                {category.as_ref().filter(|c| !c.children.is_empty()).map(|c| view! {
                    <ul class="chips" aria-label="Subcategories">
                        {c.children.iter().map(|child| view! {
                            <li><a class="chip" href=format!("/categories/{}", child.slug)>{child.name.clone()}</a></li>
                        }).collect_view()}
                    </ul>
                })}
            </header>
            <Notices notices/>
            <div class="listing__body">
                <FiltersPanel results=results.clone() base=base.clone()/>
                <section class="listing__results" aria-labelledby="results-count">
                    // Headings go down one level at a time: the cards' titles are h3.
                    <h2 class="visually-hidden">"Products"</h2>
                    <div class="toolbar">
                        <p id="results-count" class="toolbar__count" role="status">{count_text}</p>
                        <SortForm params=params.clone() base=base.clone()/>
                    </div>
                    {if products.is_empty() {
                        view! { <EmptyResults params=params.clone() base=base.clone()/> }.into_any()
                    } else {
                        view! { <ProductGrid products back=back/> }.into_any()
                    }}
                    <Pagination params=params.clone() total base=base.clone()/>
                </section>
            </div>
        </div>
    }
}

#[component]
fn EmptyResults(params: SearchParams, base: String) -> impl IntoView {
    let cleared = SearchParams {
        q: params.q.clone(),
        page: 1,
        ..Default::default()
    };
    view! {
        <div class="empty-state">
            <h2>"Nothing matches that yet"</h2>
            {if params.has_filters() {
                view! {
                    <p>"Your filters rule out every product. "
                        <a href=cleared.url(&base)>"Clear the filters"</a> " to see more."</p>
                }.into_any()
            } else if !params.q.is_empty() {
                view! {
                    <p>"Check the spelling, use fewer words, or "
                        <a href="/products">"browse all products"</a> "."</p>
                }.into_any()
            } else {
                view! { <p>"There's nothing here at the moment. " <a href="/products">"Browse all products"</a> "."</p> }.into_any()
            }}
        </div>
    }
}

#[component]
fn SortForm(params: SearchParams, base: String) -> impl IntoView {
    // Keep every other parameter as hidden fields so sorting never loses filters.
    let hidden: Vec<(String, String)> = {
        let without_sort = SearchParams {
            sort: Sort::Relevance,
            page: 1,
            ..params.clone()
        };
        let query = without_sort.to_query();
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), url_decode(v)))
            .collect()
    };
    let current = params.sort;
    view! {
        <form class="sort-form" method="get" action=base>
            {hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
            <label for="sort">"Sort by"</label>
            <select id="sort" name="sort">
                {Sort::ALL.iter().map(|s| view! {
                    <option value=s.key() selected=*s == current>{s.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="btn btn--small">"Apply"</button>
        </form>
    }
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[component]
fn FiltersPanel(results: SearchResults, base: String) -> impl IntoView {
    let params = results.params.clone();
    let facets = results.facets;
    let on_category_page = results.category.is_some();
    let category_links = facets.categories.iter().map(|f| {
        let href = if on_category_page {
            // Narrowing to a subcategory: go to its own page, keeping the other filters.
            SearchParams { category: None, page: 1, ..params.clone() }.url(&format!("/categories/{}", f.value))
        } else {
            let selected = params.category.as_deref() == Some(f.value.as_str());
            SearchParams { category: (!selected).then(|| f.value.clone()), page: 1, ..params.clone() }.url(&base)
        };
        let selected = params.category.as_deref() == Some(f.value.as_str());
        view! {
            <li><a href=href class="facet" class:is-selected=selected aria-current=selected.then_some("true")>
                <span>{f.label.clone()}</span><span class="facet__count">{f.count}</span>
            </a></li>
        }
    }).collect_view();
    let price_links = facets
        .price_ranges
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| {
            let selected = params.min_price == r.min && params.max_price == r.max.map(|m| m - 1);
            let next = if selected {
                SearchParams {
                    min_price: None,
                    max_price: None,
                    page: 1,
                    ..params.clone()
                }
            } else {
                SearchParams {
                    min_price: r.min,
                    max_price: r.max.map(|m| m - 1),
                    page: 1,
                    ..params.clone()
                }
            };
            view! {
                <li><a href=next.url(&base) class="facet" class:is-selected=selected>
                    <span>{r.label.clone()}</span><span class="facet__count">{r.count}</span>
                </a></li>
            }
        })
        .collect_view();
    let stock_href = SearchParams {
        in_stock: !params.in_stock,
        page: 1,
        ..params.clone()
    }
    .url(&base);
    let spec_groups = facets.specs.iter().map(|facet| {
        let values = facet.values.iter().map(|v| {
            let selected = params.has_spec(&facet.name, &v.value);
            view! {
                <li><a href=params.toggle_spec(&facet.name, &v.value).url(&base) class="facet facet--check" class:is-selected=selected aria-current=selected.then_some("true")>
                    <span class="facet__box" aria-hidden="true"></span>
                    <span>{v.label.clone()}</span><span class="facet__count">{v.count}</span>
                </a></li>
            }
        }).collect_view();
        view! {
            <div class="filter-group">
                <h3>{facet.name.clone()}</h3>
                <ul>{values}</ul>
            </div>
        }
    }).collect_view();
    let clear_href = SearchParams {
        q: params.q.clone(),
        sort: params.sort,
        page: 1,
        ..Default::default()
    }
    .url(&base);
    let hidden_q = params.q.clone();
    view! {
        <aside class="filters" aria-label="Filters" tabindex="0">
            <h2 class="visually-hidden">"Filters"</h2>
            <details class="filters__details">
                <summary>"Filters"</summary>
                {params.has_filters().then(|| view! { <a class="filters__clear" href=clear_href>"Clear all filters"</a> })}
                {(!facets.categories.is_empty()).then(|| view! {
                    <div class="filter-group">
                        <h3>"Category"</h3>
                        <ul>{category_links}</ul>
                    </div>
                })}
                <div class="filter-group">
                    <h3>"Price"</h3>
                    <ul>{price_links}</ul>
                    <form class="price-form" method="get" action=base.clone()>
                        {(!hidden_q.is_empty()).then(|| view! { <input type="hidden" name="q" value=hidden_q.clone()/> })}
                        {params.category.clone().map(|c| view! { <input type="hidden" name="category" value=c/> })}
                        {params.in_stock.then(|| view! { <input type="hidden" name="stock" value="1"/> })}
                        {params.specs.iter().map(|(n, v)| view! { <input type="hidden" name="spec" value=format!("{n}:{v}")/> }).collect_view()}
                        <div class="price-form__fields">
                            <label>"Min $" <input type="number" name="min" min="0" step="1" inputmode="numeric" value=params.min_price.map(minor_to_plain).unwrap_or_default()/></label>
                            <label>"Max $" <input type="number" name="max" min="0" step="1" inputmode="numeric" value=params.max_price.map(minor_to_plain).unwrap_or_default()/></label>
                        </div>
                        <button class="btn btn--small" type="submit">"Apply price"</button>
                    </form>
                </div>
                <div class="filter-group">
                    <h3>"Availability"</h3>
                    <ul>
                        <li><a href=stock_href class="facet facet--check" class:is-selected=params.in_stock aria-current=params.in_stock.then_some("true")>
                            <span class="facet__box" aria-hidden="true"></span>
                            <span>"In stock only"</span><span class="facet__count">{facets.in_stock}</span>
                        </a></li>
                    </ul>
                </div>
                {spec_groups}
            </details>
        </aside>
    }
}

#[component]
fn Pagination(params: SearchParams, total: i64, base: String) -> impl IntoView {
    let pages = page_count(total);
    let current = params.page;
    (pages > 1).then(|| {
        let window: Vec<i64> = (1..=pages)
            .filter(|p| *p == 1 || *p == pages || (*p - current).abs() <= 2)
            .collect();
        let mut items = Vec::new();
        let mut last = 0;
        for p in window {
            if p - last > 1 {
                items.push(view! { <li class="pagination__gap" aria-hidden="true">"…"</li> }.into_any());
            }
            let href = params.with_page(p).url(&base);
            items.push(if p == current {
                view! { <li><a href=href aria-current="page" class="is-current">{p}</a></li> }.into_any()
            } else {
                view! { <li><a href=href>{p}</a></li> }.into_any()
            });
            last = p;
        }
        view! {
            <nav class="pagination" aria-label="Pages">
                <ul>
                    {(current > 1).then(|| view! { <li><a rel="prev" href=params.with_page(current - 1).url(&base)>"← Previous"</a></li> })}
                    {items}
                    {(current < pages).then(|| view! { <li><a rel="next" href=params.with_page(current + 1).url(&base)>"Next →"</a></li> })}
                </ul>
            </nav>
        }
    })
}

/// GET /products/{slug}
#[component]
pub fn ProductPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let query = use_query_map().get_untracked();
    let variant = query.get("variant").unwrap_or_default();
    let picked: Vec<String> = (1..=crate::catalog::variants::MAX_OPTIONS)
        .map(|n| query.get(&format!("option{n}")).unwrap_or_default())
        .collect();
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading product…"</p> }>
                {move || {
                    let slug = slug.clone();
                    let variant = variant.clone();
                    let picked = picked.clone();
                    Suspend::new(async move {
                        match load_product(slug, variant, picked).await {
                            Ok(product) => view! { <ProductView product/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

fn availability(stock: i64) -> &'static str {
    match stock_state(stock) {
        StockState::OutOfStock => "https://schema.org/OutOfStock",
        _ => "https://schema.org/InStock",
    }
}

/// Schema.org for the product: a `Product` with one `Offer`, or for a product with options
/// a `ProductGroup` whose `hasVariant` lists each variant with its own SKU and `Offer`.
fn product_json_ld(p: &ProductDetail) -> serde_json::Value {
    let url = absolute_url(&format!("/products/{}", p.slug));
    let images: Vec<String> = p.images.iter().map(|i| absolute_url(&i.url)).collect();
    let properties: Vec<serde_json::Value> = p
        .specs
        .iter()
        .map(|s| {
            serde_json::json!({
                "@type": "PropertyValue", "name": s.name, "value": s.value, "unitText": s.unit,
            })
        })
        .collect();
    let category = p.breadcrumbs.last().map(|c| c.name.clone());
    if p.options.is_empty() {
        return serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Product",
            "name": p.name,
            "description": p.summary,
            "sku": p.sku,
            "url": url,
            "image": images,
            "category": category,
            "additionalProperty": properties,
            "offers": {
                "@type": "Offer",
                "url": url,
                "price": p.price.decimal(),
                "priceCurrency": p.price.currency.code(),
                "availability": availability(p.stock),
                "itemCondition": "https://schema.org/NewCondition",
            }
        });
    }
    let variants: Vec<serde_json::Value> = p
        .variants
        .iter()
        .map(|v| {
            let variant_url = format!("{url}?variant={}", v.id);
            serde_json::json!({
                "@type": "Product",
                "name": super::variants::name_with_variant(&p.name, &v.title()),
                "sku": v.sku,
                "url": variant_url,
                "image": if v.image_url.is_empty() { images.first().cloned() } else { Some(absolute_url(&v.image_url)) },
                "additionalProperty": p.options.iter().zip(&v.values).map(|(o, value)| serde_json::json!({
                    "@type": "PropertyValue", "name": o.name, "value": value,
                })).collect::<Vec<_>>(),
                "offers": {
                    "@type": "Offer",
                    "url": variant_url,
                    "price": v.price.decimal(),
                    "priceCurrency": v.price.currency.code(),
                    "availability": availability(v.stock),
                    "itemCondition": "https://schema.org/NewCondition",
                }
            })
        })
        .collect();
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ProductGroup",
        "name": p.name,
        "description": p.summary,
        "productGroupID": p.sku,
        "url": url,
        "image": images,
        "category": category,
        "additionalProperty": properties,
        "variesBy": p.options.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
        "hasVariant": variants,
    })
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let p = product;
    let in_tray = current_tray().contains(&p.slug);
    let path = format!("/products/{}", p.slug);
    let mut crumbs: Vec<(String, String)> = vec![("Products".into(), "/products".into())];
    crumbs.extend(
        p.breadcrumbs
            .iter()
            .map(|c| (c.name.clone(), format!("/categories/{}", c.slug))),
    );
    crumbs.push((p.name.clone(), path.clone()));
    let main_image = p.images.first().cloned();
    let product_src = main_image
        .as_ref()
        .map(|i| i.url.clone())
        .unwrap_or_default();
    // A variant with its own picture shows it first.
    let shown_src = p
        .selected_variant
        .and_then(|id| p.variants.iter().find(|v| v.id == id))
        .map(|v| v.image_url.clone())
        .filter(|src| !src.is_empty())
        .unwrap_or_else(|| product_src.clone());
    let related = p.related.clone();
    let learn = p.learn.clone();
    view! {
        <PageMeta
            title=p.name.clone()
            description=p.summary.clone()
            canonical=path.clone()
            image=main_image.as_ref().map(|i| i.url.clone()).unwrap_or_default()
            og_type="product"
        />
        <JsonLd value=product_json_ld(&p)/>
        <JsonLd value=breadcrumb_json_ld(&crumbs)/>
        <div class="container product">
            <Breadcrumbs trail=p.breadcrumbs.clone() current=p.name.clone()/>
            <div class="product__top">
                <div class="gallery">
                    {main_image.map(|img| view! {
                        <figure class="gallery__main">
                            <img src=shown_src alt=img.alt data-product-src=product_src width="800" height="600"/>
                        </figure>
                    })}
                    {(p.images.len() > 1).then(|| view! {
                        <ul class="gallery__thumbs">
                            {p.images.iter().skip(1).map(|img| view! {
                                <li><img src=img.url.clone() alt=img.alt.clone() width="200" height="150" loading="lazy"/></li>
                            }).collect_view()}
                        </ul>
                    })}
                </div>
                <div class="product__buy">
                    <p class="eyebrow">{p.breadcrumbs.last().map(|c| c.name.clone())}</p>
                    <h1>{p.name.clone()}</h1>
                    <p class="lead">{p.summary.clone()}</p>
                    {if p.options.is_empty() {
                        view! {
                            <div class="product__price">
                                <Price price=p.price compare_at=p.compare_at/>
                                <StockBadge stock=p.stock/>
                            </div>
                            <p class="product__sku">"SKU " {p.sku.clone()}</p>
                            <crate::cards::AddToCart slug=p.slug.clone() stock=p.stock back=path.clone()/>
                        }.into_any()
                    } else {
                        let feedback = crate::forms::feedback_for(&format!("cart-add-{}", p.slug));
                        let error = feedback.as_ref().and_then(|f| f.error("quantity"));
                        let quantity = crate::forms::typed_or(&feedback, "quantity", "1");
                        view! {
                            <super::islands::VariantPicker
                                slug=p.slug.clone()
                                options=p.options.clone()
                                variants=p.variants.clone()
                                chosen=p.chosen.clone()
                                back=path.clone()
                                error=error
                                quantity=quantity
                            />
                        }.into_any()
                    }}
                    <div class="product__actions">
                        <CompareToggle slug=p.slug.clone() name=p.name.clone() selected=in_tray back=path.clone()/>
                        <crate::journey::pages::SaveToggle kind="product" slug=p.slug.clone() saved=p.saved back=path.clone()/>
                    </div>
                    <p class="product__ask">
                        <a href=crate::ui::ask_link(&path, Some(&p.slug))>"Ask about this product"</a>
                        " — a person who knows it answers, usually within the hour."
                    </p>
                    <ul class="assurances">
                        <li>"Specs measured, not marketing"</li>
                        <li>"Compare up to " {MAX_COMPARE} " products side by side"</li>
                    </ul>
                </div>
            </div>
            <div class="product__details">
                <section class="prose" aria-labelledby="about-heading">
                    <h2 id="about-heading">"About this product"</h2>
                    <div inner_html=p.description_html.clone()></div>
                </section>
                <section aria-labelledby="specs-heading">
                    <h2 id="specs-heading">"Specifications"</h2>
                    {if p.specs.is_empty() {
                        view! { <p>"No specifications listed yet."</p> }.into_any()
                    } else {
                        view! {
                            <table class="specs">
                                <tbody>
                                    {p.specs.iter().map(|s| view! {
                                        <tr><th scope="row">{s.name.clone()}</th><td>{s.display()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                </section>
            </div>
            {(!learn.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="learn-heading">
                    <div class="section__head">
                        <h2 id="learn-heading">"Learn before you buy"</h2>
                        <a class="section__more" href="/learn">"All guides"</a>
                    </div>
                    <crate::cards::ContentGrid items=learn/>
                </section>
            })}
            {(!related.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="related-heading">
                    <h2 id="related-heading">"Often compared with"</h2>
                    <ProductGrid products=related back=path.clone()/>
                </section>
            })}
        </div>
    }
}

/// GET /compare?products=a,b,c — without the parameter, the visitor's tray.
#[component]
pub fn ComparePage() -> impl IntoView {
    let pairs = query_pairs();
    let asked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "products")
        .map(|(_, v)| v.clone())
        .collect();
    let (slugs, over) = if asked.is_empty() {
        (current_tray(), false)
    } else {
        parse_compare_slugs(asked.iter().map(String::as_str))
    };
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading comparison…"</p> }>
                {move || {
                    let slugs = slugs.clone();
                    Suspend::new(async move {
                        match load_comparison(slugs).await {
                            Ok(table) => view! { <CompareView table over/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn CompareView(table: CompareTable, over: bool) -> impl IntoView {
    let canonical = if table.products.is_empty() {
        "/compare".to_string()
    } else {
        format!(
            "/compare?products={}",
            table
                .products
                .iter()
                .map(|p| p.slug.clone())
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let mut notices = Vec::new();
    if over {
        notices.push(format!(
            "You can compare up to {MAX_COMPARE} products; we kept the first {MAX_COMPARE}."
        ));
    }
    if !table.missing.is_empty() {
        notices.push(format!(
            "{} product(s) you picked are no longer available.",
            table.missing.len()
        ));
    }
    let enough = table.products.len() >= MIN_COMPARE;
    let count = table.products.len();
    view! {
        <PageMeta title="Compare products" description="Compare specifications side by side." canonical noindex=true/>
        <div class="container compare">
            <header class="listing__head">
                <h1>"Compare products"</h1>
                <p class="lead">"Specifications line up by name and unit; rows where the products differ are highlighted."</p>
            </header>
            <Notices notices/>
            {if !enough {
                view! {
                    <div class="empty-state">
                        <h2>{if count == 0 { "Nothing to compare yet".to_string() } else { "Pick one more product".to_string() }}</h2>
                        <p>"Use “+ Compare” on any product to add it here. You can compare " {MIN_COMPARE} " to " {MAX_COMPARE} " products."</p>
                        <a class="btn btn--primary" href="/products">"Browse products"</a>
                    </div>
                }.into_any()
            } else {
                view! { <CompareTableView table/> }.into_any()
            }}
        </div>
    }
}

#[component]
fn CompareTableView(table: CompareTable) -> impl IntoView {
    let differing = table.rows.iter().filter(|r| r.differs).count();
    view! {
        <p class="compare__summary">{format!("{} of {} specifications differ.", differing, table.rows.len())}</p>
        <div class="compare__scroll" tabindex="0" role="region" aria-label="Comparison table, scrolls sideways">
            <table class="compare__table">
                <caption class="visually-hidden">"Side-by-side specifications"</caption>
                <thead>
                    <tr>
                        <td></td>
                        {table.products.iter().map(|p| view! {
                            <th scope="col">
                                <a href=format!("/products/{}", p.slug) class="compare__product">
                                    <img src=p.image_url.clone() alt="" width="160" height="120"/>
                                    <span>{p.name.clone()}</span>
                                </a>
                                <crate::cards::PriceOrRange price=p.price compare_at=p.compare_at price_to=p.price_to/>
                                <StockBadge stock=p.stock/>
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {table.rows.iter().map(|row| {
                        let label = match &row.unit { Some(u) => format!("{} ({u})", row.name), None => row.name.clone() };
                        view! {
                            <tr class:differs=row.differs data-differs=row.differs.to_string()>
                                <th scope="row">{label}{row.differs.then(|| view! { <span class="visually-hidden">" (differs)"</span> })}</th>
                                {row.values.iter().map(|v| view! {
                                    <td>{v.clone().unwrap_or_else(|| "—".into())}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
