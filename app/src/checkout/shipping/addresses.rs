//! `/account/addresses`: a signed-in customer's address book, filled by "Save this address in
//! my account" at checkout and offered on the next checkout. Removing one asks first
//! (`?remove={id}` shows the question, the form posts it). Plain links and forms.

use super::model::SavedAddress;
use crate::error::AppError;
use crate::ui::{query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[server(endpoint = "account/addresses")]
pub async fn load_address_book() -> Result<Vec<SavedAddress>, AppError> {
    let user = crate::request::RequestContext::current()
        .user
        .ok_or(AppError::Unauthorized)?;
    Ok(super::repo::saved_addresses(&crate::db::use_db()?, user.id).await?)
}

#[component]
pub fn AddressBookPage() -> impl IntoView {
    view! {
        <Layout>
            <Title text="Your addresses · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading your addresses…"</p> }>
                {move || Suspend::new(async move {
                    match load_address_book().await {
                        Ok(saved) => view! { <AddressBookView saved/> }.into_any(),
                        Err(AppError::Unauthorized) => view! {
                            <section class="container orders">
                                <h1>"Your addresses"</h1>
                                <p><a class="btn btn--primary" href="/login?next=/account/addresses">"Sign in to see your addresses"</a></p>
                            </section>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn AddressBookView(saved: Vec<SavedAddress>) -> impl IntoView {
    let removing = query_param("remove");
    let removed = query_param("removed") == "1";
    view! {
        <section class="container orders address-book">
            <p class="checkout__back"><a href="/account">"← Your account"</a></p>
            <h1>"Your addresses"</h1>
            {removed.then(|| view! { <div class="alert alert--ok" role="status">"Address removed."</div> })}
            {if saved.is_empty() {
                view! {
                    <div class="empty-state">
                        <h2>"No saved addresses"</h2>
                        <p>"Tick \"Save this address in my account\" at checkout and it waits here for next time."</p>
                        <p><a class="btn btn--primary" href="/products">"Browse products"</a></p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <p class="lead">"Checkout offers these, most recently used first. We keep up to ten."</p>
                    <ul class="address-book__list">
                        {saved.into_iter().map(|s| {
                            let asking = removing == s.id.to_string();
                            view! {
                                <li class="panel address-book__item">
                                    <address>
                                        {s.address.label_lines().into_iter().map(|line| view! { {line}<br/> }).collect_view()}
                                        {(!s.address.phone.is_empty()).then(|| format!("Phone: {}", s.address.phone))}
                                    </address>
                                    {if asking {
                                        view! {
                                            <form method="post" action=format!("/account/addresses/{}/remove", s.id) class="address-book__confirm" role="group" aria-label="Confirm removal">
                                                <p><strong>"Remove this address?"</strong>" Orders already sent there keep it."</p>
                                                <button class="btn btn--danger btn--small" type="submit">"Remove"</button>
                                                " "<a class="btn btn--ghost btn--small" href="/account/addresses">"Keep it"</a>
                                            </form>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <p><a class="btn btn--ghost btn--small" href=format!("/account/addresses?remove={}", s.id)>"Remove…"</a></p>
                                        }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
