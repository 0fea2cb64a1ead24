//! The admin panel's pages. Each asks its server function for data; the server function
//! decides access, and an error renders as the matching 404/403 page.

use super::frame::{admin_error, AdminFrame};
use crate::admin::api::{
    load_admin_audit, load_admin_dashboard, load_admin_outbox, load_admin_staff,
};
use crate::forms::feedback_for;
use crate::request::StaffRole;
use crate::time::format_time;
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use leptos::prelude::*;

use crate::ui::query_param as query;

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_dashboard().await {
                    Ok(f) => view! {
                        <AdminFrame title="Dashboard" current="/admin">
                            <p class="lead">"Funnel figures arrive with analytics; until then, what needs attention."</p>
                            <ul class="stat-grid">
                                <li class="stat"><span class="stat__value">{f.active_products}</span><span class="stat__label">"published products"</span></li>
                                <li class="stat"><span class="stat__value">{f.draft_products}</span><span class="stat__label">"drafts"</span></li>
                                <li class="stat" class=("stat--warn", f.low_stock > 0)><span class="stat__value">{f.low_stock}</span><span class="stat__label">"low on stock"</span></li>
                                <li class="stat"><span class="stat__value">{f.customers}</span><span class="stat__label">"customer accounts"</span></li>
                                <li class="stat"><span class="stat__value">{f.pending_emails}</span><span class="stat__label">"emails not sent"</span></li>
                            </ul>
                        </AdminFrame>
                    }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

fn saved_staff_message(code: &str) -> Option<&'static str> {
    match code {
        "invited" => {
            Some("Invitation sent: they will find a link in their email (see the outbox).")
        }
        "role" => Some("Role changed. They were signed out so the new rights apply."),
        "removed" => Some("Staff role removed; the account stays as a customer account."),
        "deactivated" => Some("Account deactivated and signed out."),
        "activated" => Some("Account reactivated."),
        _ => None,
    }
}

#[component]
pub fn AdminStaffPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading staff…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_staff().await {
                    Ok(staff) => {
                        let invite = feedback_for("invite");
                        let saved = saved_staff_message(&query("saved"));
                        let me = crate::request::RequestContext::current().user.map(|u| u.id);
                        let rows = staff.into_iter().map(|member| {
                            let feedback = feedback_for(&format!("staff-{}", member.id));
                            let error = feedback.and_then(|f| f.errors.first().map(|(_, m)| m.clone()));
                            let is_me = Some(member.id) == me;
                            view! {
                                <tr>
                                    <td>{member.email.clone()}{is_me.then_some(" (you)")}<br/><small>{member.name.clone()}</small></td>
                                    <td>
                                        <form method="post" action="/admin/staff" class="row-form">
                                            <input type="hidden" name="user_id" value=member.id.to_string()/>
                                            <input type="hidden" name="action" value="role"/>
                                            <label class="visually-hidden" for=format!("role-{}", member.id)>{format!("Role of {}", member.email)}</label>
                                            <select id=format!("role-{}", member.id) name="role">
                                                {StaffRole::ALL.iter().map(|r| view! { <option value=r.as_str() selected=member.role == Some(*r)>{r.label()}</option> }).collect_view()}
                                            </select>
                                            <button class="btn btn--small" type="submit">"Change"</button>
                                        </form>
                                        {error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                                    </td>
                                    <td>{if member.active { "Active" } else { "Deactivated" }}</td>
                                    <td>
                                        <form method="post" action="/admin/staff" class="row-form">
                                            <input type="hidden" name="user_id" value=member.id.to_string()/>
                                            {if member.active {
                                                view! { <button class="btn btn--small btn--ghost" type="submit" name="action" value="deactivate">"Deactivate"</button> }.into_any()
                                            } else {
                                                view! { <button class="btn btn--small btn--ghost" type="submit" name="action" value="activate">"Reactivate"</button> }.into_any()
                                            }}
                                            <button class="btn btn--small btn--ghost" type="submit" name="action" value="remove">"Remove staff role"</button>
                                        </form>
                                    </td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <AdminFrame title="Staff" current="/admin/staff">
                                <SuccessAlert message=saved/>
                                <section class="panel">
                                    <h2>"Invite or promote"</h2>
                                    <p>"New people get an email with a link to choose their password. An existing customer account is promoted."</p>
                                    <FormAlert feedback=invite.clone() fields=&["email", "role"]/>
                                    <form method="post" action="/admin/staff" class="admin-inline-form">
                                        <input type="hidden" name="action" value="invite"/>
                                        <TextField feedback=invite.clone() name="email" label="Email" kind="email" required=true maxlength=254 id_prefix="invite-"/>
                                        <div class="field">
                                            <label for="invite-role">"Role"</label>
                                            <select id="invite-role" name="role">
                                                {StaffRole::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <button class="btn btn--primary" type="submit">"Send invitation"</button>
                                    </form>
                                    <p class="field__hint">"Admin: everything. Marketing: catalogue, content, personas, analytics. Sales: tickets, orders, customers, analytics."</p>
                                </section>
                                <div class="table-scroll">
                                    <table class="admin-table">
                                        <thead><tr><th scope="col">"Person"</th><th scope="col">"Role"</th><th scope="col">"State"</th><th scope="col">"Actions"</th></tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            </AdminFrame>
                        }.into_any()
                    }
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading outbox…"</p> }>
            {move || Suspend::new(async move {
                match load_admin_outbox().await {
                    Ok(messages) => view! {
                        <AdminFrame title="Email outbox" current="/admin/outbox">
                            <p class="lead">"Every email the store sends, newest first. Without SMTP_URL they stay here unsent; open one to read it."</p>
                            {if messages.is_empty() {
                                view! { <div class="empty-state"><h2>"No emails yet"</h2><p>"Password resets, invitations and order confirmations will appear here."</p></div> }.into_any()
                            } else {
                                view! {
                                    <ul class="outbox">{messages.into_iter().map(|m| {
                                        let state = match (m.sent_at, &m.last_error) {
                                            (Some(at), _) => format!("Sent {}", format_time(at)),
                                            (None, Some(error)) => format!("Not sent ({} attempts): {error}", m.attempts),
                                            (None, None) => "Waiting (no SMTP configured)".to_string(),
                                        };
                                        view! {
                                            <li class="outbox__item">
                                                <details>
                                                    <summary>
                                                        <strong>{m.subject}</strong>" → "{m.to_address}
                                                        <small>{format!(" · {} · {} · {}", m.kind, format_time(m.created_at), state)}</small>
                                                    </summary>
                                                    <pre class="outbox__body">{m.body_text}</pre>
                                                </details>
                                            </li>
                                        }
                                    }).collect_view()}</ul>
                                }.into_any()
                            }}
                        </AdminFrame>
                    }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let actor = query("actor");
    let action = query("action");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
            {move || {
                let (actor, action) = (actor.clone(), action.clone());
                Suspend::new(async move {
                    match load_admin_audit(actor, action).await {
                        Ok(page) => view! {
                            <AdminFrame title="Audit log" current="/admin/audit">
                                <form method="get" action="/admin/audit" class="admin-filter">
                                    <label for="audit-actor">"Who"</label>
                                    <select id="audit-actor" name="actor">
                                        <option value="">"Everyone"</option>
                                        {page.actors.iter().map(|a| view! { <option value=a.clone() selected=*a == page.actor>{a.clone()}</option> }).collect_view()}
                                    </select>
                                    <label for="audit-action">"Action"</label>
                                    <select id="audit-action" name="action">
                                        <option value="">"All actions"</option>
                                        {page.actions.iter().map(|a| view! { <option value=a.clone() selected=*a == page.action>{a.clone()}</option> }).collect_view()}
                                    </select>
                                    <button class="btn btn--small" type="submit">"Filter"</button>
                                </form>
                                {if page.entries.is_empty() {
                                    view! { <div class="empty-state"><h2>"Nothing recorded"</h2><p>"Staff changes will be listed here."</p></div> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll">
                                            <table class="admin-table">
                                                <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Subject"</th><th scope="col">"Details"</th></tr></thead>
                                                <tbody>{page.entries.into_iter().map(|e| view! {
                                                    <tr>
                                                        <td>{format_time(e.created_at)}</td>
                                                        <td>{e.actor_email}</td>
                                                        <td><code>{e.action}</code></td>
                                                        <td>{format!("{} #{}", e.subject_type, e.subject_id)}</td>
                                                        <td>{e.detail}</td>
                                                    </tr>
                                                }).collect_view()}</tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </AdminFrame>
                        }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}
