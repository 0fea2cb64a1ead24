//! The compare tray: up to four products a shopper picked to compare, kept in a cookie so
//! it survives page loads and works the same with and without JavaScript. The header, every
//! product card and the compare page read it, so it sits with the shared widgets.

pub const MIN_COMPARE: usize = 2;

pub const MAX_COMPARE: usize = 4;

/// Reads `?products=a,b,c` (also accepts repeated `products=`), keeping order, dropping
/// duplicates and blanks. Returns the slugs, capped at `MAX_COMPARE`, and whether any
/// were dropped for being over the cap.
pub fn parse_compare_slugs<'a>(values: impl IntoIterator<Item = &'a str>) -> (Vec<String>, bool) {
    let mut slugs: Vec<String> = Vec::new();
    let mut over = false;
    for value in values {
        for slug in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !crate::slug::is_valid_slug(slug) || slugs.iter().any(|s| s == slug) {
                continue;
            }
            if slugs.len() == MAX_COMPARE {
                over = true;
                continue;
            }
            slugs.push(slug.to_string());
        }
    }
    (slugs, over)
}

/// The compare tray lives in this cookie, so it survives page loads and works the same
/// with and without JavaScript.
pub const TRAY_COOKIE: &str = "sf_compare";

/// Reads the tray cookie value ("slug-a.slug-b"): valid slugs only, no duplicates, capped.
pub fn parse_tray(value: &str) -> Vec<String> {
    parse_compare_slugs(value.split('.')).0
}

/// The cookie value for a tray (slugs never contain dots).
pub fn format_tray(slugs: &[String]) -> String {
    slugs.join(".")
}

/// Adds or removes a slug; adding to a full tray drops the oldest pick.
pub fn toggle_in_tray(tray: &[String], slug: &str) -> Vec<String> {
    let mut next: Vec<String> = tray.to_vec();
    if let Some(i) = next.iter().position(|s| s == slug) {
        next.remove(i);
    } else if crate::slug::is_valid_slug(slug) {
        if next.len() == MAX_COMPARE {
            next.remove(0);
        }
        next.push(slug.to_string());
    }
    next
}

/// Finds the tray in a `Cookie` header (or `document.cookie`): "a=1; sf_compare=x.y".
pub fn tray_from_cookies(cookies: &str) -> Vec<String> {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == TRAY_COOKIE)
        .map(|(_, value)| parse_tray(value))
        .unwrap_or_default()
}

/// The tray of the request being rendered, read from its cookie.
#[cfg(feature = "ssr")]
pub fn current_tray() -> Vec<String> {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Vec::new();
    };
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(tray_from_cookies)
        .collect()
}

/// Pages render on the server only; in the browser the islands read the cookie themselves.
#[cfg(not(feature = "ssr"))]
pub fn current_tray() -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_slugs_in_order_without_duplicates_and_caps() {
        let (slugs, over) = parse_compare_slugs(["a,b, a ,,c", "d,e", "NOT VALID"]);
        assert_eq!(slugs, vec!["a", "b", "c", "d"]);
        assert!(over);
    }

    #[test]
    fn tray_round_trips_and_toggles() {
        assert_eq!(
            tray_from_cookies("x=1; sf_compare=a.b; y=2"),
            vec!["a", "b"]
        );
        let tray = parse_tray("a.b.a.BAD");
        assert_eq!(tray, vec!["a", "b"]);
        assert_eq!(format_tray(&tray), "a.b");
        assert_eq!(toggle_in_tray(&tray, "a"), vec!["b"]);
        let full = vec!["a".into(), "b".into(), "c".into(), "d".into()];
        assert_eq!(toggle_in_tray(&full, "e"), vec!["b", "c", "d", "e"]);
    }
}
