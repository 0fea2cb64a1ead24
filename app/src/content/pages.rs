//! The content hub's pages: `/learn` (filters as a GET form) and `/learn/{slug}`.

use super::api::{load_content, load_hub, search_everything};
use super::model::{ContentPiece, EverythingResults, Hub, Kind, Stage};
use crate::cards::{ContentGrid, ProductGrid};
use crate::catalog::pages::query_pairs;
use crate::seo::{absolute_url, breadcrumb_json_ld, JsonLd, PageMeta};
use crate::time::iso_date;
use crate::ui::{ErrorPage, Layout, Notices};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LearnHubPage() -> impl IntoView {
    let pairs = query_pairs();
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading guides…"</p> }>
                {move || {
                    let pairs = pairs.clone();
                    Suspend::new(async move {
                        match load_hub(pairs).await {
                            Ok(hub) => view! { <HubView hub/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn HubView(hub: Hub) -> impl IntoView {
    let Hub {
        me,
        filters,
        personas,
        items,
        total,
    } = hub;
    let query = filters.to_query();
    let canonical = if query.is_empty() {
        "/learn".to_string()
    } else {
        format!("/learn?{query}")
    };
    let stage_links = Stage::ALL
        .iter()
        .map(|stage| {
            let mut next = filters.clone();
            next.stage = if filters.stage == Some(*stage) { None } else { Some(*stage) };
            let q = next.to_query();
            let href = if q.is_empty() { "/learn".to_string() } else { format!("/learn?{q}") };
            let active = filters.stage == Some(*stage);
            view! {
                <li><a class="chip" class=("chip--active", active) aria-current=active.then_some("true") href=href>{stage.label()}</a></li>
            }
        })
        .collect_view();
    let count = match total {
        0 => "No guides match".to_string(),
        1 => "1 guide".to_string(),
        n => format!("{n} guides"),
    };
    view! {
        <PageMeta title="Learn before you buy" description="Guides, videos, white papers and e-books on espresso, grinders, brewing and office coffee — general first, product-specific when you are ready." canonical=canonical.clone()/>
        <section class="hub-hero">
            <div class="container">
                <p class="eyebrow">"Learn"</p>
                <h1>"Learn before you buy"</h1>
                <p class="lead">"Start with the basics, compare approaches, then choose with confidence. No sales pitch until you ask for one."</p>
                <ul class="chips" aria-label="Where are you in your search?">{stage_links}</ul>
                <crate::journey::pages::PersonaPicker personas=personas.clone() current=me back=canonical.clone()/>
            </div>
        </section>
        <div class="container hub">
            <form class="hub-filters" method="get" action="/learn" role="search" aria-label="Filter guides">
                <div class="field">
                    <label for="hub-q">"Topic"</label>
                    <input id="hub-q" type="search" name="q" value=filters.q.clone() maxlength="100" placeholder="e.g. grinder, descaling"/>
                </div>
                <div class="field">
                    <label for="hub-kind">"Type"</label>
                    <select id="hub-kind" name="kind">
                        <option value="">"All types"</option>
                        {Kind::ALL.iter().map(|k| view! { <option value=k.key() selected=filters.kind == Some(*k)>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="hub-stage">"Stage"</label>
                    <select id="hub-stage" name="stage">
                        <option value="">"Every stage"</option>
                        {Stage::ALL.iter().map(|s| view! { <option value=s.key() selected=filters.stage == Some(*s)>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="hub-persona">"Written for"</label>
                    <select id="hub-persona" name="persona">
                        <option value="">"Anyone"</option>
                        {personas.iter().map(|p| view! { <option value=p.slug.clone() selected=filters.persona.as_deref() == Some(p.slug.as_str())>{p.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="hub-sort">"Order"</label>
                    <select id="hub-sort" name="sort">
                        <option value="newest" selected=!filters.recommended>"Newest"</option>
                        <option value="recommended" selected=filters.recommended>"Recommended for you"</option>
                    </select>
                </div>
                <button class="btn btn--primary" type="submit">"Show guides"</button>
            </form>
            <Notices notices=filters.notices.clone()/>
            <p class="toolbar__count" id="hub-count">{count}</p>
            {if items.is_empty() {
                view! {
                    <div class="empty-state">
                        <h2>"Nothing here yet"</h2>
                        <p>"No guide matches these filters. Try another type or stage, or "<a href="/learn">"see every guide"</a>"."</p>
                    </div>
                }.into_any()
            } else {
                view! { <ContentGrid items/> }.into_any()
            }}
        </div>
    }
}

#[component]
pub fn ContentPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match load_content(slug).await {
                            Ok(piece) => view! { <PieceView piece/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

fn piece_json_ld(p: &ContentPiece) -> serde_json::Value {
    let mut ld = piece_json_ld_without_image(p);
    let cover = &p.card.cover_url;
    if !cover.is_empty() {
        let image = if cover.starts_with("https://") {
            cover.clone()
        } else {
            absolute_url(cover)
        };
        ld["image"] = serde_json::Value::String(image);
    }
    ld
}

fn piece_json_ld_without_image(p: &ContentPiece) -> serde_json::Value {
    let url = absolute_url(&format!("/learn/{}", p.card.slug));
    let published = iso_date(p.card.published_at);
    match p.card.kind {
        Kind::Video => serde_json::json!({
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": p.card.title,
            "description": p.card.summary,
            "uploadDate": published,
            "embedUrl": p.media_url,
            "duration": format!("PT{}M", p.card.minutes),
            "transcript": p.transcript,
            "thumbnailUrl": absolute_url("/favicon.svg"),
            "url": url,
        }),
        _ => serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": p.card.title,
            "description": p.card.summary,
            "datePublished": published,
            "dateModified": iso_date(p.updated_at),
            "author": { "@type": "Person", "name": p.author },
            "publisher": { "@type": "Organization", "name": "Storefront" },
            "mainEntityOfPage": url,
            "timeRequired": format!("PT{}M", p.card.minutes),
        }),
    }
}

#[component]
fn PieceView(piece: ContentPiece) -> impl IntoView {
    let canonical = format!("/learn/{}", piece.card.slug);
    let title = if piece.seo_title.is_empty() {
        piece.card.title.clone()
    } else {
        piece.seo_title.clone()
    };
    let description = if piece.seo_description.is_empty() {
        piece.card.summary.clone()
    } else {
        piece.seo_description.clone()
    };
    let crumbs = breadcrumb_json_ld(&[
        ("Learn".to_string(), "/learn".to_string()),
        (
            piece.card.stage.label().to_string(),
            format!("/learn?stage={}", piece.card.stage.key()),
        ),
        (piece.card.title.clone(), canonical.clone()),
    ]);
    let ld = piece_json_ld(&piece);
    let kind = piece.card.kind;
    let media = match kind {
        Kind::Video => view! {
            <div class="video">
                <iframe src=piece.media_url.clone() title=format!("Video: {}", piece.card.title) 
                    allow="encrypted-media; picture-in-picture" allowfullscreen=true referrerpolicy="strict-origin-when-cross-origin"></iframe>
            </div>
            <details class="transcript" open=false>
                <summary>"Read the transcript"</summary>
                <p>{piece.transcript.clone()}</p>
            </details>
        }.into_any(),
        Kind::Whitepaper | Kind::Ebook => view! {
            <p class="download">
                <a class="btn btn--primary" href=piece.media_url.clone() download="">{format!("Download the {}", kind.label().to_lowercase())}</a>
                <span class="download__note">"Free, no email required. The summary below covers the key points."</span>
            </p>
        }.into_any(),
        Kind::Infographic => view! {
            <figure class="infographic">
                <img src=piece.media_url.clone() alt=format!("Infographic: {}. A full description follows.", piece.card.title) width="800" height="1000"/>
                <figcaption>
                    <h2>"What the infographic shows"</h2>
                    <p>{piece.transcript.clone()}</p>
                </figcaption>
            </figure>
        }.into_any(),
        Kind::Article => ().into_any(),
    };
    let personas = piece
        .personas
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let products = piece.products.clone();
    let next = piece.next_steps.clone();
    let next_heading = if piece.card.stage == Stage::Decision {
        "Also useful before you choose"
    } else {
        "Your next step"
    };
    view! {
        <PageMeta title description canonical=canonical.clone() og_type="article"/>
        <JsonLd value=crumbs/>
        <JsonLd value=ld/>
        <article class="piece container">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/learn">"Learn"</a></li>
                    <li><a href=format!("/learn?stage={}", piece.card.stage.key())>{piece.card.stage.label()}</a></li>
                    <li aria-current="page">{piece.card.title.clone()}</li>
                </ol>
            </nav>
            <header class="piece__head">
                <p class="content-card__meta">
                    <span class=format!("kind kind--{}", kind.key())>{kind.label()}</span>
                    <span class="content-card__stage">{piece.card.stage.label()}</span>
                </p>
                <h1>{piece.card.title.clone()}</h1>
                <p class="lead">{piece.card.summary.clone()}</p>
                <crate::journey::pages::SaveToggle kind="content" slug=piece.card.slug.clone() saved=piece.saved back=canonical.clone()/>
                <p class="piece__byline">
                    {format!("By {} · {} · {}", piece.author, iso_date(piece.card.published_at), kind.time_label(piece.card.minutes))}
                    {(!personas.is_empty()).then(|| format!(" · For {personas}"))}
                </p>
            </header>
            {(!piece.card.cover_url.is_empty()).then(|| view! {
                <img class="piece__cover" src=piece.card.cover_url.clone() alt=piece.card.cover_alt.clone() width="1200" height="675"/>
            })}
            {media}
            <div class="prose piece__body" id="piece-body" inner_html=piece.body_html.clone()></div>
            <crate::journey::islands::ReadTracker slug=piece.card.slug.clone()/>
            {(!products.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="piece-products">
                    <h2 id="piece-products">"Products in this guide"</h2>
                    <ProductGrid products back=canonical.clone()/>
                </section>
            })}
            {(!next.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="piece-next">
                    <h2 id="piece-next">{next_heading}</h2>
                    <ContentGrid items=next/>
                </section>
            })}
        </article>
    }
}

/// GET /search?q=: products and guides together, each labelled, each with a way to all.
#[component]
pub fn SearchEverythingPage() -> impl IntoView {
    let q = query_pairs()
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let typed = q.clone();
    view! {
        <Layout search=typed>
            <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {move || {
                    let q = q.clone();
                    Suspend::new(async move {
                        match search_everything(q).await {
                            Ok(results) => view! { <EverythingView results/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn EverythingView(results: EverythingResults) -> impl IntoView {
    let EverythingResults {
        q,
        products,
        product_total,
        guides,
        guide_total,
    } = results;
    let encoded = crate::forms::url_encode(&q);
    let canonical = format!("/search?q={encoded}");
    let heading = if q.is_empty() {
        "Search the store".to_string()
    } else {
        format!("Results for \u{201c}{q}\u{201d}")
    };
    let nothing = product_total == 0 && guide_total == 0;
    view! {
        <PageMeta title=heading.clone() description="Products and guides that match your search." canonical noindex=true/>
        <section class="container everything">
            <h1>{heading}</h1>
            {(q.is_empty()).then(|| view! { <p class="lead">"Type what you are looking for in the search box above: a product, a brand, or a question like \"flat or conical burrs\"."</p> })}
            {(nothing && !q.is_empty()).then(|| view! {
                <div class="empty-state">
                    <h2>"Nothing matches yet"</h2>
                    <p>"Try fewer or different words, browse "<a href="/products">"all products"</a>" or "<a href="/learn">"all guides"</a>"."</p>
                </div>
            })}
            {(product_total > 0).then(|| view! {
                <section class="section" aria-labelledby="found-products">
                    <div class="section__head">
                        <h2 id="found-products">{format!("Products ({product_total})")}</h2>
                        <a class="section__more" href=format!("/products?q={encoded}")>"All matching products, with filters"</a>
                    </div>
                    <ProductGrid products back=format!("/search?q={encoded}")/>
                </section>
            })}
            {(guide_total > 0).then(|| view! {
                <section class="section" aria-labelledby="found-guides">
                    <div class="section__head">
                        <h2 id="found-guides">{format!("Guides ({guide_total})")}</h2>
                        <a class="section__more" href=format!("/learn?q={encoded}")>"All matching guides"</a>
                    </div>
                    <ContentGrid items=guides/>
                </section>
            })}
        </section>
    }
}
