//! What a request is: who is signed in, which browser (visitor) it comes from and whether
//! it lets us record, its client address, and the two counts the page frames show. Read
//! once per request by the middlewares (each fills its part of one [`RequestContext`]
//! in the request's extensions) and reached the same way everywhere: `RequestContext::of`
//! with the request's parts (form handlers), `RequestContext::current()` while rendering
//! a page or answering a server function (Leptos gives them those parts).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The signed-in person (filled by `accounts::session::resolve_current_user`).
    pub user: Option<CurrentUser>,
    /// The browser's first-party id (filled by `journey::visitor::identify_visitor`).
    pub visitor: Option<Visitor>,
    /// As the server decided it (see `STOREFRONT_TRUST_PROXY`); "" when not recorded.
    pub client_ip: String,
    /// Items in the requester's cart, for the header (filled for page requests only).
    pub cart_items: i64,
    /// Tickets waiting for the staff member, for the admin menu.
    pub unread_tickets: i64,
    /// What rendering this request's page found out, for the page cache.
    pub page: PageNotes,
}

/// What rendering a page found out that decides whether, and under which key, the server
/// may serve the same bytes to other visitors (`server/src/page_cache.rs`): whether it
/// showed anything of this visitor's own (a cart, a saved item, an account), the profile
/// class it ordered its suggestions for, and the trail events the view records (replayed
/// for each visitor the kept page is served to). Clones share one record, so what the
/// page notes while rendering reaches the middleware that asked.
#[derive(Debug, Clone, Default)]
pub struct PageNotes(std::sync::Arc<std::sync::Mutex<PageFacts>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFacts {
    pub personal: bool,
    /// The visitor's profile class ("consideration", "decision.home-barista.chosen"),
    /// when the page ordered anything by it.
    pub profile: Option<String>,
    /// (event kind key, subject, detail) of each trail event the view recorded.
    pub events: Vec<(String, String, String)>,
}

impl PageNotes {
    fn with<T>(&self, change: impl FnOnce(&mut PageFacts) -> T) -> T {
        change(
            &mut self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// The page showed something of this visitor's own: it is theirs alone.
    pub fn personal(&self) {
        self.with(|facts| facts.personal = true);
    }

    pub fn profile(&self, class: String) {
        self.with(|facts| facts.profile = Some(class));
    }

    pub fn event(&self, kind: &str, subject: &str, detail: &str) {
        self.with(|facts| {
            facts
                .events
                .push((kind.to_string(), subject.to_string(), detail.to_string()))
        });
    }

    pub fn facts(&self) -> PageFacts {
        self.with(|facts| facts.clone())
    }
}

impl RequestContext {
    /// The context the middlewares recorded in these request parts.
    #[cfg(feature = "ssr")]
    pub fn of(parts: &http::request::Parts) -> RequestContext {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .unwrap_or_default()
    }

    /// The context of the request being rendered (empty in the browser).
    pub fn current() -> RequestContext {
        #[cfg(feature = "ssr")]
        {
            leptos::prelude::use_context::<http::request::Parts>()
                .map(|parts| RequestContext::of(&parts))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        RequestContext::default()
    }

    /// Lets a middleware fill its part.
    #[cfg(feature = "ssr")]
    pub fn of_mut(extensions: &mut http::Extensions) -> &mut RequestContext {
        extensions.get_or_insert_default::<RequestContext>()
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// Whose cart this request uses: the account's when signed in, else the visitor's.
    pub fn cart_owner(&self) -> Option<String> {
        match (&self.user, &self.visitor) {
            (Some(user), _) => Some(account_owner(user.id)),
            (None, Some(visitor)) => Some(visitor_owner(&visitor.id)),
            (None, None) => None,
        }
    }

    /// Every owner the request speaks for: the account's when signed in, and the
    /// browser's visitor (orders and tickets made before signing in stay visible after).
    pub fn owners(&self) -> Vec<String> {
        let account = self.user.as_ref().map(|user| account_owner(user.id));
        let visitor = self.visitor.as_ref().map(|v| visitor_owner(&v.id));
        account.into_iter().chain(visitor).collect()
    }

    /// Whether this request speaks for something kept under `owner` (a cart owner) or
    /// the account `user_id`: the one ownership rule of tickets and their quotes.
    pub fn speaks_for(&self, owner: &str, user_id: Option<i64>) -> bool {
        self.owners().iter().any(|mine| mine == owner)
            || (self.user_id().is_some() && self.user_id() == user_id)
    }

    /// The client address, "unknown" when the server did not record one.
    pub fn client_ip(&self) -> String {
        if self.client_ip.is_empty() {
            "unknown".into()
        } else {
            self.client_ip.clone()
        }
    }
}

/// The (name, value) pairs of a request's `Cookie` headers.
#[cfg(feature = "ssr")]
pub fn cookies(headers: &http::HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The owner key of an account's cart, orders and tickets.
pub fn account_owner(user_id: i64) -> String {
    format!("u:{user_id}")
}

/// The owner key of a browser's (guest's) cart, orders and tickets.
pub fn visitor_owner(visitor_id: &str) -> String {
    format!("v:{visitor_id}")
}

/// Who is browsing: the first-party visitor id and whether they let us record events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    pub id: String,
    /// False when the browser sends `DNT: 1` or `Sec-GPC: 1`.
    pub tracking_allowed: bool,
}

/// A staff role. Customers have none. What each may do is `StaffRole::can`, the one
/// place the permission table lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffRole {
    Admin,
    Marketing,
    Sales,
}

/// The parts of the admin panel, each guarded on the server by `admin::guard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Area {
    Dashboard,
    Catalog,
    Content,
    Personas,
    Analytics,
    Tickets,
    Orders,
    Customers,
    Staff,
    Outbox,
    Audit,
    /// Shipping zones and rates (admins only: they decide what every order costs).
    Shipping,
    /// The tax setting, tax rates and the invoice issuer (admins only, as shipping).
    Taxes,
    /// Discount codes (marketing makes the offers; admins too).
    Discounts,
}

impl StaffRole {
    pub const ALL: [StaffRole; 3] = [StaffRole::Admin, StaffRole::Marketing, StaffRole::Sales];

    pub fn parse(text: &str) -> Option<StaffRole> {
        match text.trim() {
            "admin" => Some(StaffRole::Admin),
            "marketing" => Some(StaffRole::Marketing),
            "sales" => Some(StaffRole::Sales),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Marketing => "marketing",
            StaffRole::Sales => "sales",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StaffRole::Admin => "Admin",
            StaffRole::Marketing => "Marketing",
            StaffRole::Sales => "Sales",
        }
    }

    /// Admin: everything. Marketing: what the store says (catalogue, content, personas)
    /// and the funnel figures. Sales: the conversations and orders, and the same figures.
    pub fn can(self, area: Area) -> bool {
        use Area::*;
        match self {
            StaffRole::Admin => true,
            StaffRole::Marketing => {
                matches!(
                    area,
                    Dashboard | Catalog | Content | Personas | Analytics | Discounts
                )
            }
            StaffRole::Sales => {
                matches!(area, Dashboard | Tickets | Orders | Customers | Analytics)
            }
        }
    }
}

/// The signed-in person, resolved once per request by the server from the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Option<StaffRole>,
}

impl CurrentUser {
    pub fn is_staff(&self) -> bool {
        self.role.is_some()
    }

    pub fn can(&self, area: Area) -> bool {
        self.role.is_some_and(|role| role.can(area))
    }

    /// What to call them in the header: their name, else the part of the email before @.
    pub fn display_name(&self) -> String {
        if self.name.trim().is_empty() {
            self.email.split('@').next().unwrap_or_default().to_string()
        } else {
            self.name.clone()
        }
    }
}
