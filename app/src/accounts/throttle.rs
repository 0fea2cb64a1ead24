//! Login and password-reset throttling: after a few failures a key (an account or an IP)
//! must wait, and each further failure doubles the wait, up to an hour.

use super::repo;
use crate::db::{now_unix, Db};
use crate::error::AppError;

#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub prefix: &'static str,
    /// Failures allowed before the first wait.
    pub free_failures: i64,
    pub first_wait_seconds: i64,
    pub max_wait_seconds: i64,
    /// Failures this long ago no longer count.
    pub forget_after_seconds: i64,
}

/// Five wrong passwords for one account, then 30 s, 60 s, 120 s … up to an hour.
pub const LOGIN_PER_ACCOUNT: Throttle = Throttle {
    prefix: "login-email",
    free_failures: 5,
    first_wait_seconds: 30,
    max_wait_seconds: 3600,
    forget_after_seconds: 3600,
};

/// One address may guess across many accounts a little longer (offices share an IP).
pub const LOGIN_PER_IP: Throttle = Throttle {
    prefix: "login-ip",
    free_failures: 20,
    first_wait_seconds: 30,
    max_wait_seconds: 3600,
    forget_after_seconds: 3600,
};

/// Every reset request counts: three emails per account per hour is plenty.
pub const RESET_PER_ACCOUNT: Throttle = Throttle {
    prefix: "reset-email",
    free_failures: 3,
    first_wait_seconds: 300,
    max_wait_seconds: 3600,
    forget_after_seconds: 3600,
};

/// "You already have an account" emails: one an hour per address.
pub const SIGNUP_NOTICE_PER_ACCOUNT: Throttle = Throttle {
    prefix: "signup-notice",
    free_failures: 1,
    first_wait_seconds: 3600,
    max_wait_seconds: 3600,
    forget_after_seconds: 3600,
};

pub const RESET_PER_IP: Throttle = Throttle {
    prefix: "reset-ip",
    free_failures: 10,
    first_wait_seconds: 300,
    max_wait_seconds: 3600,
    forget_after_seconds: 3600,
};

/// How long to lock after `failures` failures, if at all.
pub fn wait_after(throttle: &Throttle, failures: i64) -> Option<i64> {
    let over = failures - throttle.free_failures;
    if over < 0 {
        return None;
    }
    let doubled = throttle
        .first_wait_seconds
        .saturating_mul(1_i64 << over.min(20));
    Some(doubled.min(throttle.max_wait_seconds))
}

impl Throttle {
    fn key(&self, subject: &str) -> String {
        format!("{}:{}", self.prefix, subject)
    }

    /// Refuses with 429 while `subject` is locked.
    pub async fn check(&self, db: &Db, subject: &str) -> Result<(), AppError> {
        match repo::throttle_locked_until(db, &self.key(subject)).await? {
            Some(until) => Err(too_many_attempts(until - now_unix())),
            None => Ok(()),
        }
    }

    /// Counts this attempt before it is judged, so parallel guesses cannot all slip in
    /// between a check and a recorded failure: the count is one atomic upsert, and an
    /// attempt past the free ones is refused without being evaluated. Returns the count.
    pub async fn begin_attempt(&self, db: &Db, subject: &str) -> Result<i64, AppError> {
        self.check(db, subject).await?;
        let key = self.key(subject);
        let attempts = repo::record_throttle_failure(db, &key, self.forget_after_seconds).await?;
        if attempts > self.free_failures {
            let wait = wait_after(self, attempts).unwrap_or(self.first_wait_seconds);
            repo::lock_throttle(db, &key, now_unix() + wait).await?;
            return Err(too_many_attempts(wait));
        }
        Ok(attempts)
    }

    /// The attempt counted by `begin_attempt` failed: lock when it was the last free one.
    pub async fn attempt_failed(
        &self,
        db: &Db,
        subject: &str,
        attempts: i64,
    ) -> Result<(), AppError> {
        if let Some(wait) = wait_after(self, attempts) {
            repo::lock_throttle(db, &self.key(subject), now_unix() + wait).await?;
        }
        Ok(())
    }

    /// The attempt counted by `begin_attempt` succeeded: it no longer counts.
    pub async fn attempt_succeeded(&self, db: &Db, subject: &str) -> Result<(), AppError> {
        repo::forgive_throttle_attempt(db, &self.key(subject)).await?;
        Ok(())
    }

    pub async fn record_failure(&self, db: &Db, subject: &str) -> Result<(), AppError> {
        let key = self.key(subject);
        let failures = repo::record_throttle_failure(db, &key, self.forget_after_seconds).await?;
        if let Some(wait) = wait_after(self, failures) {
            repo::lock_throttle(db, &key, now_unix() + wait).await?;
        }
        Ok(())
    }

    pub async fn clear(&self, db: &Db, subject: &str) -> Result<(), AppError> {
        repo::clear_throttle(db, &self.key(subject)).await?;
        Ok(())
    }
}

fn too_many_attempts(wait_seconds: i64) -> AppError {
    AppError::TooManyRequests {
        message: format!(
            "Too many attempts. For your security, please wait {} and try again.",
            describe_wait(wait_seconds)
        ),
    }
}

fn describe_wait(seconds: i64) -> String {
    // Rounded up to ten seconds: a lock set a moment ago reads "30 seconds", not "29".
    let seconds = ((seconds.max(1) + 9) / 10) * 10;
    if seconds < 60 {
        format!("{seconds} seconds")
    } else {
        let minutes = (seconds + 59) / 60;
        if minutes == 1 {
            "a minute".into()
        } else {
            format!("{minutes} minutes")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_and_double_up_to_an_hour() {
        let t = LOGIN_PER_ACCOUNT;
        assert_eq!(wait_after(&t, 4), None);
        assert_eq!(wait_after(&t, 5), Some(30));
        assert_eq!(wait_after(&t, 6), Some(60));
        assert_eq!(wait_after(&t, 7), Some(120));
        assert_eq!(wait_after(&t, 40), Some(3600));
    }

    #[test]
    fn waits_read_like_a_person_wrote_them() {
        assert_eq!(describe_wait(20), "20 seconds");
        assert_eq!(describe_wait(60), "a minute");
        assert_eq!(describe_wait(61), "2 minutes");
    }
}
