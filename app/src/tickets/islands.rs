//! The live parts of ticket pages: the conversation, which grows as messages arrive over
//! the ticket's event stream, and the staff inbox, which reloads when something changes.
//! Without JavaScript both pages are complete as rendered; a reload shows what is new.

use super::model::{Author, Message};
use leptos::prelude::*;

/// The conversation of a ticket. `stream` is its `/live` address; `staff` shows internal
/// notes as such (the customer's stream never carries them).
#[island]
pub fn LiveThread(messages: Vec<Message>, stream: String, staff: bool) -> impl IntoView {
    let messages = RwSignal::new(messages);
    #[cfg(feature = "hydrate")]
    browser::follow(&stream, messages);
    #[cfg(not(feature = "hydrate"))]
    let _ = &stream;
    view! {
        <ol class="thread" aria-live="polite" aria-label="Conversation">
            <For each=move || messages.get() key=|m| m.id let:message>
                {message_item(message, staff)}
            </For>
        </ol>
        <span id="latest"></span>
    }
}

fn message_item(message: Message, staff: bool) -> impl IntoView {
    let team = if message.staff_name.is_empty() {
        "Storefront team".to_string()
    } else {
        format!("{} · Storefront team", message.staff_name)
    };
    let (class, who) = match message.author {
        Author::Customer if staff => ("message message--customer", "Customer".to_string()),
        Author::Customer => ("message message--customer", "You".to_string()),
        Author::Reply => ("message message--staff", team),
        Author::Note => (
            "message message--note",
            format!("Internal note · {}", message.staff_name),
        ),
    };
    view! {
        <li class=class id=format!("m{}", message.id)>
            <p class="message__meta">
                <strong>{who}</strong>
                <time>{crate::time::format_time(message.created_at)}</time>
            </p>
            <p class="message__body">{message.body}</p>
        </li>
    }
}

/// Reloads the inbox when a ticket opens or a customer writes.
#[island]
pub fn InboxWatcher(stream: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::reload_on_change(&stream);
    #[cfg(not(feature = "hydrate"))]
    let _ = &stream;
    view! {
        <p class="live-note"><span class="live-dot" aria-hidden="true"></span>
            "Live: new tickets and messages appear here by themselves."</p>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Message;
    use leptos::prelude::*;
    use wasm_bindgen::prelude::Closure;
    use wasm_bindgen::JsCast;

    fn open(url: &str) -> Option<web_sys::EventSource> {
        web_sys::EventSource::new(url).ok()
    }

    /// Appends each message the stream sends (once, even after a reconnect).
    pub fn follow(stream: &str, messages: RwSignal<Vec<Message>>) {
        let after = messages.with_untracked(|list| list.last().map_or(0, |m| m.id));
        let separator = if stream.contains('?') { '&' } else { '?' };
        let Some(source) = open(&format!("{stream}{separator}after={after}")) else {
            return;
        };
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(message) = serde_json::from_str::<Message>(&text) else {
                    return;
                };
                messages.update(|list| {
                    if !list.iter().any(|m| m.id == message.id) {
                        list.push(message);
                    }
                });
            },
        );
        let _ =
            source.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        // Both live as long as the page: the browser keeps the connection open.
        on_message.forget();
        std::mem::forget(source);
    }

    pub fn reload_on_change(stream: &str) {
        let Some(source) = open(stream) else {
            return;
        };
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let _ = window().location().reload();
        });
        let _ =
            source.add_event_listener_with_callback("changed", on_change.as_ref().unchecked_ref());
        on_change.forget();
        std::mem::forget(source);
    }
}
