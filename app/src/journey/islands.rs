//! The guide page's reading beacon: how far down the piece the visitor got and how long
//! the page was in front of them, sent to `POST /journey/read` when they hide or leave the
//! page. It renders nothing; without JavaScript only the view itself is recorded.

use leptos::prelude::*;

#[island]
pub fn ReadTracker(slug: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    beacon::start(slug);
    #[cfg(not(feature = "hydrate"))]
    let _ = slug;
    view! { <span class="read-tracker" hidden=true></span> }
}

#[cfg(feature = "hydrate")]
mod beacon {
    use leptos::ev;
    use leptos::prelude::{document, window, window_event_listener};
    use std::cell::Cell;
    use std::rc::Rc;
    use web_sys::js_sys::Date;

    /// What this page view measured so far; totals, so a repeated beacon is harmless.
    #[derive(Default)]
    struct Progress {
        depth: Cell<i64>,
        seconds: Cell<f64>,
        /// When the page last became visible (ms), while it is visible.
        visible_since: Cell<Option<f64>>,
        /// What the last beacon carried, so an unchanged reading is not sent again.
        sent: Cell<(i64, i64)>,
    }

    impl Progress {
        fn measure_depth(&self) {
            if let Some(depth) = depth_now() {
                self.depth.set(self.depth.get().max(depth));
            }
        }

        fn pause(&self) {
            if let Some(since) = self.visible_since.take() {
                self.seconds
                    .set(self.seconds.get() + (Date::now() - since) / 1000.0);
            }
        }

        fn resume(&self) {
            if self.visible_since.get().is_none() {
                self.visible_since.set(Some(Date::now()));
            }
        }

        fn send(&self, slug: &str) {
            let reading = (self.depth.get(), self.seconds.get().round() as i64);
            if reading == self.sent.get() || reading == (0, 0) {
                return;
            }
            let Ok(body) = web_sys::UrlSearchParams::new() else {
                return;
            };
            body.append("slug", slug);
            body.append("depth", &reading.0.to_string());
            body.append("seconds", &reading.1.min(4 * 3600).to_string());
            let queued = window()
                .navigator()
                .send_beacon_with_opt_url_search_params("/journey/read", Some(&body))
                .unwrap_or(false);
            if queued {
                self.sent.set(reading);
            }
        }
    }

    /// The percentage of the piece's body that has been on screen (its bottom edge
    /// reached = 100).
    fn depth_now() -> Option<i64> {
        let body = document().get_element_by_id("piece-body")?;
        let rect = body.get_bounding_client_rect();
        let viewport = window().inner_height().ok()?.as_f64()?;
        let seen = (viewport - rect.top()) / rect.height().max(1.0);
        Some((seen.clamp(0.0, 1.0) * 100.0).round() as i64)
    }

    pub fn start(slug: String) {
        let progress = Rc::new(Progress::default());
        progress.measure_depth();
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            progress.resume();
        }
        {
            let progress = progress.clone();
            window_event_listener(ev::scroll, move |_| progress.measure_depth());
        }
        {
            // Hidden (tab switched, phone locked, page closing) is the last moment a
            // page can be relied on to run: report then, and stop the clock.
            let progress = progress.clone();
            let slug = slug.clone();
            window_event_listener(ev::visibilitychange, move |_| {
                if document().visibility_state() == web_sys::VisibilityState::Hidden {
                    progress.pause();
                    progress.send(&slug);
                } else {
                    progress.resume();
                }
            });
        }
        window_event_listener(ev::pagehide, move |_| {
            progress.pause();
            progress.send(&slug);
        });
    }
}
