//! Tickets as the product speaks of them: the status a conversation is in, who wrote each
//! message, what the customer shared when they asked, and the rules a new question must
//! meet. Pure, so the rules read (and are tested) as tables.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A new question may be this long; a reply too.
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// Shorter than this is rarely a question a person can answer ("hi").
pub const MIN_QUESTION_CHARS: usize = 10;
pub const MAX_NAME_CHARS: usize = 100;
/// New tickets one browser (or account) may open in an hour, and one network address.
pub const TICKETS_PER_OWNER_PER_HOUR: i64 = 3;
pub const TICKETS_PER_IP_PER_HOUR: i64 = 10;
/// Customer messages on one ticket in an hour (a stuck key, a script).
pub const REPLIES_PER_TICKET_PER_HOUR: i64 = 20;

/// Where a conversation is: `new → open → waiting_on_customer → won | lost | closed`.
/// Staff may move between the open states freely; the three outcomes end it (a customer
/// writing again reopens a closed one, never a won or lost sale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketStatus {
    New,
    Open,
    WaitingOnCustomer,
    Won,
    Lost,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 6] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::WaitingOnCustomer,
        TicketStatus::Won,
        TicketStatus::Lost,
        TicketStatus::Closed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Open => "open",
            TicketStatus::WaitingOnCustomer => "waiting_on_customer",
            TicketStatus::Won => "won",
            TicketStatus::Lost => "lost",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|s| s.key() == text)
    }

    /// For staff.
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::New => "New",
            TicketStatus::Open => "Open",
            TicketStatus::WaitingOnCustomer => "Waiting on customer",
            TicketStatus::Won => "Won",
            TicketStatus::Lost => "Lost",
            TicketStatus::Closed => "Closed",
        }
    }

    /// For the customer, who never sees "won" or "lost".
    pub fn customer_label(self) -> &'static str {
        match self {
            TicketStatus::New => "Waiting for our team",
            TicketStatus::Open => "Our team is on it",
            TicketStatus::WaitingOnCustomer => "Waiting for your answer",
            TicketStatus::Won | TicketStatus::Lost | TicketStatus::Closed => "Closed",
        }
    }

    pub fn is_resolved(self) -> bool {
        matches!(
            self,
            TicketStatus::Won | TicketStatus::Lost | TicketStatus::Closed
        )
    }

    /// Won and lost say why (a reason is required).
    pub fn needs_reason(self) -> bool {
        matches!(self, TicketStatus::Won | TicketStatus::Lost)
    }

    /// Whether staff may set `next` from here. Outcomes are final except that a closed
    /// conversation may be reopened.
    pub fn can_become(self, next: TicketStatus) -> bool {
        if self == next {
            return false;
        }
        match self {
            TicketStatus::Won | TicketStatus::Lost => false,
            TicketStatus::Closed => matches!(next, TicketStatus::Open),
            _ => next != TicketStatus::New,
        }
    }

    /// What a customer's message does to the status.
    pub fn after_customer_message(self) -> TicketStatus {
        match self {
            TicketStatus::WaitingOnCustomer | TicketStatus::Closed => TicketStatus::Open,
            other => other,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Author {
    Customer,
    /// A staff reply: shown to and emailed to the customer.
    Reply,
    /// An internal note: staff only, never in any customer response.
    Note,
}

impl Author {
    pub fn key(self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Reply => "reply",
            Author::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Author> {
        [Author::Customer, Author::Reply, Author::Note]
            .into_iter()
            .find(|a| a.key() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub author: Author,
    /// The staff member's name for replies and notes; "" for the customer.
    pub staff_name: String,
    /// As typed; pages show it as text (never as HTML).
    pub body: String,
    pub created_at: i64,
}

/// How the customer wants to hear from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Contact {
    Email,
    Phone,
}

/// The call-back windows a customer can pick.
pub const CALLBACK_WINDOWS: [(&str, &str); 4] = [
    ("morning", "Morning (9–12)"),
    ("afternoon", "Afternoon (12–17)"),
    ("evening", "Evening (17–20)"),
    ("anytime", "Any time in business hours"),
];

pub fn callback_window_label(key: &str) -> &'static str {
    CALLBACK_WINDOWS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, label)| label)
}

/// A question as the form sent it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuestion {
    pub name: String,
    pub email: String,
    pub question: String,
    pub contact: Contact,
    pub phone: String,
    pub callback_window: String,
    pub share_trail: bool,
    /// The product the question is about (from "Ask about this product"), if any.
    pub product_slug: String,
    /// The page the customer asked from (a local path).
    pub entry_path: String,
}

/// Checks the "talk to a human" form; every problem at once, as (field, message).
pub fn parse_question(
    fields: &HashMap<String, String>,
) -> Result<NewQuestion, Vec<(String, String)>> {
    let get = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut problem =
        |field: &str, message: &str| errors.push((field.to_string(), message.to_string()));

    let name = get("name");
    if name.is_empty() {
        problem("name", "Tell us what to call you.");
    } else if name.chars().count() > MAX_NAME_CHARS {
        problem("name", "Use at most 100 characters for your name.");
    }
    let email = match crate::email::address::Email::parse(&get("email")) {
        Ok(email) => email.as_str().to_string(),
        Err(_) => {
            problem(
                "email",
                "Enter an email address like name@example.com, so we can answer you.",
            );
            String::new()
        }
    };
    let question = fields
        .get("question")
        .map(|v| v.trim().replace("\r\n", "\n"))
        .unwrap_or_default();
    match question.chars().count() {
        0 => problem("question", "Write your question: what would you like to know?"),
        n if n < MIN_QUESTION_CHARS => problem(
            "question",
            "Tell us a little more (at least 10 characters) so the right person can answer.",
        ),
        n if n > MAX_MESSAGE_CHARS => problem(
            "question",
            &format!("Keep it under {MAX_MESSAGE_CHARS} characters (it has {n}); you can add more once we answer."),
        ),
        _ => {}
    }
    let contact = match get("contact").as_str() {
        "phone" => Contact::Phone,
        _ => Contact::Email,
    };
    let phone = get("phone");
    let callback_window = get("callback_window");
    if contact == Contact::Phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if !(7..=15).contains(&digits) || !allowed || phone.len() > 30 {
            problem(
                "phone",
                "Enter a phone number we can call, like +1 555 010 0199.",
            );
        }
        if callback_window_label(&callback_window).is_empty() {
            problem("callback_window", "Pick when we should call you.");
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewQuestion {
        name,
        email,
        question,
        contact,
        phone: if contact == Contact::Phone {
            phone
        } else {
            String::new()
        },
        callback_window: if contact == Contact::Phone {
            callback_window
        } else {
            String::new()
        },
        // A checkbox: present when ticked. The form starts ticked.
        share_trail: fields.get("share_trail").is_some_and(|v| v == "1"),
        product_slug: get("product"),
        entry_path: get("from"),
    })
}

/// Checks a message (a customer's follow-up, a staff reply or note).
pub fn parse_message(text: &str) -> Result<String, String> {
    let text = text.trim().replace("\r\n", "\n");
    match text.chars().count() {
        0 => Err("Write a message first.".into()),
        n if n > MAX_MESSAGE_CHARS => Err(format!(
            "Keep it under {MAX_MESSAGE_CHARS} characters (it has {n})."
        )),
        _ => Ok(text),
    }
}

/// What the customer shared when the ticket opened: a snapshot staff read as a timeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketContext {
    /// False when the customer opted out of sharing their research trail (or the browser
    /// asks not to be tracked): then only the cart, orders and tickets below are kept.
    pub trail_shared: bool,
    pub entry_path: String,
    /// (slug, name) of the product the question is about.
    pub product: Option<(String, String)>,
    /// The funnel stage's name ("Comparing options") and the persona's, if known.
    pub stage: String,
    pub stage_key: String,
    pub persona: String,
    pub read: Vec<ReadPiece>,
    pub viewed: Vec<ViewedProduct>,
    /// Each comparison: the compared products' names.
    pub compared: Vec<Vec<String>>,
    pub searches: Vec<String>,
    pub cart: Vec<CartItem>,
    pub cart_total: String,
    /// "Checkout started — payment declined: …" when there is one.
    pub checkout: String,
    pub orders: Vec<PastOrder>,
    pub tickets: Vec<PastTicket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadPiece {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub stage: String,
    /// "Read to the end · 4 min", or "" when not measured.
    pub reading: String,
    pub read_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewedProduct {
    pub slug: String,
    pub name: String,
    pub views: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartItem {
    pub slug: String,
    pub name: String,
    pub quantity: i64,
    pub line_total: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastOrder {
    pub public_id: String,
    pub status: String,
    pub total: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastTicket {
    pub public_id: String,
    pub subject: String,
    pub status: String,
    pub created_at: i64,
}

impl TicketContext {
    /// "We'll share the 4 guides you read, 2 products you looked at and your cart" —
    /// what the form tells the customer before they send it.
    pub fn sharing_summary(&self) -> String {
        let mut parts = Vec::new();
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if !self.read.is_empty() {
            parts.push(format!(
                "the {} you read",
                count(self.read.len(), "guide", "guides")
            ));
        }
        if !self.viewed.is_empty() {
            parts.push(format!(
                "the {} you looked at",
                count(self.viewed.len(), "product", "products")
            ));
        }
        if !self.compared.is_empty() {
            parts.push("your comparisons".to_string());
        }
        if parts.is_empty() {
            return String::new();
        }
        format!("We'll share {} with our team", join_words(&parts))
    }
}

/// "a", "a and b", "a, b and c".
pub fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A ticket as its customer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerTicket {
    pub public_id: String,
    pub subject: String,
    pub status: TicketStatus,
    pub created_at: i64,
    /// Customer messages and staff replies only: notes never leave the server.
    pub messages: Vec<Message>,
    /// The signed part of a guest's link ("" for account holders), to keep on reply links.
    pub token: String,
    /// Links to the quotes staff made for this conversation, newest first.
    pub quotes: Vec<String>,
}

/// A row of "my tickets" and of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRow {
    pub public_id: String,
    pub subject: String,
    pub name: String,
    pub email: String,
    pub status: TicketStatus,
    pub stage: String,
    pub assignee: String,
    pub created_at: i64,
    pub customer_last_at: i64,
    pub first_response_at: Option<i64>,
    /// Customer messages staff have not opened yet.
    pub unread: i64,
}

impl TicketRow {
    /// No first answer yet and past the target: the inbox highlights it.
    pub fn overdue(&self, now: i64, target_seconds: i64) -> bool {
        self.first_response_at.is_none()
            && !self.status.is_resolved()
            && now - self.created_at > target_seconds
    }
}

/// The inbox's filters, as typed in its URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InboxFilter {
    /// A status key, "active" (not resolved; the default) or "all".
    pub status: String,
    /// "me", "none", a staff id, or "" for anyone.
    pub assignee: String,
    pub stage: String,
    /// Only tickets older than this many hours (0 = any age).
    pub older_than_hours: i64,
}

/// A staff member who can take tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignee {
    pub id: i64,
    pub name: String,
}

/// Everything the staff ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffTicket {
    pub row: TicketRow,
    pub contact: Contact,
    pub phone: String,
    pub callback_window: String,
    pub outcome_reason: String,
    pub assignee_id: Option<i64>,
    pub resolved_at: Option<i64>,
    pub context: TicketContext,
    pub messages: Vec<Message>,
    pub assignees: Vec<Assignee>,
    /// Seconds to the first staff reply target (`STOREFRONT_FIRST_RESPONSE_MINUTES`).
    pub response_target_seconds: i64,
    pub now: i64,
    /// What the quote form offers: products for sale, and the viewer's discount limit.
    pub quote_products: Vec<crate::quotes::model::QuoteProduct>,
    pub max_discount_percent: i64,
    /// Quotes already sent on this ticket, newest first.
    pub quotes: Vec<crate::quotes::model::Quote>,
    /// The live side of the context: the customer's cart as it is now (the snapshot
    /// keeps it as it was when they asked).
    pub cart_now: Vec<CartItem>,
    pub cart_now_total: String,
}

/// "3 min", "2 h 5 min", "1 day 4 h": how long something took or has waited.
pub fn elapsed_words(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (minutes / 1440, (minutes % 1440) / 60, minutes % 60) {
        (0, 0, m) if m < 1 => "under a minute".into(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} day{} {h} h", if d == 1 { "" } else { "s" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_good_question_is_accepted_and_trimmed() {
        let q = parse_question(&form(&[
            ("name", " Ada "),
            ("email", "Ada@Example.com"),
            ("question", "Which grinder suits a small café?"),
            ("share_trail", "1"),
            ("product", "burr-grinder"),
            ("from", "/products/burr-grinder"),
        ]))
        .unwrap();
        assert_eq!(q.name, "Ada");
        assert_eq!(q.email, "ada@example.com");
        assert_eq!(q.contact, Contact::Email);
        assert!(q.share_trail);
        assert_eq!(q.product_slug, "burr-grinder");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = parse_question(&form(&[
            ("email", "not-an-email"),
            ("question", "hi"),
            ("contact", "phone"),
            ("phone", "call me"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "email", "question", "phone", "callback_window"]
        );
        let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
        let errors = parse_question(&form(&[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("question", &long),
        ]))
        .unwrap_err();
        assert!(errors[0].1.contains("it has 4001"));
    }

    #[test]
    fn an_unticked_box_shares_no_trail_and_phone_needs_a_window() {
        let q = parse_question(&form(&[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("question", "Can you call me about bulk pricing?"),
            ("contact", "phone"),
            ("phone", "+1 (555) 010-0199"),
            ("callback_window", "morning"),
        ]))
        .unwrap();
        assert!(!q.share_trail);
        assert_eq!(q.contact, Contact::Phone);
        assert_eq!(callback_window_label(&q.callback_window), "Morning (9–12)");
    }

    #[test]
    fn statuses_follow_the_sales_flow() {
        use TicketStatus::*;
        assert!(New.can_become(Open));
        assert!(Open.can_become(WaitingOnCustomer));
        assert!(WaitingOnCustomer.can_become(Won));
        assert!(Open.can_become(Lost));
        assert!(Open.can_become(Closed));
        assert!(Closed.can_become(Open));
        assert!(!Won.can_become(Open), "a won sale stays won");
        assert!(!Lost.can_become(Closed));
        assert!(!Open.can_become(New));
        assert!(!Open.can_become(Open));
        assert_eq!(WaitingOnCustomer.after_customer_message(), Open);
        assert_eq!(Closed.after_customer_message(), Open);
        assert_eq!(Won.after_customer_message(), Won);
        assert!(Won.needs_reason() && Lost.needs_reason() && !Closed.needs_reason());
        for status in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(status.key()), Some(status));
        }
    }

    #[test]
    fn the_form_says_what_will_be_shared() {
        let mut context = TicketContext::default();
        assert_eq!(context.sharing_summary(), "");
        context.read = vec![
            ReadPiece {
                slug: "a".into(),
                title: "A".into(),
                kind: "Article".into(),
                stage: "awareness".into(),
                reading: String::new(),
                read_seconds: 0,
            };
            4
        ];
        context.viewed = vec![ViewedProduct {
            slug: "p".into(),
            name: "P".into(),
            views: 2,
        }];
        assert_eq!(
            context.sharing_summary(),
            "We'll share the 4 guides you read and the 1 product you looked at with our team"
        );
    }

    #[test]
    fn waiting_times_read_like_speech() {
        assert_eq!(elapsed_words(30), "under a minute");
        assert_eq!(elapsed_words(5 * 60), "5 min");
        assert_eq!(elapsed_words(2 * 3600), "2 h");
        assert_eq!(elapsed_words(2 * 3600 + 300), "2 h 5 min");
        assert_eq!(elapsed_words(26 * 3600), "1 day 2 h");
    }

    #[test]
    fn messages_are_checked_for_length() {
        assert!(parse_message("  ").is_err());
        assert_eq!(parse_message(" Thanks!\r\n ").unwrap(), "Thanks!");
        assert!(parse_message(&"x".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
    }
}
