//! All SQL of tickets: opening one with its first message, the conversation, the
//! customer's and the staff's lists, status, assignment and what staff have seen.

use super::model::{
    Assignee, Author, Contact, InboxFilter, Message, TicketContext, TicketRow, TicketStatus,
};
use crate::db::{now_unix, Db};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A ticket about to be opened.
pub struct OpenTicket<'a> {
    pub owner: &'a str,
    pub user_id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
    pub contact: Contact,
    pub phone: &'a str,
    pub callback_window: &'a str,
    pub subject: &'a str,
    pub entry_path: &'a str,
    pub product_slug: &'a str,
    pub context: &'a TicketContext,
    pub question: &'a str,
    pub client_ip: &'a str,
}

/// The ticket's own facts, for access checks and emails.
#[derive(Debug, Clone)]
pub struct TicketHead {
    pub id: i64,
    pub public_id: String,
    pub owner: String,
    pub user_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub status: TicketStatus,
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub assignee_id: Option<i64>,
}

/// Opens the ticket and stores the question as its first message, in one transaction.
pub async fn open_ticket(db: &Db, ticket: &OpenTicket<'_>) -> Result<String, sqlx::Error> {
    let public_id = crate::token::new_id();
    let now = now_unix();
    let context = serde_json::to_string(ticket.context).unwrap_or_else(|_| "{}".into());
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO tickets (public_id, owner, user_id, name, email, contact, phone, callback_window, \
             subject, entry_path, product_slug, stage, persona, shares_trail, context, client_ip, \
             created_at, updated_at, customer_last_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $17) \
         RETURNING id",
    )
    .bind(&public_id)
    .bind(ticket.owner)
    .bind(ticket.user_id)
    .bind(ticket.name)
    .bind(ticket.email)
    .bind(match ticket.contact {
        Contact::Email => "email",
        Contact::Phone => "phone",
    })
    .bind(ticket.phone)
    .bind(ticket.callback_window)
    .bind(ticket.subject)
    .bind(ticket.entry_path)
    .bind(ticket.product_slug)
    .bind(&ticket.context.stage_key)
    .bind(&ticket.context.persona)
    .bind(i64::from(ticket.context.trail_shared))
    .bind(&context)
    .bind(ticket.client_ip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, author, body, created_at) VALUES ($1, 'customer', $2, $3)",
    )
    .bind(id)
    .bind(ticket.question)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(public_id)
}

/// Tickets opened since `since` by this owner and from this address.
pub async fn recent_ticket_counts(
    db: &Db,
    owner: &str,
    client_ip: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM tickets WHERE owner = $1 AND created_at >= $3) AS by_owner, \
           (SELECT COUNT(*) FROM tickets WHERE client_ip = $2 AND client_ip <> '' AND created_at >= $3) AS by_ip",
    )
    .bind(owner)
    .bind(client_ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("by_owner")?, row.try_get("by_ip")?))
}

fn head_from_row(row: &AnyRow) -> Result<TicketHead, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(TicketHead {
        id: row.try_get("id")?,
        public_id: row.try_get("public_id")?,
        owner: row.try_get("owner")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        subject: row.try_get("subject")?,
        status: TicketStatus::parse(&status).unwrap_or(TicketStatus::Open),
        created_at: row.try_get("created_at")?,
        first_response_at: row.try_get("first_response_at")?,
        assignee_id: row.try_get("assignee_id")?,
    })
}

const HEAD: &str = "id, public_id, owner, user_id, name, email, subject, status, created_at, \
                    first_response_at, assignee_id";

pub async fn find_ticket(db: &Db, public_id: &str) -> Result<Option<TicketHead>, sqlx::Error> {
    sqlx::query(&format!("SELECT {HEAD} FROM tickets WHERE public_id = $1"))
        .bind(public_id)
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(head_from_row)
        .transpose()
}

fn message_from_row(row: &AnyRow) -> Result<Message, sqlx::Error> {
    let author: String = row.try_get("author")?;
    Ok(Message {
        id: row.try_get("id")?,
        author: Author::parse(&author).unwrap_or(Author::Note),
        staff_name: row.try_get("staff_name")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The conversation after message `after` (0 = all), oldest first. Customers never get
/// internal notes: the filter is here, in the one query their pages and stream use.
pub async fn list_messages(
    db: &Db,
    ticket_id: i64,
    after: i64,
    with_notes: bool,
) -> Result<Vec<Message>, sqlx::Error> {
    let notes = if with_notes {
        ""
    } else {
        " AND author <> 'note'"
    };
    let rows = sqlx::query(&format!(
        "SELECT id, author, staff_name, body, created_at FROM ticket_messages \
         WHERE ticket_id = $1 AND id > $2{notes} ORDER BY id LIMIT 500"
    ))
    .bind(ticket_id)
    .bind(after)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(message_from_row).collect()
}

/// Customer messages on a ticket since `since` (the per-ticket rate limit).
pub async fn customer_messages_since(
    db: &Db,
    ticket_id: i64,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = $1 AND author = 'customer' AND created_at >= $2",
    )
    .bind(ticket_id)
    .bind(since)
    .fetch_one(db.pool())
    .await
}

/// Adds a message and moves the ticket along: a customer message reopens a waiting or
/// closed conversation; the first staff reply is the first response and waits on the
/// customer; a note marks a new ticket open (someone is on it).
pub async fn add_message(
    db: &Db,
    ticket: &TicketHead,
    author: Author,
    staff: Option<(i64, &str)>,
    body: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, author, staff_id, staff_name, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(ticket.id)
    .bind(author.key())
    .bind(staff.map(|(id, _)| id))
    .bind(staff.map_or("", |(_, name)| name))
    .bind(body)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let message_id: i64 = row.try_get("id")?;
    let status = match author {
        Author::Customer => ticket.status.after_customer_message(),
        Author::Reply if !ticket.status.is_resolved() => TicketStatus::WaitingOnCustomer,
        Author::Note if ticket.status == TicketStatus::New => TicketStatus::Open,
        _ => ticket.status,
    };
    let sql = match author {
        Author::Customer => {
            "UPDATE tickets SET status = $1, updated_at = $2, customer_last_at = $2, \
             resolved_at = CASE WHEN $1 = 'open' THEN NULL ELSE resolved_at END WHERE id = $3"
        }
        Author::Reply => {
            "UPDATE tickets SET status = $1, updated_at = $2, \
             first_response_at = COALESCE(first_response_at, $2) WHERE id = $3"
        }
        Author::Note => "UPDATE tickets SET status = $1, updated_at = $2 WHERE id = $3",
    };
    sqlx::query(sql)
        .bind(status.key())
        .bind(now)
        .bind(ticket.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(message_id)
}

/// Moves the ticket to `to` with `reason` (won/lost), recording when it was resolved, and
/// freezes (or, reopened, withdraws) its content credits in the same transaction.
/// False when someone else changed it first (the status is no longer `from`).
pub async fn set_status(
    db: &Db,
    ticket_id: i64,
    from: TicketStatus,
    to: TicketStatus,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE tickets SET status = $1, outcome_reason = $2, updated_at = $3, \
         resolved_at = CASE WHEN $4 = 1 THEN $3 ELSE NULL END WHERE id = $5 AND status = $6",
    )
    .bind(to.key())
    .bind(reason)
    .bind(now)
    .bind(i64::from(to.is_resolved()))
    .bind(ticket_id)
    .bind(from.key())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    // The guides read before the ticket are credited with its outcome in the same step.
    crate::journey::attribution::freeze_ticket_credits(&mut tx, ticket_id, Some(to.key()), now)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn assign(db: &Db, ticket_id: i64, assignee: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tickets SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee)
        .bind(now_unix())
        .bind(ticket_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Staff have read the conversation up to its newest message.
pub async fn mark_seen(db: &Db, ticket_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tickets SET staff_seen_message = \
           COALESCE((SELECT MAX(id) FROM ticket_messages WHERE ticket_id = $1), 0) WHERE id = $1",
    )
    .bind(ticket_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Staff who can take tickets (sales and admins, active).
pub async fn list_assignees(db: &Db) -> Result<Vec<Assignee>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, email FROM users WHERE role IN ('sales', 'admin') AND active = 1 ORDER BY name, email",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("name")?;
            let email: String = r.try_get("email")?;
            Ok(Assignee {
                id: r.try_get("id")?,
                name: if name.is_empty() { email } else { name },
            })
        })
        .collect()
}

const ROW: &str = "t.public_id, t.subject, t.name, t.email, t.status, t.stage, t.created_at, \
     t.customer_last_at, t.first_response_at, COALESCE(NULLIF(u.name, ''), u.email, '') AS assignee, \
     (SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id AND m.author = 'customer' \
        AND m.id > t.staff_seen_message) AS unread";

fn ticket_row(row: &AnyRow) -> Result<TicketRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(TicketRow {
        public_id: row.try_get("public_id")?,
        subject: row.try_get("subject")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        status: TicketStatus::parse(&status).unwrap_or(TicketStatus::Open),
        stage: row.try_get("stage")?,
        assignee: row.try_get("assignee")?,
        created_at: row.try_get("created_at")?,
        customer_last_at: row.try_get("customer_last_at")?,
        first_response_at: row.try_get("first_response_at")?,
        unread: row.try_get("unread")?,
    })
}

/// The customer's tickets: this browser's and, when signed in, the account's.
pub async fn list_customer_tickets(
    db: &Db,
    owners: &[String],
    user_id: Option<i64>,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    let (first, second) = two_owners(owners);
    let rows = sqlx::query(&format!(
        "SELECT {ROW} FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id \
         WHERE t.owner = $1 OR t.owner = $2 OR ($3 <> 0 AND t.user_id = $3) \
         ORDER BY t.updated_at DESC LIMIT 100"
    ))
    .bind(first)
    .bind(second)
    .bind(user_id.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(ticket_row).collect()
}

/// The inbox: filtered, longest-waiting first.
pub async fn list_inbox(
    db: &Db,
    filter: &InboxFilter,
    me: i64,
    now: i64,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    let mut conditions = Vec::new();
    match filter.status.as_str() {
        "all" => {}
        key => match TicketStatus::parse(key) {
            Some(status) => conditions.push(format!("t.status = '{}'", status.key())),
            None => conditions.push("t.status IN ('new', 'open', 'waiting_on_customer')".into()),
        },
    }
    match filter.assignee.as_str() {
        "" => {}
        "me" => conditions.push(format!("t.assignee_id = {me}")),
        "none" => conditions.push("t.assignee_id IS NULL".into()),
        id => {
            if let Ok(id) = id.parse::<i64>() {
                conditions.push(format!("t.assignee_id = {id}"));
            }
        }
    }
    // Only known stage keys reach the SQL (they are fixed words).
    if let Some(stage) = crate::content::model::Stage::parse(&filter.stage) {
        conditions.push(format!("t.stage = '{}'", stage.key()));
    }
    if filter.older_than_hours > 0 {
        conditions.push(format!(
            "t.created_at <= {}",
            now - filter.older_than_hours * 3600
        ));
    }
    let filter_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let rows = sqlx::query(&format!(
        "SELECT {ROW} FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id {filter_sql} \
         ORDER BY t.customer_last_at ASC, t.id ASC LIMIT 200"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(ticket_row).collect()
}

/// Everything the staff page needs beyond the head.
pub struct StaffFacts {
    pub row: TicketRow,
    pub contact: Contact,
    pub phone: String,
    pub callback_window: String,
    pub outcome_reason: String,
    pub resolved_at: Option<i64>,
    pub context: TicketContext,
}

pub async fn staff_facts(db: &Db, ticket_id: i64) -> Result<Option<StaffFacts>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {ROW}, t.contact, t.phone, t.callback_window, t.outcome_reason, t.resolved_at, t.context \
         FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id WHERE t.id = $1"
    ))
    .bind(ticket_id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let contact: String = row.try_get("contact")?;
    let context: String = row.try_get("context")?;
    Ok(Some(StaffFacts {
        row: ticket_row(&row)?,
        contact: if contact == "phone" {
            Contact::Phone
        } else {
            Contact::Email
        },
        phone: row.try_get("phone")?,
        callback_window: row.try_get("callback_window")?,
        outcome_reason: row.try_get("outcome_reason")?,
        resolved_at: row.try_get("resolved_at")?,
        context: serde_json::from_str(&context).unwrap_or_default(),
    }))
}

/// Open tickets with customer messages no one on staff has read: the admin menu's count.
pub async fn unread_ticket_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets t WHERE t.status IN ('new', 'open', 'waiting_on_customer') \
         AND EXISTS (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id \
             AND m.author = 'customer' AND m.id > t.staff_seen_message)",
    )
    .fetch_one(db.pool())
    .await
}

/// The newest message anywhere: the inbox's live stream watches it move.
pub async fn newest_message_id(db: &Db) -> Result<i64, sqlx::Error> {
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM ticket_messages")
        .fetch_one(db.pool())
        .await?;
    Ok(newest.unwrap_or(0))
}

/// The customer's earlier tickets (for the context of a new one).
pub async fn earlier_tickets(
    db: &Db,
    owners: &[String],
    user_id: Option<i64>,
    email: &str,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    let (first, second) = two_owners(owners);
    let rows = sqlx::query(
        "SELECT public_id, subject, status, created_at FROM tickets \
         WHERE owner = $1 OR owner = $2 OR ($3 <> 0 AND user_id = $3) OR ($4 <> '' AND email = $4) \
         ORDER BY id DESC LIMIT 10",
    )
    .bind(first)
    .bind(second)
    .bind(user_id.unwrap_or(0))
    .bind(email)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("public_id")?,
                r.try_get("subject")?,
                r.try_get("status")?,
                r.try_get("created_at")?,
            ))
        })
        .collect()
}

/// The (at most two) owners a request speaks for, as two binds: a lone owner fills both.
fn two_owners(owners: &[String]) -> (String, String) {
    let first = owners.first().cloned().unwrap_or_default();
    let second = owners.get(1).cloned().unwrap_or_else(|| first.clone());
    (first, second)
}
