//! Builds the application: database, router, middleware, and a listener that can bind
//! port 0 so tests get a real server on a random port.

use crate::config::Config;
use crate::routes;
use crate::security::{self, SecuritySettings};
use anyhow::Context;
use app::accounts::session::{resolve_current_user, SqlSessionStore};
use app::admin::handlers as admin_forms;
use app::catalog::staff::handlers as catalog_staff;
use app::content::staff::handlers as content_staff;
use app::db::Db;
use app::forms::PageContext;
use app::seo::SiteInfo;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::{middleware, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Largest request body accepted outside the upload forms (1 MiB), a guard against
/// floods; forms stop reading at `app::forms::MAX_FORM_BYTES` with a message of their own.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub site: SiteInfo,
    pub media_dir: std::path::PathBuf,
    pub trust_proxy: crate::config::TrustedProxies,
    pub checkout_hold_seconds: i64,
    pub stripe: Option<app::checkout::stripe_payments::StripeProvider>,
}

impl FromRef<AppState> for PageContext {
    fn from_ref(state: &AppState) -> Self {
        PageContext {
            db: state.db.clone(),
            site: state.site.clone(),
            options: state.leptos_options.clone(),
            media_dir: state.media_dir.clone(),
            checkout_hold_seconds: state.checkout_hold_seconds,
        }
    }
}

impl FromRef<AppState> for app::checkout::Payments {
    fn from_ref(state: &AppState) -> Self {
        app::checkout::Payments {
            stripe: state.stripe.clone(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    mailer: crate::mailer::Mailer,
    public_url: String,
    stripe: Option<app::checkout::stripe_payments::StripeProvider>,
    reminder_delay_seconds: i64,
    event_retention_days: i64,
}

impl Application {
    /// Connects to the database, runs pending migrations and binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        let rebuilt = app::catalog::repo::rebuild_stale_search_documents(&db)
            .await
            .context("rebuilding search documents")?;
        if rebuilt > 0 {
            tracing::info!(
                products = rebuilt,
                "search documents rebuilt in the new format"
            );
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {} (STOREFRONT_ADDR)", config.addr))?;
        let local = listener.local_addr()?;
        let public_url = if config.addr.port() == 0 {
            format!("http://{local}")
        } else {
            config.public_url.clone()
        };
        let stripe = config.stripe_provider()?;
        let options = leptos_options(config, local);
        let pkg_dir = config.site_root.join("pkg");
        let assets = app::ui::build_assets::BuildAssets::current(&options);
        if let Some(css) = routes::assets::built_stylesheet(&pkg_dir, assets) {
            security::allow_inline_style(&css);
            app::ui::stylesheet::inline_from_now_on(css);
        }
        if options.hash_files {
            routes::assets::check_build_assets(&pkg_dir, assets)?;
            let published = routes::assets::publish_build_assets(&db, &pkg_dir).await?;
            tracing::debug!(published, "build assets published for other servers");
        }
        let state = AppState {
            db: db.clone(),
            leptos_options: options,
            site: SiteInfo {
                public_url: public_url.clone(),
                checkout_hold_minutes: app::checkout::hold_seconds(
                    config.checkout_hold_seconds,
                    stripe.is_some(),
                ) / 60,
                first_response_minutes: config.first_response_minutes,
                demo_payments: config.payments == crate::config::PaymentsMode::Demo,
                return_window_days: config.return_window_days,
            },
            media_dir: config.media_dir.clone(),
            trust_proxy: config.trust_proxy.clone(),
            checkout_hold_seconds: config.checkout_hold_seconds,
            stripe,
        };
        tracing::info!(
            provider = if state.stripe.is_some() {
                "stripe"
            } else {
                "demo"
            },
            "payments"
        );
        let stripe = state.stripe.clone();
        let page_cache = crate::page_cache::PageCache::new(
            db.clone(),
            config.page_cache_bytes,
            public_url.starts_with("https://"),
        );
        app::journey::recorder::start(db.clone());
        app::catalog::engine::start(db.clone())
            .await
            .context("building the search index")?;
        Ok(Application {
            listener,
            router: router(state, page_cache),
            mailer: crate::mailer::Mailer::new(db.clone(), config),
            db,
            public_url,
            stripe,
            reminder_delay_seconds: config.reminder_delay_seconds,
            event_retention_days: config.event_retention_days,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(addr = %self.local_addr(), "storefront listening");
        // Without TCP_NODELAY, a response written in several chunks waits on the
        // client's delayed ACK: about 40 ms per static file under load.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        tokio::spawn(self.mailer.run());
        tokio::spawn(self.db.clone().watch());
        tokio::spawn(delete_expired_sessions(self.db.clone()));
        tokio::spawn(reconcile_orders(
            self.db.clone(),
            self.public_url.clone(),
            self.stripe.clone(),
        ));
        tokio::spawn(send_checkout_reminders(
            self.db.clone(),
            self.public_url.clone(),
            self.reminder_delay_seconds,
        ));
        tokio::spawn(roll_up_analytics(
            self.db.clone(),
            self.event_retention_days,
        ));
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let db = self.db.clone();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving HTTP");
        // What the trail queue still holds is written before the process ends.
        app::journey::recorder::flush(&db).await;
        served
    }
}

/// Expired sessions are refused on load anyway; this keeps the table small.
async fn delete_expired_sessions(db: Db) {
    let store = SqlSessionStore::new(db);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match store.delete_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired sessions removed"),
            Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
        }
    }
}

/// Every minute: orders the provider says were paid are completed, unpaid ones past their
/// hold give their items back. Every app server runs this; repeats change nothing.
async fn reconcile_orders(
    db: Db,
    public_url: String,
    stripe: Option<app::checkout::stripe_payments::StripeProvider>,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match app::checkout::reconcile::reconcile(
            &db,
            app::db::now_unix(),
            &public_url,
            stripe.as_ref(),
        )
        .await
        {
            Ok(done) if done == Default::default() => {}
            Ok(done) => tracing::info!(
                completed = done.completed,
                expired = done.expired,
                unanswered = done.unanswered,
                refunded = done.refunded,
                "orders reconciled"
            ),
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "could not reconcile orders")
            }
        }
    }
}

/// Every minute: the one reminder of unpaid checkouts whose customers asked for it. Every
/// app server runs this; the database claim sends each once.
async fn send_checkout_reminders(db: Db, public_url: String, delay_seconds: i64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match app::checkout::recovery::send_reminders(
            &db,
            app::db::now_unix(),
            delay_seconds,
            &public_url,
        )
        .await
        {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "checkout reminders queued"),
            Err(error) => tracing::warn!(%error, "could not send checkout reminders"),
        }
    }
}

/// Every minute: closed days of the research trail are folded into the analytics rollups
/// (every app server runs this; each day is claimed once), and raw events past the
/// retention period, once rolled up, are deleted.
async fn roll_up_analytics(db: Db, retention_days: i64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = app::db::now_unix();
        match app::analytics::rollup::roll_up(&db, now).await {
            Ok(run) if run.days == 0 => {}
            Ok(run) => tracing::info!(days = run.days, events = run.events, "analytics rolled up"),
            Err(error) => tracing::warn!(%error, "could not roll up analytics"),
        }
        match app::analytics::rollup::purge(&db, now, retention_days).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "old journey events purged"),
            Err(error) => tracing::warn!(%error, "could not purge old journey events"),
        }
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
    // Open event streams would otherwise hold the graceful shutdown for minutes.
    app::tickets::live::stop_streams();
}

/// cargo-leptos's hash.txt beside the binary, when the build names assets by hash.
fn hash_file() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let file = exe.parent()?.join("hash.txt");
    file.exists().then_some(file)
}

/// Leptos options built from our configuration rather than from cargo-leptos's
/// environment, so the binary runs the same however it is started.
fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    // cargo-leptos writes hash.txt beside the binary when it hashes asset names; only
    // then may the page reference hashed files (and /pkg be cached forever).
    let hash_files = hash_file().is_some();
    LeptosOptions::builder()
        .output_name("storefront")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_files)
        .build()
}

pub fn router(
    state: AppState,
    page_cache: Option<std::sync::Arc<crate::page_cache::PageCache>>,
) -> Router {
    let routes = generate_route_list(app::App);
    let pkg_cache = if state.leptos_options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let pkg_dir = std::path::Path::new(&*state.leptos_options.site_root).join("pkg");
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.db.clone());
            provide_context(state.site.clone());
            provide_context(app::catalog::api::SUGGEST_PRODUCTS);
            provide_context(app::checkout::shipping::ESTIMATE);
        }
    };
    let https = state.site.public_url.starts_with("https://");
    let public_origin = security::PublicOrigin::from_url(&state.site.public_url)
        .expect("STOREFRONT_PUBLIC_URL was checked when the configuration was read");
    let security_settings = SecuritySettings { https };
    let sessions = SessionManagerLayer::new(SqlSessionStore::new(state.db.clone()))
        .with_name("sf_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::days(14),
        ));
    // Product forms carry an image: they get their own, larger body limit.
    let uploads = Router::new()
        .route("/admin/products/new", post(catalog_staff::post_new_product))
        .route(
            "/admin/products/{id}",
            post(catalog_staff::post_edit_product),
        )
        .layer(DefaultBodyLimit::max(catalog_staff::UPLOAD_LIMIT))
        .layer(RequestBodyLimitLayer::new(catalog_staff::UPLOAD_LIMIT));
    // Content forms may carry a 20 MB download: the handler refuses a larger declared
    // body with the form and a message (413) before reading it, and the multipart reader
    // stops at the limit when the size is not declared.
    let content_uploads = Router::new()
        .route("/admin/content/new", post(content_staff::post_content))
        .route("/admin/content/{id}", post(content_staff::post_content))
        .layer(DefaultBodyLimit::max(content_staff::CONTENT_UPLOAD_LIMIT));
    let shell = {
        let options = state.leptos_options.clone();
        move || app::shell(options.clone())
    };
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/sitemap.xml", get(routes::seo::sitemap))
        .route("/robots.txt", get(routes::seo::robots))
        .route("/feed.xml", get(routes::content::feed))
        .route("/learn/{slug}/download", get(routes::content::download))
        .route("/media/content/{file}", get(routes::content::infographic))
        .route("/compare/tray", post(routes::compare_tray::update_tray))
        .route(
            "/admin/products/{id}/stock",
            post(catalog_staff::post_product_stock),
        )
        .route(
            "/admin/products/{id}/status",
            post(catalog_staff::post_product_status),
        )
        .route(
            "/admin/products/{id}/options",
            post(catalog_staff::post_product_options),
        )
        .route(
            "/admin/products/{id}/variants",
            post(catalog_staff::post_product_variants),
        )
        .route("/admin/categories", post(catalog_staff::post_categories))
        .route(
            "/admin/search-words",
            post(catalog_staff::post_search_words),
        )
        .route("/admin/staff", post(admin_forms::post_staff))
        .route("/admin/personas", post(content_staff::post_personas))
        .route(
            "/media/uploads/{folder}/{file}",
            get(admin_forms::uploaded_file),
        )
        .route("/media/demo/{file}", get(routes::media::product_picture))
        .route(
            "/media/category/{file}",
            get(routes::media::category_picture),
        )
        .merge(app::accounts::routes())
        .merge(app::journey::routes())
        .merge(app::discounts::routes())
        .merge(app::analytics::routes())
        .merge(app::cart::routes())
        .merge(app::checkout::routes())
        .merge(app::tickets::routes())
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(pkg_cache),
                ))
                .service(
                    // `cargo xtask` writes .br/.gz beside each asset at build time.
                    ServeDir::new(pkg_dir)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(get(routes::assets::archived_asset).with_state(state.db.clone())),
                ),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        // No form or server function of the storefront needs more; the product forms
        // (merged below, after this layer) have their own, larger limit.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(uploads)
        .merge(content_uploads)
        .layer(middleware::from_fn_with_state(
            state.db.clone(),
            app::cart::count_cart_items,
        ))
        .layer(middleware::from_fn_with_state(
            state.db.clone(),
            app::tickets::count_unread_tickets,
        ))
        .layer(middleware::from_fn_with_state(
            state.db.clone(),
            resolve_current_user,
        ))
        .layer(sessions)
        // Outside the session, user and cart lookups: a kept page needs none of them.
        .layer(middleware::from_fn_with_state(
            page_cache,
            crate::page_cache::serve_kept_pages,
        ))
        .layer(middleware::from_fn_with_state(
            app::journey::visitor::VisitorCookieSettings { secure: https },
            app::journey::visitor::identify_visitor,
        ))
        .layer(middleware::from_fn(crate::faults::server_fn_statuses))
        .layer(middleware::from_fn_with_state(
            state.db.clone(),
            crate::faults::database_guard,
        ))
        .layer(middleware::from_fn(crate::input::clean_input))
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(state.trust_proxy.clone()),
            security::record_client_ip,
        ))
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(public_origin),
            security::reject_cross_origin_writes,
        ))
        .layer(middleware::from_fn_with_state(
            security_settings,
            security::security_headers,
        ))
        // Bodies of known, modest size are compressed whole by a bounded number of
        // encoders (`compression`); what is larger or unending streams through
        // tower-http's layer. Its default brotli level is its slowest (11), which every
        // browser asks for; level 4 is quick and a little less tight. Build assets come
        // precompressed at the best level (see `/pkg`).
        .layer(middleware::from_fn_with_state(
            crate::compression::encoders(),
            crate::compression::compress_whole_bodies,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
