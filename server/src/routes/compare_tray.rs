//! POST /compare/tray: the no-JavaScript path of the "+ Compare" buttons. It updates the
//! same cookie the island writes, then sends the visitor back where they were.

use app::ui::compare_tray::{format_tray, toggle_in_tray, tray_from_cookies, TRAY_COOKIE};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct TrayForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    back: String,
    /// "clear" empties the tray; anything else toggles `slug`.
    #[serde(default)]
    action: String,
}

pub async fn update_tray(headers: HeaderMap, Form(form): Form<TrayForm>) -> Response {
    let current = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(tray_from_cookies)
        .collect::<Vec<_>>();
    let next = if form.action == "clear" {
        Vec::new()
    } else if app::slug::is_valid_slug(&form.slug) {
        toggle_in_tray(&current, &form.slug)
    } else {
        return (StatusCode::BAD_REQUEST, "That product can't be compared.").into_response();
    };
    let cookie = format!(
        "{TRAY_COOKIE}={}; Path=/; Max-Age=2592000; SameSite=Lax",
        format_tray(&next)
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, safe_back(&form.back)),
        ],
    )
        .into_response()
}

/// Only same-site paths: an attacker must not turn this into an open redirect (the one
/// check every form's "back" goes through).
fn safe_back(back: &str) -> String {
    app::security::safe_local_path(back, "/compare")
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn back_links_stay_on_site() {
        assert_eq!(safe_back("/products?q=x"), "/products?q=x");
        assert_eq!(safe_back("//evil.example"), "/compare");
        assert_eq!(safe_back("https://evil.example"), "/compare");
        assert_eq!(safe_back("/\\evil"), "/compare");
        // Browsers drop tabs and newlines from a Location: "/\t/evil" is "//evil".
        assert_eq!(safe_back("/\t/evil.example"), "/compare");
        assert_eq!(safe_back("/\n/evil.example"), "/compare");
        assert_eq!(safe_back("/\u{0}x"), "/compare");
    }
}
