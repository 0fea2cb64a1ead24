//! Generated pictures for the demo store: each product gets an SVG drawn from its
//! category's icon in the product's own colour, so a fresh clone looks like a real shop
//! without shipping or downloading photos.

use crate::startup::AppState;
use app::catalog::repo;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const CACHE: &str = "public, max-age=86400";

pub async fn product_picture(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(slug) = file.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let product = match repo::find_product_by_slug(&state.db, slug).await {
        Ok(Some(p)) => p,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = %error, "loading product for picture");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let categories = match repo::list_categories(&state.db).await {
        Ok(c) => c,
        Err(error) => {
            tracing::error!(error = %error, "loading categories for picture");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let icon = icon_of(&categories, product.category_id);
    svg_response(product_svg(&product.accent_color, &icon))
}

pub async fn category_picture(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(slug) = file.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match repo::list_categories(&state.db).await {
        Ok(categories) => match categories.iter().find(|c| c.slug == slug) {
            Some(c) => svg_response(category_svg(&icon_of(&categories, c.id))),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        Err(error) => {
            tracing::error!(error = %error, "loading categories for picture");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The category's icon, or the nearest ancestor's when it has none.
fn icon_of(categories: &[repo::CategoryRow], mut id: i64) -> String {
    for _ in 0..16 {
        let Some(c) = categories.iter().find(|c| c.id == id) else {
            break;
        };
        if !c.icon_svg.is_empty() {
            return c.icon_svg.clone();
        }
        match c.parent_id {
            Some(parent) => id = parent,
            None => break,
        }
    }
    String::new()
}

pub fn svg_response(svg: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // An SVG opened directly must not be able to run anything.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        svg,
    )
        .into_response()
}

/// Accepts only "#rrggbb" so nothing else can be injected into the SVG.
fn safe_colour(colour: &str) -> &str {
    let ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        colour
    } else {
        "#6b4f3a"
    }
}

fn product_svg(accent: &str, icon: &str) -> String {
    let accent = safe_colour(accent);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300">
<defs><radialGradient id="bg" cx="50%" cy="40%" r="75%"><stop offset="0" stop-color="#fbf7f2"/><stop offset="1" stop-color="#ece3d8"/></radialGradient></defs>
<rect width="400" height="300" fill="url(#bg)"/>
<ellipse cx="200" cy="262" rx="110" ry="12" fill="#000" opacity="0.08"/>
<g transform="translate(100 40)" color="{accent}" style="color:{accent}">{icon}</g>
</svg>"##
    )
}

fn category_svg(icon: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">
<circle cx="100" cy="100" r="96" fill="#f4ece3"/>
<g transform="translate(30 30) scale(0.7)" color="#6b4f3a" style="color:#6b4f3a">{icon}</g>
</svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_validated() {
        assert_eq!(safe_colour("#a1b2c3"), "#a1b2c3");
        assert_eq!(safe_colour("red\"/><script>"), "#6b4f3a");
    }

    #[test]
    fn product_svg_is_well_formed() {
        let svg = product_svg(
            "#333333",
            "<circle cx=\"100\" cy=\"100\" r=\"50\" fill=\"currentColor\"/>",
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("color:#333333"));
    }
}
