//! Anonymous pages kept already compressed, so a visit that shows nothing of the visitor's
//! own is answered without rendering, without a database query beyond one shared version
//! check, and without compressing.
//!
//! **What is kept.** Home, /products, a product, a category, /learn, a guide and /search,
//! for GET requests without a session cookie or a compare tray. A page that showed
//! anything of the visitor's own while it was rendered (a cart count, a saved mark, an
//! account) is never kept (`RequestContext::page` tells). The guides a page suggests
//! depend on the visitor's profile class (funnel stage × persona), so pages that ordered
//! anything by it are kept once per class; the class travels in the `sf_profile` cookie,
//! which the server writes whenever it renders a page for the visitor. A browser whose
//! pages are its own carries `sf_profile=personal` and is always rendered for; one with a
//! visitor id but no class yet is rendered once to learn it (from their trail), and so is
//! one that just sent a form (any POST marks the browser personal until its next rendered
//! page). A first visit is the "awareness" class by definition.
//!
//! **Exactly fresh, across servers.** Triggers bump `page_version` in the same transaction
//! as every write to what these pages show (migration 0019), and a scheduled guide's
//! publication moment changes the version's second half. Every request reads the version
//! through a single-flight gate: it waits for a check that *started after it arrived*,
//! so a page served after a write committed (on any server) is never older than the
//! write, while one query serves every request that arrived during the previous one.
//!
//! **The trail still sees every view.** A kept page remembers the trail events its
//! rendering recorded (a product view, a guide read, a search) and records them again for
//! each visitor it is served to, through the same queue (Do-Not-Track still records
//! nothing). After a view that may move the visitor's class (a guide read, a first product
//! view) their class is read from their trail plus this view's events (no waiting for the
//! queue) and the cookie updated. One approximation: a third view of the same product (the
//! "repeat views" rule that means decision) is noticed at their next rendered page or
//! guide read, since reading the trail on every product view would cost more than it saves.
//!
//! **Bytes.** Each page is kept as identity, brotli (quality 5) and gzip (level 6), with a
//! strong `ETag` (`304 Not Modified` for `If-None-Match`), `Vary: Accept-Encoding, Cookie`,
//! and a Content-Security-Policy naming its inline scripts by hash (the nonce of the
//! render that filled it must not be reused as a secret).

use crate::compression::{brotli, gzip, preferred_encoding};
use app::db::Db;
use app::request::{PageFacts, RequestContext};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const PROFILE_COOKIE: &str = "sf_profile";
/// The class cookie of a browser whose pages show something of its own.
const PERSONAL: &str = "personal";
/// The key of a page that ordered nothing by the visitor's profile.
const ANY_CLASS: &str = "*";
/// What a first visit is: no steps yet, no persona.
const FIRST_VISIT_CLASS: &str = "awareness";
/// Browsers revalidate every time (the ETag makes that a 304); a CDN in front may hold a
/// page briefly and refresh it in the background.
const CACHE_CONTROL: &str =
    "public, max-age=0, must-revalidate, s-maxage=30, stale-while-revalidate=60";
const VARY: &str = "accept-encoding, cookie";
/// A page larger than this is served but not kept.
const MAX_KEPT_PAGE: usize = 2 * 1024 * 1024;
const ONE_YEAR: i64 = 365 * 24 * 3600;
/// Headers of the rendered response a kept copy does not repeat (they are per response).
const PER_RESPONSE: [HeaderName; 6] = [
    header::SET_COOKIE,
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::CONTENT_SECURITY_POLICY,
    header::DATE,
    header::TRANSFER_ENCODING,
];

/// What every page was rendered against: the `page_version` counter and the latest
/// publication moment that has passed.
type Version = (i64, i64);

pub struct PageCache {
    db: Db,
    pages: quick_cache::sync::Cache<(String, String), Arc<KeptPage>, ByBytes>,
    gate: VersionGate,
    secure_cookies: bool,
    /// Who is rendering a missing page, striped by page and class: when 64 visitors ask for
    /// one page at once (a cold start, the moment after a price change), one renders and
    /// the rest wait and take its bytes, instead of 64 renders and compressions side by side.
    rendering: [tokio::sync::Mutex<()>; RENDER_STRIPES],
}

const RENDER_STRIPES: usize = 64;

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<(String, String), Arc<KeptPage>> for ByBytes {
    fn weight(&self, key: &(String, String), page: &Arc<KeptPage>) -> u64 {
        (key.0.len() + page.identity.len() + page.brotli.len() + page.gzip.len() + 512) as u64
    }
}

struct KeptPage {
    version: Version,
    etag: HeaderValue,
    csp: HeaderValue,
    headers: HeaderMap,
    identity: Bytes,
    brotli: Bytes,
    gzip: Bytes,
    /// (kind, subject, detail) of the trail events a view of this page records.
    events: Vec<(String, String, String)>,
}

impl PageCache {
    /// `None` when the operator turned the cache off (`STOREFRONT_PAGE_CACHE_MB=0`).
    pub fn new(db: Db, bytes: u64, secure_cookies: bool) -> Option<Arc<PageCache>> {
        (bytes > 0).then(|| {
            Arc::new(PageCache {
                db,
                pages: quick_cache::sync::Cache::with_weighter(
                    (bytes / 20_000).max(16) as usize,
                    bytes,
                    ByBytes,
                ),
                gate: VersionGate::default(),
                secure_cookies,
                rendering: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            })
        })
    }

    /// The turn to render `path` for `class`: `Some` to render it now, holding the stripe
    /// until the page is kept; `None` after waiting for someone else's render of it (or of
    /// a page sharing its stripe), when the cache should be asked again. Only one wait:
    /// a page that turns out not to be keepable is then rendered by each visitor at once.
    async fn turn_to_render(
        &self,
        path: &str,
        class: &str,
    ) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        use std::hash::{Hash, Hasher};
        // Fixed keys: every request must pick the same stripe for the same page.
        let mut hasher = std::hash::DefaultHasher::new();
        (path, class).hash(&mut hasher);
        let stripe = &self.rendering[hasher.finish() as usize % RENDER_STRIPES];
        match stripe.try_lock() {
            Ok(turn) => Some(turn),
            Err(_) => {
                drop(stripe.lock().await);
                None
            }
        }
    }

    fn find(&self, path: &str, class: &str, version: Version) -> Option<Arc<KeptPage>> {
        [ANY_CLASS, class].into_iter().find_map(|class| {
            self.pages
                .get(&(path.to_string(), class.to_string()))
                .filter(|page| page.version == version)
        })
    }

    /// The visitor's class after a view that recorded `events`, having been `class`: the
    /// same when nothing recorded could move it, else asked of their trail (an empty
    /// `class` means unknown: always asked). `None` when it can't be told now.
    async fn class_now(
        &self,
        context: &RequestContext,
        class: &str,
        events: &[(String, String, String)],
        first_visit: bool,
    ) -> Option<String> {
        let visitor = context.visitor.as_ref()?;
        let recorded = visitor.tracking_allowed && !events.is_empty();
        let may_have_moved = recorded && moves_class(events, class);
        if !class.is_empty() && !may_have_moved {
            return Some(class.to_string());
        }
        // A first visit has no trail to read: its class follows from this view alone.
        if first_visit && context.user_id().is_none() {
            if let Some(class) = app::journey::api::first_visit_class(events) {
                return Some(class);
            }
        }
        // A returning visitor's class moves on from the one their browser holds.
        if !class.is_empty() {
            if let Ok(Some(class)) =
                app::journey::api::class_after(&self.db, visitor, context.user_id(), class, events)
                    .await
            {
                return Some(class);
            }
        }
        app::journey::api::profile_class_of(&self.db, visitor, context.user_id(), events)
            .await
            .ok()
    }

    fn profile_cookie(&self, value: &str, max_age: i64) -> Option<HeaderValue> {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{PROFILE_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
        ))
        .ok()
    }
}

/// How a request may use the cache: its key, and the class to look under (`None`: render
/// for this visitor first, to learn their class).
struct Lookup {
    path: String,
    class: Option<String>,
    sent_class: Option<String>,
    first_visit: bool,
}

/// The pages worth keeping: the ones anonymous visitors and crawlers read most.
fn is_kept_path(path: &str) -> bool {
    matches!(path, "/" | "/products" | "/learn" | "/search")
        || ["/products/", "/categories/", "/learn/"]
            .iter()
            .any(|prefix| {
                path.strip_prefix(prefix)
                    .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
            })
}

/// A class the server could have written: a stage, optionally with a persona slug and how
/// it was known. Anything else (tampered, old) means "render and learn".
fn is_class(value: &str) -> bool {
    let mut parts = value.split('.');
    let stage_ok = matches!(
        parts.next(),
        Some("awareness" | "consideration" | "decision")
    );
    match (parts.next(), parts.next(), parts.next()) {
        (None, None, None) => stage_ok,
        (Some(slug), Some("chosen" | "read"), None) => stage_ok && app::slug::is_valid_slug(slug),
        _ => false,
    }
}

fn lookup_of(request: &Request) -> Option<Lookup> {
    if request.method() != Method::GET || !is_kept_path(request.uri().path()) {
        return None;
    }
    let mut visitor = false;
    let mut sent_class = None;
    for (name, value) in app::request::cookies(request.headers()) {
        match name {
            "sf_session" | app::ui::compare_tray::TRAY_COOKIE => return None,
            app::journey::visitor::VISITOR_COOKIE => visitor = app::token::is_id(value),
            PROFILE_COOKIE => sent_class = Some(value.to_string()),
            _ => {}
        }
    }
    let class = if !visitor {
        Some(FIRST_VISIT_CLASS.to_string())
    } else {
        sent_class.clone().filter(|class| is_class(class))
    };
    Some(Lookup {
        path: request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| request.uri().path().to_string()),
        class,
        sent_class,
        first_visit: !visitor,
    })
}

/// Whether a view recording these events may move a visitor of `class` to another class
/// (then their class is read again from their trail).
fn moves_class(events: &[(String, String, String)], class: &str) -> bool {
    events.iter().any(|(kind, _, _)| {
        kind == "content_view" || (kind == "product_view" && class.starts_with("awareness"))
    })
}

pub async fn serve_kept_pages(
    State(cache): State<Option<Arc<PageCache>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(cache) = cache else {
        return next.run(request).await;
    };
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        // A form or server function may change what the visitor's pages show (a cart, a
        // persona, a cleared trail, signing in): their next page is rendered for them.
        let had_class =
            app::request::cookies(request.headers()).any(|(name, _)| name == PROFILE_COOKIE);
        let mut response = next.run(request).await;
        if let Some(cookie) = had_class
            .then(|| cache.profile_cookie(PERSONAL, ONE_YEAR))
            .flatten()
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        return response;
    }
    let Some(lookup) = lookup_of(&request) else {
        return next.run(request).await;
    };
    let version = match cache.gate.current(&cache.db).await {
        Ok(version) => version,
        // The page's own handling reports an unreachable database.
        Err(_) => return next.run(request).await,
    };
    let context = request
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_default();
    let mut turn = None;
    if let Some(class) = &lookup.class {
        let mut kept = cache.find(&lookup.path, class, version);
        if kept.is_none() {
            turn = cache.turn_to_render(&lookup.path, class).await;
            // Kept meanwhile, by the render waited for or one that ended just before.
            kept = cache.find(&lookup.path, class, version);
        }
        if let Some(page) = kept {
            for (kind, subject, detail) in &page.events {
                app::journey::record_replayed(&cache.db, &context, kind, subject, detail).await;
            }
            let mut response = page.respond(request.headers(), "hit");
            // A view that may move the visitor on is answered with their class after it.
            let sent = lookup.sent_class.as_deref().filter(|_| !lookup.first_visit);
            if let Some(now) = cache
                .class_now(&context, class, &page.events, lookup.first_visit)
                .await
            {
                if Some(now.as_str()) != sent {
                    if let Some(cookie) = cache.profile_cookie(&now, ONE_YEAR) {
                        response.headers_mut().append(header::SET_COOKIE, cookie);
                    }
                }
            }
            return response;
        }
    }

    let notes = RequestContext::of_mut(request.extensions_mut())
        .page
        .clone();
    let conditional = request.headers().clone();
    let response = next.run(request).await;
    let facts = notes.facts();
    let mut response = if is_keepable(&response, &facts) {
        match KeptPage::from_response(response, version, facts.events.clone()).await {
            Ok(page) => {
                let page = Arc::new(page);
                let class = facts.profile.clone().unwrap_or_else(|| ANY_CLASS.into());
                cache
                    .pages
                    .insert((lookup.path.clone(), class), page.clone());
                page.respond(&conditional, "miss")
            }
            Err(response) => response,
        }
    } else {
        response
    };
    // Kept (or not keepable): whoever waited for this render may look again.
    drop(turn);
    // What the visitor's class cookie should say now: personal, or their class after this
    // view (the one the render used, unless the view may have moved them on: then, and
    // when the page used none, it is read from their trail).
    let learned = if facts.personal {
        Some(PERSONAL.to_string())
    } else {
        let used = facts
            .profile
            .as_deref()
            .or(lookup.class.as_deref())
            .unwrap_or("");
        cache
            .class_now(&context, used, &facts.events, lookup.first_visit)
            .await
    };
    if learned.is_some() && learned != lookup.sent_class {
        if let Some(cookie) = learned
            .as_deref()
            .and_then(|class| cache.profile_cookie(class, ONE_YEAR))
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

fn is_keepable(response: &Response, facts: &PageFacts) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && !facts.personal
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
        && headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| !v.contains("no-store") && !v.contains("private"))
}

impl KeptPage {
    /// Reads the rendered page and compresses it; a page that cannot be kept (too large, a
    /// broken stream) is answered as it is, or with the error it ended in.
    async fn from_response(
        response: Response,
        version: Version,
        events: Vec<(String, String, String)>,
    ) -> Result<KeptPage, Response> {
        let (parts, body) = response.into_parts();
        let identity = match axum::body::to_bytes(body, MAX_KEPT_PAGE).await {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::warn!(%error, "a page could not be read to keep it");
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
        };
        let digest = Sha256::digest(&identity);
        let etag = HeaderValue::from_str(&format!("\"{}\"", hex(&digest[..16])))
            .expect("hex is a valid header value");
        let csp = HeaderValue::from_str(&crate::security::content_security_policy(
            &inline_script_hashes(&identity),
        ))
        .expect("base64 hashes are valid in a header");
        let mut headers = parts.headers;
        for name in PER_RESPONSE {
            headers.remove(name);
        }
        let body = identity.clone();
        let (brotli, gzip) =
            tokio::task::spawn_blocking(move || (brotli(&body, 5), gzip(&body, 6)))
                .await
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        Ok(KeptPage {
            version,
            etag,
            csp,
            headers,
            identity,
            brotli: brotli.into(),
            gzip: gzip.into(),
            events,
        })
    }

    fn respond(&self, request: &HeaderMap, outcome: &'static str) -> Response {
        let shared = |headers: &mut HeaderMap| {
            headers.insert(header::ETAG, self.etag.clone());
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            );
            headers.insert(header::VARY, HeaderValue::from_static(VARY));
            headers.insert("x-page-cache", HeaderValue::from_static(outcome));
        };
        if etag_matches(request, &self.etag) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            shared(response.headers_mut());
            return response;
        }
        let (body, encoding) = match preferred_encoding(request) {
            Some("br") => (self.brotli.clone(), Some("br")),
            Some("gzip") => (self.gzip.clone(), Some("gzip")),
            _ => (self.identity.clone(), None),
        };
        let length = body.len();
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.extend(self.headers.clone());
        shared(headers);
        headers.insert(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `'sha256-…'` of every inline script of the page, as CSP names them.
fn inline_script_hashes(html: &[u8]) -> String {
    let text = String::from_utf8_lossy(html);
    let mut hashes = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let content_start = tag_end + 1;
        let Some(close) = rest[content_start..].find("</script>") else {
            break;
        };
        let content = &rest[content_start..content_start + close];
        if !tag.contains(" src=") && !content.is_empty() {
            let digest = Sha256::digest(content.as_bytes());
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &rest[content_start + close..];
    }
    hashes.sort();
    hashes.dedup();
    hashes.join(" ")
}

fn etag_matches(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(ours) = etag.to_str() else {
        return false;
    };
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == ours || tag == "*")
}

/// Reads `page_version` for every request, but never more than one query at a time: a
/// request waits for a check that started after it arrived (so it sees every write that
/// committed before it), and one check answers every request that arrived while the
/// previous one ran.
#[derive(Default)]
struct VersionGate {
    started: std::sync::atomic::AtomicU64,
    completed: std::sync::atomic::AtomicU64,
    value: std::sync::Mutex<Version>,
    checking: tokio::sync::Mutex<()>,
}

impl VersionGate {
    async fn current(&self, db: &Db) -> Result<Version, sqlx::Error> {
        use std::sync::atomic::Ordering::SeqCst;
        let arrival = self.started.load(SeqCst);
        let answered = || {
            (self.completed.load(SeqCst) > arrival).then(|| {
                *self
                    .value
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            })
        };
        if let Some(version) = answered() {
            return Ok(version);
        }
        let _turn = self.checking.lock().await;
        if let Some(version) = answered() {
            return Ok(version);
        }
        let check = self.started.fetch_add(1, SeqCst) + 1;
        let version = read_version(db).await?;
        *self
            .value
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = version;
        self.completed.store(check, SeqCst);
        Ok(version)
    }
}

async fn read_version(db: &Db) -> Result<Version, sqlx::Error> {
    sqlx::query_as::<_, (i64, i64)>(
        "SELECT v.version, (SELECT COALESCE(MAX(c.published_at), 0) FROM content c \
             WHERE c.status = 'published' AND c.published_at <= $1) \
         FROM page_version v WHERE v.id = 1",
    )
    .bind(app::db::now_unix())
    .fetch_one(db.pool())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_listing_and_detail_pages_are_kept() {
        for path in [
            "/",
            "/products",
            "/products/aurelia",
            "/categories/grinders",
            "/learn",
            "/learn/guide",
            "/search",
        ] {
            assert!(is_kept_path(path), "{path}");
        }
        for path in [
            "/cart",
            "/learn/guide/download",
            "/products/",
            "/admin",
            "/my-research",
            "/compare",
            "/account",
        ] {
            assert!(!is_kept_path(path), "{path}");
        }
    }

    #[test]
    fn classes_are_what_the_server_writes() {
        assert!(is_class("awareness"));
        assert!(is_class("decision.home-barista.chosen"));
        assert!(is_class("consideration.cafe-owner.read"));
        assert!(!is_class("personal"));
        assert!(!is_class("decision.Home Barista.chosen"));
        assert!(!is_class("decision.x.y"));
        assert!(!is_class(""));
    }

    #[test]
    fn inline_scripts_are_named_by_hash_and_external_ones_are_not() {
        let html = br#"<script src="/pkg/a.js"></script><script nonce="x">go()</script><script type="application/ld+json">{}</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.matches("'sha256-").count(), 2, "{hashes}");
        let go = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"go()"));
        assert!(hashes.contains(&go));
    }

    #[test]
    fn weak_and_listed_etags_match() {
        let ours = HeaderValue::from_static("\"abc\"");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(etag_matches(&headers, &ours));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        assert!(!etag_matches(&headers, &ours));
    }
}
