//! Accounts as customers use them: sign-up, sign-in, sessions, password change and reset,
//! throttling, deleting the account, and cross-origin sign-in.

use crate::helpers::{spawn_app, Backend, TEST_PASSWORD};
use crate::on_both_backends;

const NEW_PASSWORD: &str = "a brand new sentence for me";

async fn signup_login_logout(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let visitor = app.visitor();
    let page = visitor
        .sign_up("Ada", "Ada@Example.com", TEST_PASSWORD)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/account?welcome=1");
    let cookie = page.set_session().expect("a session cookie");
    let raw = page
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        raw.contains("httponly") && raw.contains("samesite=lax"),
        "{raw}"
    );

    let account = visitor.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(
        account.body.contains("ada@example.com"),
        "email normalised and shown"
    );
    assert!(account.body.contains("Hello, Ada"));

    let out = visitor.sign_out().await;
    assert_eq!(out.status, 303);
    let after = visitor.get("/account").await;
    assert_eq!(
        after.status, 302,
        "signed out: account page sends to sign-in"
    );
    assert_eq!(after.location(), "/login?next=/account");

    // The old cookie is dead even if someone kept a copy.
    let replay = app.get_with("/account", &[("cookie", &cookie)]).await;
    assert_eq!(replay.status, 302);

    let again = visitor.sign_in("ada@example.com").await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location(), "/account");
}

async fn signup_problems_are_shown_with_what_was_typed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let visitor = app.visitor();
    let weak = visitor.sign_up("Bo", "bo@example.com", "password").await;
    assert_eq!(weak.status, 422);
    assert!(
        weak.body.contains("most common"),
        "the password rule is explained"
    );
    assert!(
        weak.body.contains("value=\"bo@example.com\""),
        "the email is kept"
    );
    assert!(
        !weak.body.contains("value=\"password\""),
        "passwords are never echoed"
    );

    app.create_user("taken@example.com", None).await;
    let taken = visitor
        .sign_up("", "taken@example.com", TEST_PASSWORD)
        .await;
    // Nobody learns that the address has an account: the answer is a new sign-up's.
    let fresh = app
        .visitor()
        .sign_up("", "fresh@example.com", TEST_PASSWORD)
        .await;
    assert_eq!(fresh.status, 303);
    assert_eq!(taken.status, fresh.status);
    assert_eq!(taken.location(), fresh.location());
    assert!(!taken.body.contains("already"));
    let notices = app.emails_to("taken@example.com").await;
    assert_eq!(notices.len(), 1, "the owner is told instead");
    assert!(notices[0].contains("already has one"));
    // The same address typed full-width is the same account, and the owner's inbox is
    // not flooded: one notice an hour.
    let again = app
        .visitor()
        .sign_up("", "ＴＡＫＥＮ@example.com", TEST_PASSWORD)
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(app.emails_to("taken@example.com").await.len(), 1);
    let signed_in = app.visitor();
    let login = signed_in.sign_in("Taken@ＥＸＡＭＰＬＥ.com").await;
    assert_eq!(
        login.status, 303,
        "full-width spelling signs in to the one account"
    );
}

async fn session_id_rotates_at_login(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("rot@example.com", None).await;
    let visitor = app.visitor();
    let first = visitor
        .sign_in("rot@example.com")
        .await
        .set_session()
        .unwrap();
    let second = visitor.sign_in("rot@example.com").await;
    assert_eq!(second.status, 303);
    let second = second
        .set_session()
        .expect("a new session cookie at sign-in");
    assert_ne!(first, second, "sign-in issues a new session id");
    let stale = app.get_with("/account", &[("cookie", &first)]).await;
    assert_eq!(
        stale.status, 302,
        "the pre-login id no longer signs anyone in"
    );
}

async fn password_change_ends_other_sessions(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let laptop = app.sign_in_as_customer("two@example.com").await;
    let phone = app.visitor();
    assert_eq!(phone.sign_in("two@example.com").await.status, 303);
    assert_eq!(phone.get("/account").await.status, 200);

    let wrong = laptop.change_password("nope", NEW_PASSWORD).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("not your current password"));

    let changed = laptop.change_password(TEST_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        laptop.get("/account").await.status,
        200,
        "this session continues"
    );
    assert_eq!(
        phone.get("/account").await.status,
        302,
        "the other one ended"
    );
}

async fn password_reset_link_works_once_and_expires(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("reset@example.com", None).await;
    let visitor = app.visitor();
    let asked = visitor.ask_for_a_password_reset("reset@example.com").await;
    assert_eq!(asked.status, 303);
    let unknown = visitor.ask_for_a_password_reset("nobody@example.com").await;
    assert_eq!(
        unknown.location(),
        asked.location(),
        "unknown emails get the same answer"
    );
    assert!(app.emails_to("nobody@example.com").await.is_empty());

    let email = app.emails_to("reset@example.com").await.remove(0);
    let link = email
        .split_whitespace()
        .find(|w| w.contains("/account/password-reset/"))
        .expect("a link in the email");
    let path = &link[link.find("/account/").unwrap()..];
    assert_eq!(visitor.get(path).await.status, 200);

    let used = visitor.choose_new_password(path, NEW_PASSWORD).await;
    assert_eq!(used.status, 303, "{}", used.body);
    assert_eq!(used.location(), "/login?reset=1");
    let again = visitor.choose_new_password(path, NEW_PASSWORD).await;
    assert_eq!(again.status, 410, "a link works once");
    assert!(again.body.contains("expired or was already used"));

    let login = visitor
        .sign_in_with("reset@example.com", NEW_PASSWORD)
        .await;
    assert_eq!(login.status, 303);

    // A second link, aged past its 30 minutes.
    visitor.ask_for_a_password_reset("reset@example.com").await;
    let email = app.emails_to("reset@example.com").await.remove(0);
    let link = email
        .split_whitespace()
        .find(|w| w.contains("/account/password-reset/"))
        .unwrap();
    let path = link[link.find("/account/").unwrap()..].to_string();
    sqlx::query("UPDATE password_resets SET expires_at = expires_at - 1801 WHERE used_at IS NULL")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        visitor
            .choose_new_password(&path, NEW_PASSWORD)
            .await
            .status,
        410,
        "expired after 30 minutes"
    );
}

async fn sign_in_never_reveals_whether_an_account_exists(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("known@example.com", None).await;
    let a = app
        .visitor()
        .sign_in_with("known@example.com", "wrong-password-1")
        .await;
    let b = app
        .visitor()
        .sign_in_with("ghost@example.com", "wrong-password-1")
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.status, b.status);
    let normalise = |page: &crate::helpers::Page| {
        page.body_without_nonce()
            .replace("known@example.com", "E")
            .replace("ghost@example.com", "E")
    };
    assert_eq!(
        normalise(&a),
        normalise(&b),
        "same page for a wrong password and an unknown email"
    );
    assert!(
        a.body.contains("don&#x27;t match an account") || a.body.contains("don't match an account")
    );
}

async fn repeated_failures_are_throttled(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("slow@example.com", None).await;
    let visitor = app.visitor();
    for _ in 0..5 {
        let page = visitor
            .sign_in_with("slow@example.com", "not-the-password")
            .await;
        assert_eq!(page.status, 401);
    }
    let locked = visitor.sign_in("slow@example.com").await;
    assert_eq!(locked.status, 429, "even the right password waits");
    assert!(locked.body.contains("Too many attempts"));
    assert!(locked.body.contains("30 seconds"));

    // Reset requests are limited too.
    for _ in 0..3 {
        assert_eq!(
            visitor
                .ask_for_a_password_reset("slow@example.com")
                .await
                .status,
            303
        );
    }
    assert_eq!(
        visitor
            .ask_for_a_password_reset("slow@example.com")
            .await
            .status,
        429
    );
    assert_eq!(app.emails_to("slow@example.com").await.len(), 3);
}

async fn accounts_can_be_deleted_with_confirmation(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let visitor = app.sign_in_as_customer("gone@example.com").await;
    let unconfirmed = visitor.delete_account(TEST_PASSWORD, "yes").await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.body.contains("Type DELETE"));
    let deleted = visitor.delete_account(TEST_PASSWORD, "DELETE").await;
    assert_eq!(deleted.status, 303);
    assert!(
        app::accounts::repo::find_user_by_email(&app.db, "gone@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(visitor.get("/account").await.status, 302);
}

async fn cross_origin_sign_in_is_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let page = app
        .post_form(
            "/login",
            "email=a%40example.com&password=x",
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(page.status, 403);
}

on_both_backends!(
    signup_login_logout,
    signup_problems_are_shown_with_what_was_typed,
    session_id_rotates_at_login,
    password_change_ends_other_sessions,
    password_reset_link_works_once_and_expires,
    sign_in_never_reveals_whether_an_account_exists,
    repeated_failures_are_throttled,
    accounts_can_be_deleted_with_confirmation,
    cross_origin_sign_in_is_refused,
);
