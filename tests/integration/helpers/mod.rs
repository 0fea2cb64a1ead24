//! `spawn_app`: a live server on port 0 with a fresh, migrated (and optionally seeded)
//! database of the chosen backend, the `on_both_backends!` macro, and small HTTP and HTML
//! helpers. What a test starts from is in [`fixtures`], what its people do in [`verbs`],
//! and the stand-in for Stripe's API in [`stripe`].

pub mod fixtures;
pub mod stripe;
pub mod verbs;

pub use verbs::Trail;

use app::db::Db;
use server::config::Config;
use server::startup::Application;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend, as separate `#[tokio::test]`s.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
}

pub struct Page {
    pub status: u16,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test of this run uses.
pub fn unique_suffix() -> String {
    unique_name()
}

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "sf_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

/// A fresh database URL, or `None` when PostgreSQL is unavailable and may be skipped.
pub async fn fresh_database_url(backend: Backend) -> Option<String> {
    match backend {
        Backend::Sqlite => {
            let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sqlite");
            std::fs::create_dir_all(&dir).unwrap();
            Some(format!("sqlite://{}/{}.db", dir.display(), unique_name()))
        }
        Backend::Postgres => {
            let admin = std::env::var("TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let skip = std::env::var("STOREFRONT_SKIP_POSTGRES").as_deref() == Ok("1");
            let required = std::env::var("STOREFRONT_REQUIRE_ALL").as_deref() == Ok("1");
            if skip && !required {
                eprintln!("SKIPPED: PostgreSQL half of this test (PostgreSQL unavailable)");
                return None;
            }
            use sqlx::Connection;
            let mut conn = match sqlx::PgConnection::connect(&admin).await {
                Ok(conn) => conn,
                Err(error) if !required => {
                    eprintln!("SKIPPED: PostgreSQL half of this test ({error})");
                    return None;
                }
                Err(error) => panic!("PostgreSQL is required (STOREFRONT_REQUIRE_ALL=1): {error}"),
            };
            let name = unique_name();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("creating a test database");
            let (server, _) = admin
                .rsplit_once('/')
                .expect("TEST_DATABASE_URL has a database");
            Some(format!("{server}/{name}"))
        }
    }
}

/// A live server with an empty (migrated) store.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// A live server configured with `settings` on top of the test defaults.
pub async fn spawn_app_with(backend: Backend, settings: &[(&str, String)]) -> Option<TestApp> {
    let database_url = fresh_database_url(backend).await?;
    Some(spawn_app_on(&database_url, settings).await)
}

/// A live server on an existing database (a second app server, or one that reaches its
/// database through a test's proxy).
pub async fn spawn_app_on(database_url: &str, settings: &[(&str, String)]) -> TestApp {
    let database_url = database_url.to_string();
    let config = Config::from_lookup(|key| match key {
        _ if settings.iter().any(|(name, _)| *name == key) => settings
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.clone()),
        "DATABASE_URL" => Some(database_url.clone()),
        "STOREFRONT_ADDR" => Some("127.0.0.1:0".into()),
        "RUST_LOG" => Some("warn".into()),
        // Uploads go to scratch space, never into the source tree.
        "STOREFRONT_MEDIA_DIR" => Some(
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join("media")
                .display()
                .to_string(),
        ),
        other => settings
            .iter()
            .find(|(name, _)| *name == other)
            .map(|(_, value)| value.clone()),
    })
    .expect("test configuration is valid");
    let application = Application::build(&config).await.expect("building the app");
    let base = format!("http://{}", application.local_addr());
    let db = application.db().clone();
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp { base, client, db }
}

/// A live server with the demo store loaded.
pub async fn spawn_seeded_app(backend: Backend) -> Option<TestApp> {
    let app = spawn_app(backend).await?;
    server::seed::seed_demo_store(&app.db)
        .await
        .expect("seeding the demo store");
    Some(app)
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET request");
        Page::from(response).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Page::from(request.send().await.expect("GET request")).await
    }

    pub async fn post_form(&self, path: &str, form: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string());
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Page::from(request.send().await.expect("POST request")).await
    }
}

impl Page {
    async fn from(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            body,
            headers,
        }
    }

    /// Names of the product cards on the page, in order.
    pub fn card_names(&self) -> Vec<String> {
        self.body
            .split("class=\"card__title\">")
            .skip(1)
            .filter_map(|chunk| {
                let after_a = chunk.split_once('>')?.1;
                // Text up to the next tag (Leptos may leave `<!>` markers after it).
                Some(html_unescape(after_a.split_once('<')?.0))
            })
            .collect()
    }

    /// The number in "N products" of the results toolbar.
    pub fn result_count(&self) -> i64 {
        let after = self
            .body
            .split_once("id=\"results-count\"")
            .expect("results count present")
            .1;
        let text = after.split_once('>').unwrap().1.split_once('<').unwrap().0;
        if text.starts_with("No ") {
            0
        } else {
            text.split_whitespace()
                .next()
                .unwrap()
                .parse()
                .expect("a number of products")
        }
    }

    /// (href, label, count) of every facet link.
    pub fn facet_links(&self) -> Vec<(String, String, i64)> {
        let mut links = Vec::new();
        for chunk in self.body.split("<a href=\"").skip(1) {
            let Some((href, rest)) = chunk.split_once('"') else {
                continue;
            };
            let Some(tag_end) = rest.find('>') else {
                continue;
            };
            if !rest[..tag_end].contains("class=\"facet") {
                continue;
            }
            let Some(anchor) = rest.split_once("</a>").map(|(a, _)| a) else {
                continue;
            };
            let Some(count) = anchor
                .split_once("class=\"facet__count\">")
                .and_then(|(_, c)| c.split_once('<'))
                .and_then(|(n, _)| n.parse().ok())
            else {
                continue;
            };
            let label = anchor
                .split("<span>")
                .nth(1)
                .and_then(|s| s.split_once("</span>"))
                .map(|(l, _)| html_unescape(l))
                .unwrap_or_default();
            links.push((html_unescape(href), label, count));
        }
        links
    }

    /// Every JSON-LD block on the page, parsed.
    pub fn json_ld(&self) -> Vec<serde_json::Value> {
        self.body
            .split("<script type=\"application/ld+json\">")
            .skip(1)
            .map(|chunk| {
                let json = chunk.split_once("</script>").expect("closed script").0;
                serde_json::from_str(json).expect("JSON-LD parses as JSON")
            })
            .collect()
    }
}

pub fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

/// A person with a browser: a client that keeps cookies (so it can sign in).
pub struct Visitor {
    pub base: String,
    pub client: reqwest::Client,
}

pub const TEST_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub fn visitor(&self) -> Visitor {
        self.visitor_sending(&[])
    }

    /// A visitor whose browser sends `headers` with every request (e.g. `DNT: 1`).
    pub fn visitor_sending(&self, headers: &[(&'static str, &'static str)]) -> Visitor {
        let mut defaults = reqwest::header::HeaderMap::new();
        for (name, value) in headers {
            defaults.insert(*name, reqwest::header::HeaderValue::from_static(value));
        }
        Visitor {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .default_headers(defaults)
                .build()
                .unwrap(),
        }
    }

    /// Creates an account directly in the database (customer when `role` is None).
    pub async fn create_user(&self, email: &str, role: Option<&str>) {
        use app::accounts::model::Password;
        use app::request::StaffRole;
        let hash = app::accounts::password::hash_password(&Password::parse(TEST_PASSWORD).unwrap())
            .await
            .unwrap();
        match role.map(|r| StaffRole::parse(r).expect("a known role")) {
            Some(role) => {
                app::accounts::repo::upsert_staff_user(&self.db, email, &hash, role)
                    .await
                    .unwrap();
            }
            None => {
                app::accounts::repo::insert_user(&self.db, email, "", &hash, None)
                    .await
                    .unwrap()
                    .expect("a new account");
            }
        }
    }

    /// A visitor signed in as a new account with `role`.
    pub async fn signed_in_as(&self, email: &str, role: Option<&str>) -> Visitor {
        self.create_user(email, role).await;
        let visitor = self.visitor();
        let page = visitor
            .post_form(
                "/login",
                &format!("email={email}&password={}", urlencode(TEST_PASSWORD)),
            )
            .await;
        assert_eq!(page.status, 303, "signing in {email}: {}", page.body);
        visitor
    }

    /// The single number `sql` selects (a `COUNT(*)`, mostly), for assertions about what
    /// the database holds.
    /// Waits until the server has written the trail events it queued (they are written
    /// in batches off the page's path), before a test reads them from the database.
    pub async fn settle_trail(&self) {
        app::journey::recorder::flush(&self.db).await;
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.settle_trail().await;
        sqlx::query_scalar(sql)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// Bodies of the emails in the outbox sent to `to`, newest first.
    pub async fn emails_to(&self, to: &str) -> Vec<String> {
        app::email::repo::list_outbox(&self.db, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.to_address == to)
            .map(|m| m.body_text)
            .collect()
    }
}

impl Visitor {
    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET request");
        Page::from(response).await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.base)
            .body(form.to_string())
            .send()
            .await
            .expect("POST request");
        Page::from(response).await
    }

    /// Reads a server-sent event stream until `until` appears (or a few seconds pass).
    pub async fn read_stream(&self, path: &str, until: &str) -> (u16, String) {
        let mut response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let mut seen = String::new();
        if status != 200 {
            return (status, response.text().await.unwrap_or_default());
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
        while !seen.contains(until) {
            match tokio::time::timeout_at(deadline, response.chunk()).await {
                Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                _ => break,
            }
        }
        (status, seen)
    }

    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .multipart(form)
            .send()
            .await
            .expect("POST request");
        Page::from(response).await
    }
}

impl Page {
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// The session cookie this response set, if any.
    pub fn set_session(&self) -> Option<String> {
        self.set_cookie("sf_session")
            .map(|value| format!("sf_session={value}"))
    }

    /// The value of the cookie `name` this response set, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(name)?.strip_prefix('='))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    /// The body without what differs on every response: the CSP nonce (Leptos also
    /// repeats it in the preload links' `crossorigin`).
    pub fn body_without_nonce(&self) -> String {
        let mut body = self.body.clone();
        for attribute in ["nonce=\"", "crossorigin=\""] {
            let mut out = String::with_capacity(body.len());
            let mut rest = body.as_str();
            while let Some(i) = rest.find(attribute) {
                out.push_str(&rest[..i]);
                let after = &rest[i + attribute.len()..];
                let end = after.find('"').unwrap_or(0);
                rest = &after[end + 1..];
            }
            out.push_str(rest);
            body = out;
        }
        body
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
