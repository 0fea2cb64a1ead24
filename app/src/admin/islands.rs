//! The admin panel's one island: the Markdown description editor with a live preview.
//! Without JavaScript it is a plain textarea and the preview shows the saved text.

use leptos::prelude::*;

#[island]
pub fn MarkdownEditor(
    name: String,
    initial: String,
    initial_html: String,
    label: String,
) -> impl IntoView {
    let html = RwSignal::new(initial_html);
    let status = RwSignal::new(String::new());
    let generation = StoredValue::new(0_u64);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        // Only the newest preview may land: typing fast must not show an older one last.
        let current = generation.get_value() + 1;
        generation.set_value(current);
        status.set("Updating preview…".into());
        set_timeout(
            move || {
                if generation.get_value() != current {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let result = super::api::preview_markdown(text).await;
                    if generation.get_value() != current {
                        return;
                    }
                    match result {
                        Ok(rendered) => {
                            html.set(rendered);
                            status.set(String::new());
                        }
                        Err(error) => status.set(format!("Preview unavailable: {error}")),
                    }
                });
            },
            std::time::Duration::from_millis(250),
        );
    };
    let id = format!("field-{name}");
    view! {
        <div class="md-editor">
            <div class="field md-editor__input">
                <label for=id.clone()>{label}</label>
                <p class="field__hint">"Markdown: **bold**, *italic*, - lists, [links](https://…). Scripts and unsafe links are removed."</p>
                <textarea id=id name=name rows="14" maxlength="20000" on:input=on_input>{crate::html::escape_text(&initial)}</textarea>
            </div>
            <div class="md-editor__preview">
                <p class="md-editor__label">"Preview " <span class="md-editor__status" aria-live="polite">{move || status.get()}</span></p>
                <div class="prose md-editor__output" inner_html=move || html.get()></div>
            </div>
        </div>
    }
}
