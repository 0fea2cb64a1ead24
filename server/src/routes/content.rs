//! The content hub's plain endpoints: the Atom feed, text downloads of white papers and
//! e-books, and the drawn infographics of the demo content.

use super::media::svg_response;
use super::seo::xml_escape;
use crate::startup::AppState;
use app::content::repo;
use app::db::now_unix;
use app::time::rfc3339;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// GET /feed.xml: the 30 newest published guides as Atom.
pub async fn feed(State(state): State<AppState>) -> Response {
    let pieces = match repo::list_recent_content(&state.db, now_unix(), 30).await {
        Ok(pieces) => pieces,
        Err(error) => {
            tracing::error!(%error, "building the feed failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let base = &state.site.public_url;
    let updated = pieces
        .iter()
        .map(|(_, updated, _)| *updated)
        .max()
        .unwrap_or(0);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>Storefront guides</title>\n<subtitle>Learn before you buy</subtitle>\n\
         <link rel=\"self\" href=\"{b}/feed.xml\"/>\n<link href=\"{b}/learn\"/>\n<id>{b}/learn</id>\n<updated>{}</updated>\n",
        rfc3339(updated),
        b = xml_escape(base)
    );
    for (card, updated, author) in pieces {
        let url = xml_escape(&format!("{base}/learn/{}", card.slug));
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<link href=\"{url}\"/>\n<id>{url}</id>\n<published>{}</published>\n<updated>{}</updated>\n\
             <author><name>{}</name></author>\n<category term=\"{}\" label=\"{}\"/>\n<summary>{}</summary>\n</entry>\n",
            xml_escape(&card.title),
            rfc3339(card.published_at),
            rfc3339(updated),
            xml_escape(if author.is_empty() { "Storefront" } else { &author }),
            card.stage.key(),
            xml_escape(card.stage.label()),
            xml_escape(&card.summary),
        ));
    }
    xml.push_str("</feed>\n");
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=600"),
        ],
        xml,
    )
        .into_response()
}

/// GET /learn/{slug}/download: a white paper or e-book as a Markdown file.
pub async fn download(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    if !app::slug::is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match repo::find_visible_content(&state.db, &slug, now_unix()).await {
        Ok(Some(piece))
            if matches!(
                piece.card.kind,
                app::content::model::Kind::Whitepaper | app::content::model::Kind::Ebook
            ) =>
        {
            let text = format!(
                "# {}\n\n_{}_\n\nBy {}\n\n{}\n",
                piece.card.title, piece.card.summary, piece.author, piece.body_md
            );
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "text/markdown; charset=utf-8".to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{slug}.md\""),
                    ),
                ],
                text,
            )
                .into_response()
        }
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "loading a download failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// GET /media/content/{slug}.svg: a poster for a demo infographic, drawn from its title.
pub async fn infographic(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(slug) = file
        .strip_suffix(".svg")
        .filter(|s| app::slug::is_valid_slug(s))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match repo::find_visible_content(&state.db, slug, now_unix()).await {
        Ok(Some(piece)) => svg_response(infographic_svg(&piece.card.title)),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "loading an infographic failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A title card with bars: decoration only (the page carries the full text description).
fn infographic_svg(title: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in title.split_whitespace() {
        if line.len() + word.len() > 22 && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    let text: String = lines
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, l)| format!(r##"<text x="60" y="{}" font-family="Georgia, serif" font-size="44" fill="#fbf4ec">{}</text>"##, 140 + i * 56, xml_escape(l)))
        .collect();
    let bars: String = [0.9, 0.62, 0.78, 0.4, 0.55]
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                r##"<rect x="60" y="{}" width="{}" height="44" rx="10" fill="{}"/>"##,
                480 + i * 80,
                (w * 680.0) as i32,
                if i % 2 == 0 { "#e9a36c" } else { "#f4ece3" }
            )
        })
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 1000" width="800" height="1000"><rect width="800" height="1000" fill="#2b1d14"/>{text}{bars}<text x="60" y="940" font-family="system-ui, sans-serif" font-size="24" fill="#e9a36c">Storefront guides</text></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::infographic_svg;

    #[test]
    fn infographic_titles_are_escaped() {
        let svg = infographic_svg("Milk <script> & foam");
        assert!(svg.contains("&lt;script&gt; &amp; foam"));
        assert!(!svg.contains("<script>"));
    }
}
