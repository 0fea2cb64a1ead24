//! Content management pages (marketing and admin): personas with their coverage per stage,
//! the content list and the editor.

use crate::admin::frame::{admin_error, render_preview, AdminFrame};
use crate::admin::islands::MarkdownEditor;
use crate::content::staff::api::{
    load_admin_content, load_admin_content_piece, load_admin_personas,
};
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or};
use crate::time::format_time;
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ui::query_param as query;

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
fn ContentForm(mut data: super::model::ContentEditData) -> impl IntoView {
    use crate::content::model::{Kind, Stage};
    let feedback = feedback_for("content");
    let is_new = data.id.is_none();
    if is_new {
        // A draft started from the analytics backlog: its title (a search nobody found
        // an answer to), or the persona and stage with no guide yet.
        let title = query("title");
        if !title.trim().is_empty() {
            data.title = title.trim().chars().take(160).collect();
        }
        if Stage::parse(&query("stage")).is_some() {
            data.stage = query("stage");
        }
        let persona = query("persona");
        if let Some(found) = data.personas.iter().find(|p| p.slug == persona) {
            data.persona_ids = vec![found.id];
        }
    }
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
