//! `/admin/analytics`: the dashboard marketing, sales and admins share. Charts are drawn
//! on the server as SVG, each beside a table with the same numbers (what screen readers and
//! CSV exports read); the range is a plain GET form, so nothing needs JavaScript.

use super::load_dashboard;
use super::model::{
    duration, model_labels, percent, Dashboard, FunnelStep, Step, PRESETS, RESPONSE_BUCKETS,
};
use crate::admin::frame::{admin_error, AdminFrame};
use crate::money::Money;
use crate::ui::query_param;
use leptos::prelude::*;

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let (range, from, to) = (query_param("range"), query_param("from"), query_param("to"));
    let (persona, step) = (query_param("persona"), query_param("step"));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Adding up the funnel…"</p> }>
            {move || {
                let (range, from, to) = (range.clone(), from.clone(), to.clone());
                let (persona, step) = (persona.clone(), step.clone());
                Suspend::new(async move {
                    match load_dashboard(range, from, to, persona, step).await {
                        Ok(dashboard) => view! { <DashboardView dashboard/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

/// A horizontal bar chart: one bar per (label, value), with the values written beside.
#[component]
fn BarChart(
    title: String,
    bars: Vec<(String, i64)>,
    #[prop(optional)] money: bool,
) -> impl IntoView {
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let row = 34;
    let height = (bars.len() as i64 * row + 8).max(40);
    let id = format!("chart-{}", crate::slug::slugify(&title));
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 640 {height}") role="img" aria-labelledby=id.clone() preserveAspectRatio="xMinYMin meet">
                <title id=id.clone()>{title.clone()}</title>
                {bars.iter().enumerate().map(|(i, (label, value))| {
                    let y = i as i64 * row + 4;
                    let width = value * 380 / max;
                    let shown = if money { Money::new(*value, crate::money::Currency::Usd).format() } else { value.to_string() };
                    view! {
                        <g>
                            <text x="0" y=y + 20 class="chart__label">{label.clone()}</text>
                            <rect x="200" y=y + 4 width=width.max(2) height="22" rx="3" class="chart__bar"/>
                            <text x=210 + width y=y + 20 class="chart__value">{shown}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="visually-hidden">{format!("{title}; the table below has the same numbers.")}</figcaption>
        </figure>
    }
}

/// A table in a box that scrolls sideways on a phone (focusable, so keyboards can scroll).
#[component]
fn Scroll(label: String, children: Children) -> impl IntoView {
    view! { <div class="table-scroll" tabindex="0" role="region" aria-label=label>{children()}</div> }
}

/// The funnel table's rows; each step links to the visitors behind it (`base` is the
/// page's query without the step).
fn funnel_rows(steps: &[FunnelStep], base: &str) -> impl IntoView {
    steps
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/admin/analytics?{base}&step={}#drill", s.step.key())>{s.step.label()}</a></th>
                    <td class="num">{s.count}</td>
                    <td class="num">{if s.step == Step::Visited { "—".to_string() } else { percent(s.conversion_bp) }}</td>
                    <td class="num">{s.dropped}</td>
                </tr>
            }
        })
        .collect_view()
}

fn count_of(steps: &[FunnelStep], step: Step) -> i64 {
    steps.iter().find(|s| s.step == step).map_or(0, |s| s.count)
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let d = dashboard;
    let query = if d.filter.persona.is_empty() {
        d.range.query()
    } else {
        format!(
            "{}&persona={}",
            d.range.query(),
            crate::forms::url_encode(&d.filter.persona)
        )
    };
    let base = query.clone();
    let export = move |table: &str| format!("/admin/analytics/export?table={table}&{query}");
    let currency = d.currency;
    let money = move |cents: i64| Money::new(cents, currency).format();
    let visitors = count_of(&d.funnel, Step::Visited);
    let paid = count_of(&d.funnel, Step::Paid);
    let models = model_labels();
    let reconciles = d.model_totals.iter().all(|t| *t == d.attributed_revenue);
    let custom = d.range.preset.is_empty();
    view! {
        <AdminFrame title="Analytics" current="/admin/analytics">
            <div class="analytics">
            <p class="admin-intro">"One view of the purchase funnel for marketing and sales: where visitors go, which guides moved orders, and where the conversations and the content backlog stand."</p>
            <form method="get" action="/admin/analytics" class="panel analytics__range" aria-label="Date range">
                <div class="field">
                    <label for="range">"Period"</label>
                    <select id="range" name="range">
                        {PRESETS.iter().map(|(key, label, _)| view! {
                            <option value=*key selected=!custom && d.range.preset == *key>{*label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="from">"Or from"</label>
                    <input id="from" name="from" type="date" value=if custom { crate::time::iso_date(d.range.from) } else { String::new() }/>
                </div>
                <div class="field">
                    <label for="to">"to"</label>
                    <input id="to" name="to" type="date" value=if custom { crate::time::iso_date(d.range.to - 1) } else { String::new() }/>
                </div>
                <div class="field">
                    <label for="persona">"Persona"</label>
                    <select id="persona" name="persona">
                        <option value="" selected=d.filter.persona.is_empty()>"Everyone"</option>
                        {d.personas.iter().map(|(slug, name)| view! {
                            <option value=slug.clone() selected=d.filter.persona == *slug>{name.clone()}</option>
                        }).collect_view()}
                        <option value="none" selected=d.filter.persona == "none">"No persona chosen"</option>
                    </select>
                </div>
                <button class="btn btn--primary" type="submit">"Show"</button>
            </form>
            <p class="analytics__period">{format!("Showing {} (UTC).", d.range.label())}</p>
            <ul class="analytics__kpis">
                <li><span class="analytics__kpi">{visitors}</span>" visitors"</li>
                <li><span class="analytics__kpi">{paid}</span>" paid"</li>
                <li><span class="analytics__kpi">{money(d.revenue)}</span>" revenue"</li>
                <li><span class="analytics__kpi">{d.median_time_to_pay.map_or("—".to_string(), duration)}</span>" median time to pay"</li>
                <li><span class="analytics__kpi">{d.sales.win_rate_bp().map_or("—".to_string(), percent)}</span>" tickets won"</li>
            </ul>

            <section class="panel" aria-labelledby="funnel-heading">
                <h2 id="funnel-heading">"Funnel"</h2>
                <p class="muted">"Each step counts the visitors of the period who also reached every step before it."</p>
                <BarChart title="Visitors at each funnel step".to_string() bars=d.funnel.iter().map(|s| (s.step.label().to_string(), s.count)).collect()/>
                <Scroll label="Funnel".to_string()>
                    <table class="admin-table">
                        <caption class="visually-hidden">"Visitors at each funnel step"</caption>
                        <thead><tr><th scope="col">"Step"</th><th scope="col" class="num">"Visitors"</th><th scope="col" class="num">"From previous"</th><th scope="col" class="num">"Dropped off"</th></tr></thead>
                        <tbody>{funnel_rows(&d.funnel, &base)}</tbody>
                    </table>
                </Scroll>
                {d.filter.step.map(|step| view! { <Drill step rows=d.drill.clone() total=d.drill_total/> })}
                <h3>"Read a guide, or not"</h3>
                <Scroll label="Readers and non-readers".to_string()>
                    <table class="admin-table">
                        <thead><tr><th scope="col">"Step"</th><th scope="col" class="num">"Read a guide"</th><th scope="col" class="num">"Read none"</th></tr></thead>
                        <tbody>
                            {d.readers.iter().zip(&d.non_readers).map(|(r, n)| view! {
                                <tr>
                                    <th scope="row">{r.step.label()}</th>
                                    <td class="num">{format!("{} ({})", r.count, if r.step == Step::Visited { "—".to_string() } else { percent(r.conversion_bp) })}</td>
                                    <td class="num">{format!("{} ({})", n.count, if n.step == Step::Visited { "—".to_string() } else { percent(n.conversion_bp) })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </Scroll>
                <Breakdown title="By persona" groups=d.by_persona.clone()/>
                <Breakdown title="By the stage of the first guide read" groups=d.by_entry_stage.clone()/>
                <Breakdown title="By the first guide read" groups=d.by_entry_guide.clone()/>
                <p><a class="btn btn--small" href=export("funnel")>"Download the funnel (CSV)"</a></p>
            </section>

            <section class="panel" aria-labelledby="stages-heading">
                <h2 id="stages-heading">"Through the stages, by persona"</h2>
                <p class="muted">"How many of each persona's visitors read a guide at each stage or a later one, how many of those readers paid, and where most of them stopped."</p>
                {if d.progression.is_empty() {
                    view! { <p>"Nobody visited in this period."</p> }.into_any()
                } else {
                    view! {
                        <Scroll label="Through the stages, by persona".to_string()>
                            <table class="admin-table">
                                <thead><tr>
                                    <th scope="col">"Persona"</th><th scope="col" class="num">"Visitors"</th><th scope="col" class="num">"Awareness"</th>
                                    <th scope="col" class="num">"Consideration"</th><th scope="col" class="num">"Decision"</th><th scope="col" class="num">"Paid"</th><th scope="col">"Most stopped"</th>
                                </tr></thead>
                                <tbody>
                                    {d.progression.iter().map(|p| view! {
                                        <tr>
                                            <th scope="row">{p.persona.clone()}</th>
                                            <td class="num">{p.visitors}</td>
                                            {p.stages.iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view()}
                                            <td class="num">{p.ordered}</td>
                                            <td>{match p.stalled_at() { "" => "—", stop => stop }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </Scroll>
                    }.into_any()
                }}
                <p><a class="btn btn--small" href=export("stages")>"Download the stages (CSV)"</a></p>
            </section>

            <section class="panel" aria-labelledby="content-heading">
                <h2 id="content-heading">"Guides and the orders they moved"</h2>
                <p class="muted">{format!(
                    "Revenue of orders paid in the period, credited to the guides their buyers read in the 30 days before paying. {} of {} was paid after reading a guide; every model shares out exactly that{}.",
                    money(d.attributed_revenue), money(d.revenue),
                    if reconciles { "" } else { " (check: a model's total differs)" }
                )}</p>
                {if d.content.is_empty() {
                    view! { <div class="empty-state"><h3>"No guide was read in this period"</h3><p>"Pick a longer period, or share a guide."</p></div> }.into_any()
                } else {
                    view! {
                        <Scroll label="Guides and the orders they moved".to_string()>
                            <table class="admin-table">
                                <thead><tr>
                                    <th scope="col">"Guide"</th><th scope="col" class="num">"Readers"</th><th scope="col" class="num">"Read depth"</th>
                                    <th scope="col" class="num">"Time"</th><th scope="col" class="num">"Orders"</th><th scope="col" class="num">"Tickets after"</th>
                                    <th scope="col" class="num">"Won / lost"</th><th scope="col" class="num">"Quote revenue"</th>
                                    {models.iter().map(|m| view! { <th scope="col" class="num">{*m}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                    {d.content.iter().map(|row| view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/learn/{}", row.slug)>{row.title.clone()}</a><br/><span class="muted">{row.stage.clone()}</span></th>
                                            <td class="num">{row.readers}</td>
                                            <td class="num">{if row.avg_depth > 0 { format!("{}%", row.avg_depth) } else { "—".into() }}</td>
                                            <td class="num">{if row.avg_seconds > 0 { duration(row.avg_seconds) } else { "—".into() }}</td>
                                            <td class="num">{row.assisted_orders}</td>
                                            <td class="num">{row.tickets_after}</td>
                                            <td class="num">{format!("{} / {}", row.won_tickets, row.lost_tickets)}</td>
                                            <td class="num">{money(row.quote_credit)}</td>
                                            {row.credits.iter().map(|c| view! { <td class="num">{money(*c)}</td> }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                                <tfoot><tr>
                                    <th scope="row" colspan="8">"Credited in all"</th>
                                    {d.model_totals.iter().map(|t| view! { <td class="num">{money(*t)}</td> }).collect_view()}
                                </tr></tfoot>
                            </table>
                        </Scroll>
                    }.into_any()
                }}
                <p><a class="btn btn--small" href=export("content")>"Download the guides table (CSV)"</a></p>
            </section>

            <section class="panel" aria-labelledby="sales-heading">
                <h2 id="sales-heading">"Conversations"</h2>
                <ul class="analytics__kpis">
                    <li><span class="analytics__kpi">{d.sales.median_first_response.map_or("—".to_string(), duration)}</span>{format!(" median first answer (target {})", duration(d.sales.target_minutes * 60))}</li>
                    <li><span class="analytics__kpi">{format!("{} / {}", d.sales.won, d.sales.lost)}</span>" won / lost"</li>
                    <li><span class="analytics__kpi">{money(d.sales.quote_revenue)}</span>" from quotes"</li>
                    <li><span class="analytics__kpi">{money(d.sales.talked_revenue)}</span>" from buyers who talked to us"</li>
                    <li><span class="analytics__kpi">{money(d.sales.alone_revenue)}</span>" from buyers who didn't"</li>
                </ul>
                <BarChart title="Time to the first answer".to_string()
                    bars=RESPONSE_BUCKETS.iter().zip(&d.sales.response_buckets).map(|((_, label), n)| (label.to_string(), *n))
                        .chain(std::iter::once(("Not answered yet".to_string(), d.sales.unanswered))).collect()/>
                <Scroll label="Tickets by stage".to_string()>
                    <table class="admin-table">
                        <thead><tr><th scope="col">"Stage when opened"</th><th scope="col" class="num">"Tickets"</th><th scope="col" class="num">"Won"</th><th scope="col" class="num">"Lost"</th></tr></thead>
                        <tbody>
                            {d.sales.by_stage.is_empty().then(|| view! { <tr><td colspan="4">"No conversation was opened in this period."</td></tr> })}
                            {d.sales.by_stage.iter().map(|(stage, opened, won, lost)| view! {
                                <tr><th scope="row">{stage.clone()}</th><td class="num">{*opened}</td><td class="num">{*won}</td><td class="num">{*lost}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </Scroll>
                <p><a class="btn btn--small" href=export("sales")>"Download tickets by stage (CSV)"</a></p>
            </section>

            <section class="panel" aria-labelledby="gaps-heading">
                <h2 id="gaps-heading">"Content backlog"</h2>
                <p class="muted">"What people looked for and did not find, why conversations were lost, and the persona × stage cells with no guide yet."</p>
                <h3>"Searches with few results"</h3>
                {if d.gaps.searches.is_empty() {
                    view! { <p>"Every search of the period found something."</p> }.into_any()
                } else {
                    view! { <ul class="analytics__list">{d.gaps.searches.iter().map(|(text, times, results)| view! {
                        <li><strong>{format!("\u{201c}{text}\u{201d}")}</strong>{format!(" — searched {times}×, {results} result(s) ")}
                            <a href=format!("/admin/content/new?title={}", crate::forms::url_encode(text))>"Start a draft"</a></li>
                    }).collect_view()}</ul> }.into_any()
                }}
                <h3>"Why tickets were lost"</h3>
                {if d.gaps.lost_reasons.is_empty() {
                    view! { <p>"No ticket was lost in this period."</p> }.into_any()
                } else {
                    view! { <ul class="analytics__list">{d.gaps.lost_reasons.iter().map(|(reason, times)| view! {
                        <li>{format!("{reason} — {times}×")}</li>
                    }).collect_view()}</ul> }.into_any()
                }}
                <h3>"Persona × stage with no guide"</h3>
                {if d.gaps.empty_cells.is_empty() {
                    view! { <p>"Every persona has a guide at every stage."</p> }.into_any()
                } else {
                    view! { <ul class="analytics__list">{d.gaps.empty_cells.iter().map(|(persona, slug, stage)| view! {
                        <li>{format!("{persona}, {stage} ")}
                            <a href=format!("/admin/content/new?persona={slug}&stage={stage}")>"Start a draft"</a></li>
                    }).collect_view()}</ul> }.into_any()
                }}
                <p><a class="btn btn--small" href=export("gaps")>"Download the backlog (CSV)"</a></p>
            </section>
            </div>
        </AdminFrame>
    }
}

/// The visitors behind a funnel step: a short id, when they came, how far they got.
#[component]
fn Drill(step: Step, rows: Vec<super::model::DrillRow>, total: usize) -> impl IntoView {
    let title = format!(
        "Behind \u{201c}{}\u{201d}: {total} visitor(s)",
        step.label()
    );
    view! {
        <section id="drill" class="analytics__drill" aria-labelledby="drill-heading">
            <h3 id="drill-heading">{title.clone()}</h3>
            {(total > rows.len()).then(|| view! { <p class="muted">{format!("The first {} are listed; the CSV of the funnel has the counts.", rows.len())}</p> })}
            <Scroll label=title>
                <table class="admin-table">
                    <thead><tr><th scope="col">"Visitor"</th><th scope="col">"First seen"</th><th scope="col">"Got as far as"</th><th scope="col">"Paid"</th><th scope="col">"Order"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>
                                <td><code>{r.visitor}</code></td>
                                <td>{crate::time::format_time(r.first_at)}</td>
                                <td>{r.furthest.label()}</td>
                                <td>{r.paid_at.map(crate::time::format_time).unwrap_or_else(|| "—".into())}</td>
                                <td>{(!r.order.is_empty()).then(|| view! {
                                    <a href=format!("/admin/orders/{}", r.order)>{crate::checkout::model::short_reference(&r.order)}</a>
                                })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Scroll>
        </section>
    }
}

/// One funnel per group (persona, entry stage): steps as columns.
#[component]
fn Breakdown(title: &'static str, groups: Vec<(String, Vec<FunnelStep>)>) -> impl IntoView {
    let steps: Vec<Step> = groups
        .first()
        .map(|(_, s)| s.iter().map(|f| f.step).collect())
        .unwrap_or_default();
    (!groups.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            <Scroll label=title.to_string()>
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">"Group"</th>
                        {steps.iter().map(|s| view! { <th scope="col" class="num">{s.label()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {groups.iter().map(|(name, funnel)| view! {
                            <tr>
                                <th scope="row">{name.clone()}</th>
                                {funnel.iter().map(|f| view! { <td class="num">{f.count}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Scroll>
        }
    })
}
