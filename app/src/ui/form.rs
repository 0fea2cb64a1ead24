//! Form widgets: a labelled field with its hint and error, and the alert at the top of
//! a form. Errors are tied to their input with `aria-describedby` and `aria-invalid`.

use crate::forms::{typed_or, FormFeedback};
use leptos::prelude::*;

/// A labelled input. Its value is what the person typed when the form is re-shown
/// (except passwords), else `value`.
#[component]
pub fn TextField(
    feedback: Option<FormFeedback>,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] hint: String,
    #[prop(optional)] required: bool,
    #[prop(default = 256)] maxlength: usize,
    #[prop(optional, into)] id_prefix: String,
) -> impl IntoView {
    let id = format!("{id_prefix}{name}");
    let error = feedback.as_ref().and_then(|f| f.error(&name));
    let invalid = error.is_some();
    let shown = if kind == "password" {
        String::new()
    } else {
        typed_or(&feedback, &name, value)
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [
        (!hint.is_empty()).then(|| hint_id.clone()),
        error.is_some().then(|| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let autocomplete = (!autocomplete.is_empty()).then_some(autocomplete);
    view! {
        <div class="field" class=("field--invalid", invalid)>
            <label for=id.clone()>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="field__hint" id=hint_id.clone()>{hint.clone()}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=shown
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
            {error.map(|message| view! { <p class="field__error" id=error_id>{message}</p> })}
        </div>
    }
}

/// The message for the whole form (field "" or a field the page has no input for).
#[component]
pub fn FormAlert(
    feedback: Option<FormFeedback>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let message = feedback.and_then(|f| {
        f.errors
            .iter()
            .find(|(field, _)| field.is_empty() || !fields.contains(&field.as_str()))
            .map(|(_, m)| m.clone())
    });
    message.map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })
}

/// A green confirmation after a successful form ("Your password was changed.").
#[component]
pub fn SuccessAlert(message: Option<&'static str>) -> impl IntoView {
    message.map(|m| view! { <div class="alert alert--ok" role="status">{m}</div> })
}
