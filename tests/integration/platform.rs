//! Cross-cutting behaviour: health, sitemap and robots, compression and caching.

use crate::helpers::{spawn_app, spawn_app_with, spawn_seeded_app, Backend};
use crate::on_both_backends;

on_both_backends!(
    health_reports_the_database,
    sitemap_lists_every_active_product_and_no_drafts,
    pages_are_compressed,
    rendered_pages_are_compressed_whole,
    seeding_twice_changes_nothing,
    empty_store_shows_real_empty_states,
    security_headers_carry_a_per_request_nonce,
    cross_origin_writes_are_refused,
    oversized_request_bodies_are_refused,
    pages_inline_the_stylesheet_the_policy_names,
);

async fn health_reports_the_database(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let page = app.get("/healthz").await;
    assert_eq!(page.status, 200);
    let body: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ok", "db": "ok" }));

    app.db.close().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, 503);
}

async fn sitemap_lists_every_active_product_and_no_drafts(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let page = app.get("/sitemap.xml").await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT slug, status FROM products")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let mut active = 0;
    for (slug, status) in rows {
        let listed = page.body.contains(&format!("/products/{slug}</loc>"));
        assert_eq!(listed, status == "active", "{slug} ({status})");
        active += usize::from(status == "active");
    }
    assert_eq!(page.body.matches("/products/").count(), active);
    assert!(page.body.contains("/categories/espresso</loc>"));

    let robots = app.get("/robots.txt").await;
    assert!(robots
        .body
        .contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
}

async fn pages_are_compressed(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    for encoding in ["br", "gzip"] {
        let page = app
            .get_with("/products", &[("accept-encoding", encoding)])
            .await;
        assert_eq!(page.status, 200);
        assert_eq!(page.headers["content-encoding"], encoding);
    }
    let page = app.get("/products").await;
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
}

/// A page that is not kept (rendered for each visitor) is compressed in one piece: a
/// declared length, the encoding named, and bytes that decode to the page.
async fn rendered_pages_are_compressed_whole(backend: Backend) {
    use std::io::Read;
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    for encoding in ["br", "gzip"] {
        let response = app
            .client
            .get(format!("{}/my-research", app.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["content-encoding"], encoding);
        assert!(headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("accept-encoding")));
        let declared: usize = headers["content-length"].to_str().unwrap().parse().unwrap();
        let packed = response.bytes().await.unwrap();
        assert_eq!(packed.len(), declared);
        let mut page = String::new();
        match encoding {
            "br" => brotli::Decompressor::new(&packed[..], 4096)
                .read_to_string(&mut page)
                .unwrap(),
            _ => flate2::read::GzDecoder::new(&packed[..])
                .read_to_string(&mut page)
                .unwrap(),
        };
        assert!(page.contains("</html>"), "{encoding}: the whole page");
        assert!(page.contains("research"), "{encoding}");
    }
    // Without Accept-Encoding the page is sent as it is.
    let plain = app.get("/my-research").await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert!(plain.body.contains("</html>"));
}

async fn seeding_twice_changes_nothing(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let count = || app.count("SELECT COUNT(*) FROM products");
    let before = count().await;
    assert!(before >= 40);
    let outcome = server::seed::seed_demo_store(&app.db).await.unwrap();
    assert_eq!(
        outcome,
        server::seed::SeedOutcome::AlreadyPresent { products: before }
    );
    assert_eq!(count().await, before);
}

async fn empty_store_shows_real_empty_states(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let home = app.get("/").await;
    assert_eq!(home.status, 200);
    let products = app.get("/products").await;
    assert_eq!(products.status, 200);
    assert_eq!(products.result_count(), 0);
    assert!(products.body.contains("Nothing matches that yet"));
    let compare = app.get("/compare").await;
    assert!(compare.body.contains("Nothing to compare yet"));
    let learn = app.get("/learn").await;
    assert_eq!(learn.status, 200);
    assert!(learn.body.contains("Nothing here yet"));
    let research = app.get("/my-research").await;
    assert!(research.body.contains("Nothing yet"));
    let feed = app.get("/feed.xml").await;
    assert_eq!(feed.status, 200);
    assert_eq!(feed.body.matches("<entry>").count(), 0);
}

async fn security_headers_carry_a_per_request_nonce(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let nonce_of = |page: &crate::helpers::Page| {
        let csp = page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split_once('\''))
            .map(|(n, _)| n.to_string())
            .expect("a nonce in the CSP");
        assert!(
            page.body.contains(&format!("nonce=\"{nonce}\"")),
            "the hydration script carries the header's nonce"
        );
        nonce
    };
    // Pages rendered per request (kept pages name their scripts by hash instead:
    // tests/integration/page_cache.rs).
    let first = app.get("/cart").await;
    let second = app.get("/help/ask").await;
    assert_ne!(
        nonce_of(&first),
        nonce_of(&second),
        "a fresh nonce per request"
    );
    assert_eq!(first.headers["x-frame-options"], "DENY");
    assert_eq!(
        first.headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(
        first.headers.get("strict-transport-security").is_none(),
        "no HSTS over http"
    );
}

async fn cross_origin_writes_are_refused(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let form = "slug=aurelia-duo-dual-boiler&back=%2F";
    let evil = app
        .post_form("/compare/tray", form, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(evil.status, 403);
    assert!(evil.body.contains("another website"));
    assert!(evil.headers.get("set-cookie").is_none());

    let evil_referer = app
        .post_form(
            "/compare/tray",
            form,
            &[("referer", "https://evil.example/page")],
        )
        .await;
    assert_eq!(evil_referer.status, 403);

    let own = app
        .post_form("/compare/tray", form, &[("origin", &app.base)])
        .await;
    assert_eq!(own.status, 303);
}

async fn oversized_request_bodies_are_refused(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Only the headers are sent: the server must refuse on the declared length alone
    // (sending the body too would race the server closing the connection).
    let addr = app.base.trim_start_matches("http://");
    // Forms: 64 KiB. Product forms with a picture: 5 MiB plus the fields.
    for (path, content_type, length) in [
        (
            "/compare/tray",
            "application/x-www-form-urlencoded",
            2 * 1024 * 1024,
        ),
        (
            "/admin/products/new",
            "multipart/form-data; boundary=x",
            6 * 1024 * 1024,
        ),
    ] {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = vec![0_u8; 64];
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read(&mut response),
        )
        .await
        .expect("the server answers without waiting for the body")
        .unwrap();
        let status_line = String::from_utf8_lossy(&response[..read]).to_string();
        assert!(
            status_line.starts_with("HTTP/1.1 413"),
            "{path}: {status_line}"
        );
    }

    let fine = app
        .post_form(
            "/compare/tray",
            "slug=aurelia-duo-dual-boiler&back=%2F",
            &[],
        )
        .await;
    assert_eq!(fine.status, 303);
}

/// The built stylesheet travels inside each page (no second round trip before the first
/// paint), and the policy allows exactly that text by its hash: no `'unsafe-inline'`.
async fn pages_inline_the_stylesheet_the_policy_names(backend: Backend) {
    use base64::Engine;
    use sha2::Digest;
    // One site root for both backends: the server keeps the first stylesheet it reads.
    let css = ".test-inline-sheet{color:#123456}";
    let site = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("inline-css-site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/storefront.css"), css).unwrap();
    let Some(app) =
        spawn_app_with(backend, &[("LEPTOS_SITE_ROOT", site.display().to_string())]).await
    else {
        return;
    };
    let page = app.get("/").await;
    assert!(
        page.body
            .contains(&format!("<style id=\"leptos\">{css}</style>")),
        "the page carries the stylesheet: {}",
        &page.body[..page.body.len().min(1500)]
    );
    assert!(
        !page.body.contains("rel=\"stylesheet\""),
        "and no longer links it"
    );
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    let style_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("style-src"))
        .expect("a style-src directive");
    assert_eq!(
        style_src.trim(),
        format!("style-src 'self' 'sha256-{hash}'"),
        "{csp}"
    );
}
