//! Account pages: sign up, sign in, the account page, and password reset. They render
//! plain forms that post to `accounts::handlers`, so they work without JavaScript.

use crate::forms::feedback_for;
use crate::seo::PageMeta;
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use crate::ui::Layout;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::ui::query_param as query;

/// Sends the visitor to `to` (302) when rendered on the server, whatever the client
/// accepts (leptos_axum's redirect only sets the status for HTML clients).
pub fn redirect_to(to: &str) {
    crate::error::set_page_status(302);
    crate::error::set_page_location(to);
}

const PASSWORD_HINT: &str =
    "At least 8 characters. A short sentence is strong and easy to remember.";

#[component]
pub fn SignupPage() -> impl IntoView {
    if crate::request::RequestContext::current().user.is_some() {
        redirect_to("/account");
    }
    let feedback = feedback_for("signup");
    let next = query("next");
    view! {
        <PageMeta title="Create your account" description="Create a Storefront account to keep your orders and conversations in one place." canonical="/signup"/>
        <Layout>
            <section class="auth container">
                <div class="auth__card">
                    <h1>"Create your account"</h1>
                    <p class="lead">"Keep your orders, saved research and conversations with our team in one place."</p>
                    <FormAlert feedback=feedback.clone() fields=&["name", "email", "password"]/>
                    <form method="post" action="/signup" class="stack" novalidate>
                        <input type="hidden" name="next" value=next/>
                        <TextField feedback=feedback.clone() name="name" label="Your name (optional)" autocomplete="name" maxlength=100/>
                        <TextField feedback=feedback.clone() name="email" label="Email" kind="email" autocomplete="email" required=true maxlength=254/>
                        <TextField feedback=feedback.clone() name="password" label="Password" kind="password" autocomplete="new-password" required=true hint=PASSWORD_HINT/>
                        <button class="btn btn--primary btn--block" type="submit">"Create account"</button>
                    </form>
                    <p class="auth__alt">"Already have an account? " <a href="/login">"Sign in"</a></p>
                </div>
            </section>
        </Layout>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    if crate::request::RequestContext::current().user.is_some() {
        redirect_to("/account");
    }
    let feedback = feedback_for("login");
    let next = query("next");
    let notice = (query("reset") == "1")
        .then_some("Your password was changed. Sign in with your new password.");
    view! {
        <PageMeta title="Sign in" description="Sign in to your Storefront account." canonical="/login"/>
        <Layout>
            <section class="auth container">
                <div class="auth__card">
                    <h1>"Sign in"</h1>
                    <SuccessAlert message=notice/>
                    <FormAlert feedback=feedback.clone() fields=&["email"]/>
                    <form method="post" action="/login" class="stack" novalidate>
                        <input type="hidden" name="next" value=next/>
                        <TextField feedback=feedback.clone() name="email" label="Email" kind="email" autocomplete="username" required=true maxlength=254/>
                        <TextField feedback=feedback.clone() name="password" label="Password" kind="password" autocomplete="current-password" required=true/>
                        <button class="btn btn--primary btn--block" type="submit">"Sign in"</button>
                    </form>
                    <p class="auth__alt"><a href="/account/password-reset">"Forgot your password?"</a></p>
                    <p class="auth__alt">"New here? " <a href="/signup">"Create an account"</a></p>
                </div>
            </section>
        </Layout>
    }
}

fn saved_message(code: &str) -> Option<&'static str> {
    match code {
        "profile" => Some("Your profile was saved."),
        "password" => Some("Your password was changed. Other devices were signed out."),
        _ => None,
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let Some(user) = crate::request::RequestContext::current().user else {
        redirect_to("/login?next=/account");
        return view! { <Layout><p class="loading"><a href="/login?next=/account">"Please sign in to see your account."</a></p></Layout> }.into_any();
    };
    let saved = saved_message(&query("saved"))
        .or_else(|| (query("welcome") == "1").then_some("Welcome! Your account is ready."));
    let profile = feedback_for("profile");
    let password = feedback_for("password");
    let delete = feedback_for("delete");
    view! {
        <PageMeta title="Your account" description="Your Storefront account." canonical="/account" noindex=true/>
        <Layout>
            <section class="account container">
                <header class="account__head">
                    <p class="eyebrow">"Your account"</p>
                    <h1>{format!("Hello, {}", user.display_name())}</h1>
                    <p class="lead">{format!("Signed in as {}", user.email)}</p>
                    <nav class="account__links" aria-label="Your things">
                        <a class="btn btn--ghost" href="/account/orders">"Your orders"</a>
                        <a class="btn btn--ghost" href="/account/addresses">"Your addresses"</a>
                        <a class="btn btn--ghost" href="/account/tickets">"Your conversations"</a>
                        {user.is_staff().then(|| view! { <a class="btn btn--ghost" href="/admin">"Open the admin panel"</a> })}
                    </nav>
                </header>
                <SuccessAlert message=saved/>
                <div class="account__grid">
                    <section class="panel" aria-labelledby="profile-title">
                        <h2 id="profile-title">"Profile"</h2>
                        <FormAlert feedback=profile.clone() fields=&["name"]/>
                        <form method="post" action="/account/profile" class="stack">
                            <TextField feedback=profile.clone() name="name" label="Name" value=user.name.clone() autocomplete="name" maxlength=100/>
                            <button class="btn btn--primary" type="submit">"Save profile"</button>
                        </form>
                    </section>
                    <section class="panel" aria-labelledby="password-title">
                        <h2 id="password-title">"Change password"</h2>
                        <FormAlert feedback=password.clone() fields=&["current_password", "new_password"]/>
                        <form method="post" action="/account/password" class="stack">
                            <TextField feedback=password.clone() name="current_password" label="Current password" kind="password" autocomplete="current-password" required=true/>
                            <TextField feedback=password.clone() name="new_password" label="New password" kind="password" autocomplete="new-password" required=true hint=PASSWORD_HINT/>
                            <button class="btn btn--primary" type="submit">"Change password"</button>
                        </form>
                    </section>
                    <section class="panel" aria-labelledby="signout-title">
                        <h2 id="signout-title">"Sign out"</h2>
                        <p>"Signing out ends your session on every device."</p>
                        <form method="post" action="/logout">
                            <button class="btn btn--ghost" type="submit">"Sign out everywhere"</button>
                        </form>
                    </section>
                    <section class="panel panel--danger" aria-labelledby="delete-title">
                        <h2 id="delete-title">"Delete account"</h2>
                        <p>"This removes your account and signs you out. It can't be undone."</p>
                        <FormAlert feedback=delete.clone() fields=&["confirm", "delete_password"]/>
                        <form method="post" action="/account/delete" class="stack">
                            <TextField feedback=delete.clone() name="delete_password" label="Your password" kind="password" autocomplete="current-password" required=true/>
                            <TextField feedback=delete.clone() name="confirm" label="Type DELETE to confirm" required=true maxlength=10/>
                            <button class="btn btn--danger" type="submit">"Delete my account"</button>
                        </form>
                    </section>
                </div>
            </section>
        </Layout>
    }
    .into_any()
}

#[component]
pub fn PasswordResetRequestPage() -> impl IntoView {
    let feedback = feedback_for("reset");
    let sent = (query("sent") == "1").then_some(
        "If an account exists for that address, we've emailed it a link. The link works once, for 30 minutes.",
    );
    view! {
        <PageMeta title="Reset your password" description="Get a link to choose a new password." canonical="/account/password-reset"/>
        <Layout>
            <section class="auth container">
                <div class="auth__card">
                    <h1>"Reset your password"</h1>
                    <p class="lead">"Enter your email and we'll send you a link to choose a new password."</p>
                    <SuccessAlert message=sent/>
                    <FormAlert feedback=feedback.clone() fields=&["email"]/>
                    <form method="post" action="/account/password-reset" class="stack" novalidate>
                        <TextField feedback=feedback.clone() name="email" label="Email" kind="email" autocomplete="email" required=true maxlength=254/>
                        <button class="btn btn--primary btn--block" type="submit">"Email me a link"</button>
                    </form>
                    <p class="auth__alt"><a href="/login">"Back to sign in"</a></p>
                </div>
            </section>
        </Layout>
    }
}

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let token = use_params_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    let feedback = feedback_for("new-password");
    let action = format!("/account/password-reset/{token}");
    view! {
        <PageMeta title="Choose a new password" description="Choose a new password for your account." canonical="/account/password-reset" noindex=true/>
        <Layout>
            <section class="auth container">
                <div class="auth__card">
                    <h1>"Choose a new password"</h1>
                    <FormAlert feedback=feedback.clone() fields=&["new_password"]/>
                    <form method="post" action=action class="stack" novalidate>
                        <TextField feedback=feedback.clone() name="new_password" label="New password" kind="password" autocomplete="new-password" required=true hint=PASSWORD_HINT/>
                        <button class="btn btn--primary btn--block" type="submit">"Save new password"</button>
                    </form>
                    <p class="auth__alt"><a href="/account/password-reset">"Ask for a new link"</a></p>
                </div>
            </section>
        </Layout>
    }
}
