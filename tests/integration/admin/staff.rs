//! The admin shell's staff pages (admin only): inviting staff by email, the outbox that
//! sent the invitation, role changes (never leaving the store without an admin), and the
//! audit log that records them.

use crate::helpers::fixtures::staff_email;
use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

on_both_backends!(staff_invitations_and_role_changes_are_audited);

async fn staff_invitations_and_role_changes_are_audited(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let admin = app.sign_in_as_staff("admin").await;
    let invited = admin.invite_staff("new@example.com", "sales").await;
    assert_eq!(invited.status, 303, "{}", invited.body);
    let email = app.emails_to("new@example.com").await;
    assert_eq!(email.len(), 1);
    assert!(email[0].contains("/account/password-reset/"));
    let outbox = admin.get("/admin/outbox").await;
    assert!(outbox
        .body
        .contains("invited to the Storefront admin panel"));

    let me = app.user_id(&staff_email("admin")).await;
    let last_admin = admin.change_staff_role(me, "sales").await;
    assert_eq!(
        last_admin.status, 409,
        "the last admin cannot demote themselves"
    );

    let audit = admin.get("/admin/audit?action=staff.invite").await;
    assert_eq!(audit.status, 200);
    assert!(audit.body.contains("new@example.com as sales"));
}
