//! /sitemap.xml (every active product and category) and /robots.txt.

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
            xml.push_str(&unix_to_date(ts));
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

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Unix seconds to a W3C date (YYYY-MM-DD), via the civil-from-days algorithm.
fn unix_to_date(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert() {
        assert_eq!(unix_to_date(0), "1970-01-01");
        assert_eq!(unix_to_date(1_795_000_000), "2026-11-18");
        assert_eq!(unix_to_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a&b<c>"), "a&amp;b&lt;c&gt;");
    }
}
