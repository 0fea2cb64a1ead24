//! One funnel for marketing and sales (`/admin/analytics`): the purchase funnel with its
//! breakdowns, the guides' reading and the revenue credited to them under five models
//! (frozen when each order was paid, `journey::attribution`), sales' tickets and outcomes,
//! and the content backlog (thin searches, lost-ticket reasons, uncovered persona × stage
//! cells). Every table is exportable as CSV; everything works without JavaScript.
//!
//! This room sits above the features it reports on and only reads what they record.

pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

use crate::error::AppError;
use leptos::prelude::*;
use model::Dashboard;

/// The dashboard for the range the page asks for (`range` preset or `from`/`to` days).
#[server(endpoint = "admin/analytics")]
pub async fn load_dashboard(
    range: String,
    from: String,
    to: String,
    persona: String,
    step: String,
) -> Result<Dashboard, AppError> {
    crate::admin::guard::require(
        &crate::request::RequestContext::current(),
        crate::request::Area::Analytics,
    )?;
    let db = crate::db::use_db()?;
    let range = model::Range::parse(&range, &from, &to, crate::db::now_unix());
    let target = use_context::<crate::seo::SiteInfo>().map_or(60, |s| s.first_response_minutes);
    let filter = model::Filter {
        persona,
        step: model::Step::parse(&step),
    };
    Ok(build_dashboard(&db, range, filter, target).await?)
}

/// Reads the range's figures and puts the dashboard together (the page, the CSV exports
/// and the tests all see the same numbers).
#[cfg(feature = "ssr")]
pub async fn build_dashboard(
    db: &crate::db::Db,
    range: model::Range,
    filter: model::Filter,
    target_minutes: i64,
) -> Result<Dashboard, sqlx::Error> {
    use crate::journey::attribution::Model;
    use model::{funnel, median, FULL, WITHOUT_GUIDE};
    let visitors: Vec<model::VisitorSteps> = repo::visitor_steps(db, &range)
        .await?
        .into_iter()
        .filter(|v| filter.keeps(v))
        .collect();
    let behind = filter
        .step
        .map(|step| model::behind_step(&visitors, &FULL, step))
        .unwrap_or_default();
    let drill_total = behind.len();
    let drill: Vec<model::DrillRow> = behind
        .into_iter()
        .take(200)
        .map(|v| model::DrillRow {
            visitor: v.visitor.chars().take(8).collect(),
            first_at: v.first_at,
            furthest: model::furthest(v),
            paid_at: v.paid_at,
            order: v.paid_order.clone(),
        })
        .collect();
    let readers: Vec<_> = visitors.iter().filter(|v| v.guide).cloned().collect();
    let non_readers: Vec<_> = visitors.iter().filter(|v| !v.guide).cloned().collect();
    let names = repo::persona_names(db).await?;
    let mut by_persona = Vec::new();
    for (slug, name) in names
        .iter()
        .map(|(slug, name)| (slug.as_str(), name.as_str()))
        .chain(std::iter::once(("", "No persona chosen")))
    {
        let group: Vec<_> = visitors
            .iter()
            .filter(|v| v.persona == slug)
            .cloned()
            .collect();
        if !group.is_empty() {
            by_persona.push((name.to_string(), funnel(&group, &FULL)));
        }
    }
    let mut by_entry_stage = Vec::new();
    for (key, label) in [
        ("awareness", "Entered at awareness"),
        ("consideration", "Entered at consideration"),
        ("decision", "Entered at decision"),
        ("", "Read no guide"),
    ] {
        let group: Vec<_> = visitors
            .iter()
            .filter(|v| v.entry_stage == key)
            .cloned()
            .collect();
        if !group.is_empty() {
            by_entry_stage.push((label.to_string(), funnel(&group, &WITHOUT_GUIDE)));
        }
    }
    let mut to_pay: Vec<i64> = visitors
        .iter()
        .filter_map(|v| v.paid_at.map(|at| at - v.first_at))
        .collect();
    let (revenue, attributed_revenue) = repo::revenue(db, &range).await?;
    let figures = repo::content_figures(db, &range).await?;
    let titles = repo::content_titles(db).await?;
    let mut content: Vec<model::ContentRow> = figures
        .reading
        .iter()
        .map(
            |(slug, title, stage, readers, depth, seconds, tickets)| model::ContentRow {
                slug: slug.clone(),
                title: title.clone(),
                stage: stage.clone(),
                readers: *readers,
                avg_depth: *depth,
                avg_seconds: *seconds,
                assisted_orders: 0,
                tickets_after: *tickets,
                credits: vec![0; Model::ALL.len()],
            },
        )
        .collect();
    let mut model_totals = vec![0; Model::ALL.len()];
    for (slug, model_key, cents, orders) in &figures.credits {
        let Some(index) = Model::ALL.iter().position(|m| m.key() == model_key) else {
            continue;
        };
        model_totals[index] += cents;
        if !content.iter().any(|row| &row.slug == slug) {
            // Credited for orders of the range, though read before it.
            let (title, stage) = titles
                .iter()
                .find(|(s, _, _)| s == slug)
                .map(|(_, t, st)| (t.clone(), st.clone()))
                .unwrap_or_else(|| (slug.clone(), String::new()));
            content.push(model::ContentRow {
                slug: slug.clone(),
                title,
                stage,
                readers: 0,
                avg_depth: 0,
                avg_seconds: 0,
                assisted_orders: 0,
                tickets_after: 0,
                credits: vec![0; Model::ALL.len()],
            });
        }
        if let Some(row) = content.iter_mut().find(|row| &row.slug == slug) {
            row.credits[index] += cents;
            // Linear credits every guide read, so its rows count the orders each assisted.
            if *model_key == Model::Linear.key() {
                row.assisted_orders = *orders;
            }
        }
    }
    Ok(Dashboard {
        filter,
        drill,
        drill_total,
        funnel: funnel(&visitors, &FULL),
        readers: funnel(&readers, &WITHOUT_GUIDE),
        non_readers: funnel(&non_readers, &WITHOUT_GUIDE),
        by_persona,
        by_entry_stage,
        median_time_to_pay: median(&mut to_pay),
        content,
        revenue,
        attributed_revenue,
        model_totals,
        sales: sales(db, &range, target_minutes).await?,
        gaps: gaps(db, &range, &names).await?,
        personas: names,
        currency: crate::money::Currency::Usd,
        range,
    })
}

#[cfg(feature = "ssr")]
async fn sales(
    db: &crate::db::Db,
    range: &model::Range,
    target_minutes: i64,
) -> Result<model::SalesView, sqlx::Error> {
    let tickets = repo::tickets(db, range).await?;
    let mut by_stage: Vec<(String, i64, i64, i64)> = Vec::new();
    for (stage, status, _, _) in &tickets {
        let label = if stage.is_empty() {
            "unknown"
        } else {
            stage.as_str()
        };
        let row = match by_stage.iter_mut().position(|r| r.0 == label) {
            Some(i) => &mut by_stage[i],
            None => {
                by_stage.push((label.to_string(), 0, 0, 0));
                by_stage.last_mut().expect("just pushed")
            }
        };
        row.1 += 1;
        row.2 += i64::from(status == "won");
        row.3 += i64::from(status == "lost");
    }
    by_stage.sort_by_key(|r| match r.0.as_str() {
        "awareness" => 0,
        "consideration" => 1,
        "decision" => 2,
        _ => 3,
    });
    let mut responses: Vec<i64> = tickets
        .iter()
        .filter_map(|(_, _, created, first)| first.map(|f| f - created))
        .collect();
    let (quote_revenue, talked_revenue, alone_revenue) = repo::sales_revenue(db, range).await?;
    Ok(model::SalesView {
        won: by_stage.iter().map(|r| r.2).sum(),
        lost: by_stage.iter().map(|r| r.3).sum(),
        by_stage,
        response_buckets: model::bucket_responses(&responses),
        unanswered: tickets.iter().filter(|t| t.3.is_none()).count() as i64,
        median_first_response: model::median(&mut responses),
        target_minutes,
        quote_revenue,
        talked_revenue,
        alone_revenue,
    })
}

#[cfg(feature = "ssr")]
async fn gaps(
    db: &crate::db::Db,
    range: &model::Range,
    personas: &[(String, String)],
) -> Result<model::GapView, sqlx::Error> {
    let coverage = repo::coverage(db).await?;
    let mut empty_cells = Vec::new();
    for (slug, name) in personas {
        for stage in crate::cards::model::Stage::ALL {
            let covered = coverage
                .iter()
                .any(|(p, s, n)| p == slug && s == stage.key() && *n > 0);
            if !covered {
                empty_cells.push((name.clone(), slug.clone(), stage.key().to_string()));
            }
        }
    }
    Ok(model::GapView {
        searches: repo::thin_searches(db, range).await?,
        lost_reasons: repo::lost_reasons(db, range).await?,
        empty_cells,
    })
}

/// The dashboard's tables as CSV (`/admin/analytics/export?table=…` with the range).
#[cfg(feature = "ssr")]
pub fn csv_of(dashboard: &Dashboard, table: &str) -> Option<String> {
    use crate::journey::attribution::Model;
    let mut out = csv::Writer::from_writer(Vec::new());
    let money = |cents: i64| crate::money::minor_to_plain(cents);
    let write_funnel =
        |out: &mut csv::Writer<Vec<u8>>, group: &str, steps: &[model::FunnelStep]| {
            for s in steps {
                let _ = out.write_record([
                    group,
                    s.step.label(),
                    &s.count.to_string(),
                    &model::percent(s.conversion_bp),
                    &s.dropped.to_string(),
                ]);
            }
        };
    match table {
        "funnel" => {
            let _ = out.write_record([
                "group",
                "step",
                "visitors",
                "conversion from previous step",
                "dropped off",
            ]);
            write_funnel(&mut out, "All visitors", &dashboard.funnel);
            write_funnel(&mut out, "Read a guide", &dashboard.readers);
            write_funnel(&mut out, "Read no guide", &dashboard.non_readers);
            for (name, steps) in &dashboard.by_persona {
                write_funnel(&mut out, name, steps);
            }
            for (name, steps) in &dashboard.by_entry_stage {
                write_funnel(&mut out, name, steps);
            }
        }
        "content" => {
            let mut header = vec![
                "guide".to_string(),
                "slug".into(),
                "stage".into(),
                "readers".into(),
                "average depth %".into(),
                "average seconds".into(),
                "assisted orders".into(),
                "tickets after reading".into(),
            ];
            header.extend(Model::ALL.iter().map(|m| format!("revenue, {}", m.label())));
            let _ = out.write_record(&header);
            for row in &dashboard.content {
                let mut record = vec![
                    row.title.clone(),
                    row.slug.clone(),
                    row.stage.clone(),
                    row.readers.to_string(),
                    row.avg_depth.to_string(),
                    row.avg_seconds.to_string(),
                    row.assisted_orders.to_string(),
                    row.tickets_after.to_string(),
                ];
                record.extend(row.credits.iter().map(|c| money(*c)));
                let _ = out.write_record(&record);
            }
        }
        "sales" => {
            let _ = out.write_record(["stage at opening", "tickets", "won", "lost"]);
            for (stage, opened, won, lost) in &dashboard.sales.by_stage {
                let _ = out.write_record([
                    stage.as_str(),
                    &opened.to_string(),
                    &won.to_string(),
                    &lost.to_string(),
                ]);
            }
        }
        "gaps" => {
            let _ = out.write_record(["kind", "what", "how often", "detail"]);
            for (text, times, results) in &dashboard.gaps.searches {
                let _ = out.write_record([
                    "search with few results",
                    text,
                    &times.to_string(),
                    &format!("{results} results"),
                ]);
            }
            for (reason, times) in &dashboard.gaps.lost_reasons {
                let _ = out.write_record(["lost ticket", reason, &times.to_string(), ""]);
            }
            for (persona, _, stage) in &dashboard.gaps.empty_cells {
                let _ = out.write_record(["no guide", persona, "0", stage]);
            }
        }
        _ => return None,
    }
    out.into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// GET /admin/analytics/export?table=funnel|content|sales|gaps&range=…: a table as CSV.
#[cfg(feature = "ssr")]
pub async fn get_export(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, _) = request.into_parts();
    let value = |name: &str| query.get(name).cloned().unwrap_or_default();
    if let Err(error) = crate::admin::guard::require(
        &crate::request::RequestContext::of(&parts),
        crate::request::Area::Analytics,
    ) {
        let status = axum::http::StatusCode::from_u16(error.status_code())
            .unwrap_or(axum::http::StatusCode::NOT_FOUND);
        return (status, error.to_string()).into_response();
    }
    let range = model::Range::parse(
        &value("range"),
        &value("from"),
        &value("to"),
        crate::db::now_unix(),
    );
    let table = value("table");
    let filter = model::Filter {
        persona: value("persona"),
        step: None,
    };
    let target = ctx.site.first_response_minutes;
    let dashboard = match build_dashboard(&ctx.db, range, filter, target).await {
        Ok(dashboard) => dashboard,
        Err(error) => {
            tracing::error!(%error, "analytics export failed");
            return (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                AppError::Internal.to_string(),
            )
                .into_response();
        }
    };
    match csv_of(&dashboard, &table) {
        Some(body) => {
            let name = format!(
                "storefront-{table}-{}-{}.csv",
                crate::time::iso_date(dashboard.range.from),
                crate::time::iso_date(dashboard.range.to - 1)
            );
            (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "text/csv; charset=utf-8".to_string(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                body,
            )
                .into_response()
        }
        None => (
            axum::http::StatusCode::NOT_FOUND,
            "No such table: ask for funnel, content, sales or gaps.",
        )
            .into_response(),
    }
}

/// The export endpoint.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
{
    axum::Router::new().route("/admin/analytics/export", axum::routing::get(get_export))
}

/// The dashboard page. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn AnalyticsPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin/analytics") view=crate::analytics::pages::AnalyticsPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
