//! The frame every staff page sits in (features' staff rooms included): navigation
//! filtered by role, the error view a refused or failed load renders, and the Markdown
//! preview the editors share. It depends on the kernel, ui and accounts only.

use crate::error::AppError;
use crate::request::{Area, StaffRole};
use crate::seo::PageMeta;
use crate::ui::{ErrorPage, Layout};
use leptos::prelude::*;

const NAV: [(&str, &str, Area); 15] = [
    ("/admin", "Dashboard", Area::Dashboard),
    ("/admin/analytics", "Analytics", Area::Analytics),
    ("/admin/tickets", "Tickets", Area::Tickets),
    ("/admin/orders", "Orders", Area::Orders),
    ("/admin/products", "Products", Area::Catalog),
    ("/admin/categories", "Categories", Area::Catalog),
    ("/admin/search-words", "Search words", Area::Catalog),
    ("/admin/content", "Content", Area::Content),
    ("/admin/personas", "Personas", Area::Personas),
    ("/admin/shipping", "Shipping", Area::Shipping),
    ("/admin/taxes", "Taxes", Area::Taxes),
    ("/admin/discounts", "Discounts", Area::Discounts),
    ("/admin/staff", "Staff", Area::Staff),
    ("/admin/outbox", "Email outbox", Area::Outbox),
    ("/admin/audit", "Audit log", Area::Audit),
];

/// The panel's frame: navigation filtered by role (a convenience; the guard protects).
#[component]
pub fn AdminFrame(
    #[prop(into)] title: String,
    #[prop(into)] current: String,
    children: Children,
) -> impl IntoView {
    let user = crate::request::RequestContext::current().user;
    let role = user.as_ref().and_then(|u| u.role);
    let unread = crate::request::RequestContext::current().unread_tickets;
    let nav = NAV
        .iter()
        .filter(|(_, _, area)| role.is_some_and(|r| r.can(*area)))
        .map(|(href, label, area)| {
            let active = *href == current;
            let count = (*area == Area::Tickets && unread > 0).then(|| {
                view! { <span class="nav-count" aria-label=format!("{unread} unread")>{unread}</span> }
            });
            view! { <li><a href=*href aria-current=active.then_some("page")>{*label}{count}</a></li> }
        })
        .collect_view();
    view! {
        <PageMeta title=format!("{title} · Admin") description="Storefront admin panel" canonical="/admin" noindex=true/>
        <a class="skip-link" href="#admin-main">"Skip to content"</a>
        <div class="admin">
            <header class="admin__bar">
                <a class="admin__brand" href="/admin">"Storefront " <span>"Admin"</span></a>
                <div class="admin__who">
                    <span>{user.as_ref().map(|u| u.email.clone())}</span>
                    <span class="badge">{role.map(StaffRole::label)}</span>
                    <a href="/">"View store"</a>
                    <form method="post" action="/logout"><button class="linklike" type="submit">"Sign out"</button></form>
                </div>
            </header>
            <nav class="admin__nav" aria-label="Admin"><ul>{nav}</ul></nav>
            <main id="admin-main" class="admin__main">
                <h1>{title}</h1>
                {children()}
            </main>
        </div>
    }
}

/// An access or loading error: staff see it inside the panel, everyone else sees the
/// storefront's page (which reveals nothing about the panel).
pub fn admin_error(error: AppError) -> AnyView {
    if crate::request::RequestContext::current()
        .user
        .is_some_and(|u| u.is_staff())
    {
        view! { <AdminFrame title="Admin" current=""><ErrorPage error/></AdminFrame> }.into_any()
    } else {
        view! { <Layout><ErrorPage error/></Layout> }.into_any()
    }
}

/// The description as the store will render it (sanitised) for the no-JavaScript preview.
pub fn render_preview(markdown: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::markdown::render_markdown(markdown)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = markdown;
        String::new()
    }
}
