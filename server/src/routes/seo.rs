//! /sitemap.xml (every active product, category and published guide) and /robots.txt.

use crate::startup::AppState;
use app::catalog::repo;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn sitemap(State(state): State<AppState>) -> Response {
    match build_sitemap(&state).await {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            xml,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(error = %error, "building the sitemap failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn build_sitemap(state: &AppState) -> Result<String, sqlx::Error> {
    let base = &state.site.public_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut push = |path: &str, lastmod: Option<i64>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&format!("{base}{path}")));
        xml.push_str("</loc>");
        if let Some(ts) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&app::time::iso_date(ts));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    push("/", None);
    push("/products", None);
    for category in repo::list_categories(&state.db).await? {
        push(&format!("/categories/{}", category.slug), None);
    }
    for (slug, updated) in repo::list_active_product_slugs(&state.db).await? {
        push(&format!("/products/{slug}"), Some(updated));
    }
    push("/learn", None);
    for (slug, updated) in
        app::content::repo::list_visible_content_slugs(&state.db, app::db::now_unix()).await?
    {
        push(&format!("/learn/{slug}"), Some(updated));
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /compare\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
            state.site.public_url
        ),
    )
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a&b<c>"), "a&amp;b&lt;c&gt;");
    }
}
