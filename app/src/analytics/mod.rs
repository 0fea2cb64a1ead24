//! One funnel for marketing and sales (`/admin/analytics`): the purchase funnel with its
//! breakdowns, the guides' reading and the revenue credited to them under five models
//! (frozen when each order was paid, `journey::attribution`), sales' tickets and outcomes,
//! and the content backlog (thin searches, lost-ticket reasons, uncovered persona × stage
//! cells). Every table is exportable as CSV; everything works without JavaScript.
//!
//! This room sits above the features it reports on and only reads what they record.

pub mod fold;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod rollup;

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
/// and the tests all see the same numbers): the rollups of closed days plus the open day
/// folded from raw events.
#[cfg(feature = "ssr")]
pub async fn build_dashboard(
    db: &crate::db::Db,
    range: model::Range,
    filter: model::Filter,
    target_minutes: i64,
) -> Result<Dashboard, sqlx::Error> {
    build(db, range, filter, target_minutes, false).await
}

/// The same dashboard folded from the raw events alone, ignoring the rollups: what the
/// rollups must agree with (tests and the benchmark compare the two).
#[cfg(feature = "ssr")]
pub async fn build_dashboard_raw(
    db: &crate::db::Db,
    range: model::Range,
    filter: model::Filter,
    target_minutes: i64,
) -> Result<Dashboard, sqlx::Error> {
    build(db, range, filter, target_minutes, true).await
}

/// The guide's row in `content`, added empty when it has none yet.
#[cfg(feature = "ssr")]
fn row_for<'a>(
    content: &'a mut Vec<model::ContentRow>,
    slug: &str,
    title_of: &impl Fn(&str) -> (String, String),
) -> &'a mut model::ContentRow {
    let index = match content.iter().position(|row| row.slug == slug) {
        Some(index) => index,
        None => {
            content.push(model::ContentRow::empty(slug, title_of(slug)));
            content.len() - 1
        }
    };
    &mut content[index]
}

/// How every report cuts visitors: (persona, entry stage, entry guide, steps, furthest
/// stage).
#[cfg(feature = "ssr")]
type GroupKey = (String, String, String, i64, i64);

/// What the rollups and the open days say about the range, read consistently.
#[cfg(feature = "ssr")]
struct Figures {
    /// Visitors per group.
    groups: std::collections::HashMap<GroupKey, i64>,
    content: std::collections::BTreeMap<String, fold::ContentDay>,
    searches: std::collections::BTreeMap<String, (i64, i64)>,
    open: rollup::OpenDays,
}

#[cfg(feature = "ssr")]
async fn figures(
    db: &crate::db::Db,
    range: &model::Range,
    raw: bool,
) -> Result<Figures, sqlx::Error> {
    let (from_day, to_day) = (
        range.from.div_euclid(fold::DAY),
        range.to.div_euclid(fold::DAY),
    );
    let in_range = |day: i64| day >= from_day && day < to_day;
    // A rollup that commits between reading the open days and the stored days would count
    // its day twice: read again when the boundary moved meanwhile.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let open = rollup::open_days(db, raw).await?;
        let mut groups = std::collections::HashMap::new();
        let mut content: std::collections::BTreeMap<String, fold::ContentDay> = Default::default();
        let mut searches: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
        let mut add_search = |query: &str, times: i64, results: i64| {
            let row = searches.entry(query.to_string()).or_insert((0, results));
            row.0 += times;
            row.1 = row.1.min(results);
        };
        if let Some(stored_until) = open.stored_until_day {
            let to = to_day.min(stored_until);
            for (cell, n) in repo::funnel_groups(db, from_day, to).await? {
                *groups
                    .entry((
                        cell.persona,
                        cell.entry_stage,
                        cell.entry_guide,
                        cell.steps,
                        cell.furthest_stage,
                    ))
                    .or_insert(0) += n;
            }
            for (slug, day) in repo::content_range(db, from_day, to).await? {
                content.entry(slug).or_default().add(&day);
            }
            for (query, times, results) in repo::thin_searches(db, from_day, to).await? {
                add_search(&query, times, results);
            }
        }
        for (cell, n) in open.fold.cell_deltas() {
            if in_range(cell.day) {
                *groups
                    .entry((
                        cell.persona,
                        cell.entry_stage,
                        cell.entry_guide,
                        cell.steps,
                        cell.furthest_stage,
                    ))
                    .or_insert(0) += n;
            }
        }
        for ((day, slug), figures) in &open.fold.content {
            if in_range(*day) {
                content.entry(slug.clone()).or_default().add(figures);
            }
        }
        for ((day, query), search) in &open.fold.searches {
            if in_range(*day) && (0..=2).contains(&search.results) {
                add_search(query, search.searches, search.results);
            }
        }
        let still = if raw {
            None
        } else {
            repo::rolled_until(db.pool()).await?
        };
        let moved = !raw && still.map(|t| t.div_euclid(fold::DAY)) != open.stored_until_day;
        if !moved || attempts >= 3 {
            groups.retain(|_, n| *n != 0);
            return Ok(Figures {
                groups,
                content,
                searches,
                open,
            });
        }
    }
}

#[cfg(feature = "ssr")]
async fn build(
    db: &crate::db::Db,
    range: model::Range,
    filter: model::Filter,
    target_minutes: i64,
    raw: bool,
) -> Result<Dashboard, sqlx::Error> {
    use crate::journey::attribution::Model;
    use model::{funnel, median, FULL, WITHOUT_GUIDE};
    // This server's queued trail events belong to the open day too.
    crate::journey::recorder::flush(db).await;
    let (from_day, to_day) = (
        range.from.div_euclid(fold::DAY),
        range.to.div_euclid(fold::DAY),
    );
    let Figures {
        groups,
        content: reading,
        searches,
        open,
    } = figures(db, &range, raw).await?;
    let kept: Vec<(&GroupKey, i64)> = groups
        .iter()
        .filter(|(key, _)| filter.keeps(&key.0))
        .map(|(key, n)| (key, *n))
        .collect();
    let steps_of = |pick: &dyn Fn(&GroupKey) -> bool| -> Vec<(i64, i64)> {
        kept.iter()
            .filter(|(key, _)| pick(key))
            .map(|(key, n)| (key.3, *n))
            .collect()
    };
    let names = repo::persona_names(db).await?;
    let titles = repo::content_titles(db).await?;
    let title_of = |slug: &str| {
        titles.iter().find(|(s, _, _)| s == slug).map_or_else(
            || (slug.to_string(), String::new()),
            |(_, t, st)| (t.clone(), st.clone()),
        )
    };
    let mut by_persona = Vec::new();
    let mut progression = Vec::new();
    for (slug, name) in names
        .iter()
        .map(|(slug, name)| (slug.as_str(), name.as_str()))
        .chain(std::iter::once(("", "No persona chosen")))
    {
        let group = steps_of(&|key| key.0 == slug);
        if group.iter().map(|(_, n)| n).sum::<i64>() == 0 {
            continue;
        }
        by_persona.push((name.to_string(), funnel(&group, &FULL)));
        let reached = |stage: i64| -> i64 {
            kept.iter()
                .filter(|(key, _)| key.0 == slug && key.4 >= stage)
                .map(|(_, n)| n)
                .sum()
        };
        progression.push(model::Progression {
            persona: name.to_string(),
            visitors: reached(0),
            stages: [reached(1), reached(2), reached(3)],
            ordered: kept
                .iter()
                .filter(|(key, _)| key.0 == slug && key.4 >= 1 && key.3 & fold::PAID != 0)
                .map(|(_, n)| n)
                .sum(),
        });
    }
    let mut by_entry_stage = Vec::new();
    for (key, label) in [
        ("awareness", "Entered at awareness"),
        ("consideration", "Entered at consideration"),
        ("decision", "Entered at decision"),
        ("", "Read no guide"),
    ] {
        let group = steps_of(&|k| k.1 == key);
        if group.iter().map(|(_, n)| n).sum::<i64>() > 0 {
            by_entry_stage.push((label.to_string(), funnel(&group, &WITHOUT_GUIDE)));
        }
    }
    let mut entry_guides: Vec<(String, i64)> = Vec::new();
    for (key, n) in &kept {
        if key.2.is_empty() {
            continue;
        }
        match entry_guides.iter_mut().find(|(slug, _)| *slug == key.2) {
            Some(row) => row.1 += n,
            None => entry_guides.push((key.2.clone(), *n)),
        }
    }
    entry_guides.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let by_entry_guide = entry_guides
        .iter()
        .take(8)
        .map(|(slug, _)| {
            (
                title_of(slug).0,
                funnel(&steps_of(&|k| k.2 == *slug), &WITHOUT_GUIDE),
            )
        })
        .collect();
    // The visitors behind a step and the paid ones' time to pay: stored states, with the
    // open days' changes laid over them.
    let persona = filter.persona_slug();
    let stored_to = open.stored_until_day.map_or(from_day, |d| to_day.min(d));
    let overlay = |stored: Vec<fold::VisitorState>, mask: i64| -> Vec<fold::VisitorState> {
        let mut rows: Vec<fold::VisitorState> = stored
            .into_iter()
            .filter(|s| !open.fold.visitors.contains_key(&s.visitor))
            .chain(open.fold.visitors.values().cloned())
            .filter(|s| {
                s.cohort_day() >= from_day
                    && s.cohort_day() < to_day
                    && s.steps & mask == mask
                    && filter.keeps(&s.persona)
            })
            .collect();
        rows.sort_by(|a, b| a.first_at.cmp(&b.first_at).then(a.visitor.cmp(&b.visitor)));
        rows
    };
    let (drill, drill_total) = match filter.step {
        Some(step) => {
            let position = FULL.iter().position(|s| *s == step).unwrap_or(0);
            let mask = model::mask_through(&FULL, position);
            let stored = if stored_to > from_day {
                repo::visitors_with(
                    db,
                    from_day,
                    stored_to,
                    mask,
                    step == model::Step::Paid,
                    persona,
                    400,
                )
                .await?
            } else {
                Vec::new()
            };
            let total = funnel(&steps_of(&|_| true), &FULL)[position].count;
            let rows = overlay(stored, mask)
                .into_iter()
                .take(200)
                .map(|v| model::DrillRow {
                    visitor: v.visitor.chars().take(8).collect(),
                    first_at: v.first_at,
                    furthest: model::furthest(v.steps),
                    paid_at: v.paid_at,
                    order: v.paid_order.clone(),
                })
                .collect();
            (rows, usize::try_from(total).unwrap_or(0))
        }
        None => (Vec::new(), 0),
    };
    let stored_paid = if stored_to > from_day {
        repo::visitors_with(
            db,
            from_day,
            stored_to,
            fold::PAID,
            true,
            persona,
            1_000_000,
        )
        .await?
    } else {
        Vec::new()
    };
    let mut to_pay: Vec<i64> = overlay(stored_paid, fold::PAID)
        .iter()
        .filter_map(|v| v.paid_at.map(|at| at - v.first_at))
        .collect();
    let (revenue, attributed_revenue) = repo::revenue(db, &range).await?;
    let credits = repo::content_credits(db, &range).await?;
    let mut content: Vec<model::ContentRow> = reading
        .iter()
        .filter(|(_, day)| day.reads > 0 || day.tickets > 0)
        .map(|(slug, day)| model::ContentRow {
            readers: day.readers,
            avg_depth: day.depth_sum.checked_div(day.depth_n).unwrap_or(0),
            avg_seconds: day.seconds_sum.checked_div(day.seconds_n).unwrap_or(0),
            tickets_after: day.tickets,
            ..model::ContentRow::empty(slug, title_of(slug))
        })
        .collect();
    let mut model_totals = vec![0; Model::ALL.len()];
    for (slug, model_key, cents, orders) in &credits {
        let Some(index) = Model::ALL.iter().position(|m| m.key() == model_key) else {
            continue;
        };
        model_totals[index] += cents;
        // Credited for orders of the range, though maybe read before it.
        let row = row_for(&mut content, slug, &title_of);
        row.credits[index] += cents;
        // Linear credits every guide read, so its rows count the orders each assisted.
        if *model_key == Model::Linear.key() {
            row.assisted_orders = *orders;
        }
    }
    for (slug, won, lost, cents) in repo::ticket_credits(db, &range).await? {
        let row = row_for(&mut content, &slug, &title_of);
        row.won_tickets = won;
        row.lost_tickets = lost;
        row.quote_credit = cents;
    }
    content.sort_by(|a, b| b.readers.cmp(&a.readers).then_with(|| a.slug.cmp(&b.slug)));
    let mut thin: Vec<(String, i64, i64)> = searches
        .into_iter()
        .map(|(query, (times, results))| (query, times, results))
        .collect();
    thin.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    thin.truncate(20);
    let all = steps_of(&|_| true);
    Ok(Dashboard {
        filter,
        drill,
        drill_total,
        funnel: funnel(&all, &FULL),
        readers: funnel(&steps_of(&|k| k.3 & fold::GUIDE != 0), &WITHOUT_GUIDE),
        non_readers: funnel(&steps_of(&|k| k.3 & fold::GUIDE == 0), &WITHOUT_GUIDE),
        by_persona,
        by_entry_stage,
        by_entry_guide,
        progression,
        median_time_to_pay: median(&mut to_pay),
        content,
        revenue,
        attributed_revenue,
        model_totals,
        sales: sales(db, &range, target_minutes).await?,
        gaps: gaps(db, &range, &names, thin).await?,
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
    searches: Vec<(String, i64, i64)>,
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
        searches,
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
            for (name, steps) in &dashboard.by_entry_guide {
                write_funnel(&mut out, &format!("First guide: {name}"), steps);
            }
        }
        "stages" => {
            let _ = out.write_record([
                "persona",
                "visitors",
                "read awareness or later",
                "read consideration or later",
                "read decision",
                "readers who paid",
                "most stopped",
            ]);
            for p in &dashboard.progression {
                let _ = out.write_record([
                    p.persona.clone(),
                    p.visitors.to_string(),
                    p.stages[0].to_string(),
                    p.stages[1].to_string(),
                    p.stages[2].to_string(),
                    p.ordered.to_string(),
                    p.stalled_at().to_string(),
                ]);
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
                "tickets won".into(),
                "tickets lost".into(),
                "quote revenue".into(),
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
                    row.won_tickets.to_string(),
                    row.lost_tickets.to_string(),
                    money(row.quote_credit),
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

/// GET /admin/analytics/export?table=funnel|stages|content|sales|gaps&range=…: a table as CSV.
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
            "No such table: ask for funnel, stages, content, sales or gaps.",
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
