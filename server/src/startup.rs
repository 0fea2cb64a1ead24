//! Builds the application: database, router, middleware, and a listener that can bind
//! port 0 so tests get a real server on a random port.

use crate::config::Config;
use crate::routes;
use crate::security::{self, SecuritySettings};
use anyhow::Context;
use app::db::Db;
use app::seo::SiteInfo;
use axum::extract::FromRef;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::{middleware, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted anywhere (64 KiB); bigger ones get a 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub site: SiteInfo,
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
}

impl Application {
    /// Connects to the database, runs pending migrations and binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {} (STOREFRONT_ADDR)", config.addr))?;
        let local = listener.local_addr()?;
        let public_url = if config.addr.port() == 0 {
            format!("http://{local}")
        } else {
            config.public_url.clone()
        };
        let state = AppState {
            db: db.clone(),
            leptos_options: leptos_options(config, local),
            site: SiteInfo { public_url },
        };
        Ok(Application {
            listener,
            router: router(state),
            db,
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
        axum::serve(listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving HTTP")
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}

/// Leptos options built from our configuration rather than from cargo-leptos's
/// environment, so the binary runs the same however it is started.
fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    // cargo-leptos writes hash.txt beside the binary when it hashes asset names; only
    // then may the page reference hashed files (and /pkg be cached forever).
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").exists()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name("storefront")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_files)
        .build()
}

pub fn router(state: AppState) -> Router {
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
        }
    };
    let security_settings = SecuritySettings {
        https: state.site.public_url.starts_with("https://"),
    };
    let shell = {
        let options = state.leptos_options.clone();
        move || app::shell(options.clone())
    };
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/sitemap.xml", get(routes::seo::sitemap))
        .route("/robots.txt", get(routes::seo::robots))
        .route("/compare/tray", post(routes::compare_tray::update_tray))
        .route("/media/demo/{file}", get(routes::media::product_picture))
        .route(
            "/media/category/{file}",
            get(routes::media::category_picture),
        )
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(pkg_cache),
                ))
                .service(ServeDir::new(pkg_dir)),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        // No form or server function of the storefront needs more; uploads will get their
        // own, larger limit on their own route.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(security::reject_cross_origin_writes))
        .layer(middleware::from_fn_with_state(
            security_settings,
            security::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
