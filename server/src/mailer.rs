//! Delivers the email outbox through SMTP (lettre) when `SMTP_URL` is set. Without it the
//! messages stay in the outbox, where they were logged when queued and where staff can
//! read them, so password resets work on a fresh machine.

use crate::config::Config;
use app::db::Db;
use app::email::repo::{list_pending_emails, mark_email_failed, mark_email_sent};
use app::email::OutboxMessage;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub struct Mailer {
    db: Db,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: String,
}

impl Mailer {
    pub fn new(db: Db, config: &Config) -> Mailer {
        let transport = config.smtp_url.as_ref().and_then(|url| {
            match AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()) {
                Ok(builder) => Some(builder.build()),
                Err(error) => {
                    tracing::error!(%error, "SMTP_URL could not be used; emails stay in the outbox");
                    None
                }
            }
        });
        Mailer {
            db,
            transport,
            from: config.smtp_from.clone(),
        }
    }

    /// Polls the outbox every five seconds while the server runs.
    pub async fn run(self) {
        let Some(transport) = &self.transport else {
            tracing::info!("SMTP_URL not set: emails stay in the outbox (see /admin/outbox)");
            return;
        };
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            let pending = match list_pending_emails(&self.db, 20).await {
                Ok(pending) => pending,
                Err(error) => {
                    tracing::warn!(%error, "could not read the outbox");
                    continue;
                }
            };
            for message in pending {
                self.deliver(transport, &message).await;
            }
        }
    }

    async fn deliver(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        message: &OutboxMessage,
    ) {
        let result = async {
            let email = Message::builder()
                .from(self.from.parse::<Mailbox>()?)
                .to(message.to_address.parse::<Mailbox>()?)
                .subject(&message.subject)
                .body(message.body_text.clone())?;
            transport.send(email).await?;
            Ok::<_, anyhow::Error>(())
        }
        .await;
        let recorded = match result {
            Ok(()) => mark_email_sent(&self.db, message.id).await,
            Err(error) => {
                tracing::warn!(email_id = message.id, error = %error, "email not delivered");
                mark_email_failed(&self.db, message.id, &format!("{error:#}")).await
            }
        };
        if let Err(error) = recorded {
            tracing::error!(%error, "could not record the email's delivery state");
        }
    }
}
