//! "My research" and the small journey controls other pages embed: the "I'm a …" picker
//! and the "Save for later" button (both plain forms).

use super::api::load_my_research;
use super::model::{stage_in_words, PersonaGuess, Research};
use crate::cards::model::Persona;
use crate::seo::PageMeta;
use crate::ui::form::SuccessAlert;
use crate::ui::query_param;
use crate::ui::{ErrorPage, Layout};
use leptos::prelude::*;

/// "I'm a …": tells the store who is browsing, so guides can be ordered for them.
#[component]
pub fn PersonaPicker(
    personas: Vec<Persona>,
    current: Option<PersonaGuess>,
    #[prop(into)] back: String,
) -> impl IntoView {
    let chosen = current
        .as_ref()
        .filter(|g| g.chosen)
        .map(|g| g.slug.clone());
    let inferred = current
        .as_ref()
        .filter(|g| !g.chosen)
        .map(|g| g.name.clone());
    view! {
        <form class="persona-picker" method="post" action="/journey/persona">
            <input type="hidden" name="back" value=back/>
            <label for="persona-choice">"I'm a…"</label>
            <select id="persona-choice" name="persona">
                <option value="">"Just browsing"</option>
                {personas.into_iter().map(|p| {
                    let selected = chosen.as_deref() == Some(p.slug.as_str());
                    view! { <option value=p.slug.clone() selected=selected>{p.name.clone()}</option> }
                }).collect_view()}
            </select>
            <button class="btn btn--small" type="submit">"Show me guides for this"</button>
            {inferred.map(|name| view! { <p class="persona-picker__hint">{format!("From what you've read, we guess: {name}. Pick to confirm or change.")}</p> })}
        </form>
    }
}

/// "Save for later" / "Saved ✓": a toggle that posts and comes back.
#[component]
pub fn SaveToggle(
    kind: &'static str,
    #[prop(into)] slug: String,
    saved: bool,
    #[prop(into)] back: String,
) -> impl IntoView {
    view! {
        <form class="save-toggle" method="post" action="/journey/save">
            <input type="hidden" name="kind" value=kind/>
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="back" value=back/>
            <button class="btn btn--ghost btn--small" type="submit" aria-pressed=if saved { "true" } else { "false" }>
                {if saved { "Saved ✓ (remove)" } else { "Save for later" }}
            </button>
        </form>
    }
}

#[component]
pub fn MyResearchPage() -> impl IntoView {
    let cleared = (query_param("cleared") == "1")
        .then_some("Done: we forgot everything about your research on this device.");
    view! {
        <Layout>
            <Suspense fallback=|| view! { <p class="loading">"Loading your research…"</p> }>
                {move || Suspend::new(async move {
                    match load_my_research().await {
                        Ok(research) => view! { <ResearchView research cleared/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn ResearchView(research: Research, cleared: Option<&'static str>) -> impl IntoView {
    let persona_text = match &research.persona {
        Some(p) if p.chosen => format!("You told us you're {}.", p.name.to_lowercase().trim_start_matches("the ")),
        Some(p) => format!("From what you've read, you might be {}. You can pick who you are on the guides page.", p.name.to_lowercase().trim_start_matches("the ")),
        None => "We don't know who you are shopping as, and that's fine. You can tell us on the guides page.".to_string(),
    };
    let nothing = research.event_count == 0 && research.saved.is_empty();
    view! {
        <PageMeta title="My research" description="What you looked at, compared and saved, in one place." canonical="/my-research" noindex=true/>
        <section class="research container">
            <p class="eyebrow">"Private to you"</p>
            <h1>"My research"</h1>
            <SuccessAlert message=cleared/>
            {(!research.tracking_allowed).then(|| view! {
                <div class="notice" role="status">
                    "Your browser asks sites not to track you (Do Not Track or Global Privacy Control), so we record nothing of your browsing. Only what you choose to save is kept."
                </div>
            })}
            <div class="research__summary panel">
                <h2>"Where you are"</h2>
                <p>{stage_in_words(research.stage)}</p>
                <p>{persona_text}</p>
                <p class="field__hint">"We keep this on our own server under a random id in a cookie; no other company sees it. Signing in links it to your account."</p>
            </div>
            {nothing.then(|| view! {
                <div class="empty-state">
                    <h2>"Nothing yet"</h2>
                    <p>"As you read guides, look at products and compare them, they'll be listed here so you can pick up where you left off."</p>
                    <p><a class="btn btn--primary" href="/learn">"Start with the guides"</a></p>
                </div>
            })}
            {(!research.saved.is_empty()).then(|| view! {
                <section class="section"><h2>"Saved for later"</h2>
                    <ul class="research__list">{research.saved.iter().map(|s| {
                        let href = if s.kind == "product" { format!("/products/{}", s.slug) } else { format!("/learn/{}", s.slug) };
                        view! { <li><a href=href>{s.title.clone()}</a>" "<span class="kind">{if s.kind == "product" { "Product" } else { "Guide" }}</span></li> }
                    }).collect_view()}</ul>
                </section>
            })}
            {(!research.products.is_empty()).then(|| view! {
                <section class="section"><h2>"Products you looked at"</h2>
                    <ul class="research__list">{research.products.iter().map(|(slug, name, n)| view! {
                        <li><a href=format!("/products/{slug}")>{name.clone()}</a>{(*n > 1).then(|| format!(" · viewed {n} times"))}</li>
                    }).collect_view()}</ul>
                </section>
            })}
            {(!research.comparisons.is_empty()).then(|| view! {
                <section class="section"><h2>"Comparisons"</h2>
                    <ul class="research__list">{research.comparisons.iter().map(|c| view! {
                        <li><a href=format!("/compare?products={c}")>{c.replace(',', " vs ").replace('-', " ")}</a></li>
                    }).collect_view()}</ul>
                </section>
            })}
            {(!research.content.is_empty()).then(|| view! {
                <section class="section"><h2>"Guides you read"</h2>
                    <ul class="research__list research__reads">{research.content.iter().map(|(card, reading)| view! {
                        <li>
                            <a href=format!("/learn/{}", card.slug)>{card.title.clone()}</a>
                            " "<span class=format!("kind kind--{}", card.kind.key())>{card.kind.label()}</span>
                            " "<span class="research__meta">{card.stage.label()}</span>
                            {reading.describe().map(|how| view! { " · " <span class="research__meta">{how}</span> })}
                        </li>
                    }).collect_view()}</ul>
                </section>
            })}
            {(!research.searches.is_empty()).then(|| view! {
                <section class="section"><h2>"Your searches"</h2>
                    <ul class="chips">{research.searches.iter().map(|q| view! {
                        <li><a class="chip" href=format!("/products?q={}", crate::forms::url_encode(q))>{q.clone()}</a></li>
                    }).collect_view()}</ul>
                </section>
            })}
            <section class="section panel panel--danger">
                <h2>"Clear my research"</h2>
                <p>"Forget everything listed here, your saved items and who you said you are. This can't be undone."</p>
                <form method="post" action="/my-research/clear">
                    <button class="btn btn--danger" type="submit">"Clear it all"</button>
                </form>
            </section>
        </section>
    }
}
