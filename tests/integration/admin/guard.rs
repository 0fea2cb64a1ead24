//! The admin panel's guard: every admin page, server function and form of every feature,
//! asked for by a visitor, a customer and each staff role, answers what that role may
//! have — checked on the server, and without showing the panel's frame to outsiders.

use crate::helpers::{spawn_seeded_app, Backend, Visitor};
use crate::on_both_backends;
use reqwest::multipart::Form;

on_both_backends!(every_admin_route_checks_the_role_on_the_server);

#[derive(Clone, Copy)]
enum Req {
    Get(&'static str),
    /// A server function (form-encoded arguments).
    Api(&'static str, &'static str),
    Post(&'static str, &'static str),
    /// A multipart product form with no fields filled in.
    Multipart(&'static str),
}

/// Expected status per person: [visitor, customer, sales, marketing, admin].
const TABLE: &[(Req, [u16; 5])] = &[
    (Req::Get("/admin"), [404, 404, 200, 200, 200]),
    (Req::Get("/admin/products"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/products/new"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/products/1"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/categories"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/staff"), [404, 404, 403, 403, 200]),
    (Req::Get("/admin/personas"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/content"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/content/new"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/content/1"), [404, 404, 403, 200, 200]),
    (
        Req::Api("/api/admin/content", "status=&stage="),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Api("/api/admin/content-piece", "id=1"),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Post("/admin/content/new", "title="),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/content/1", "title="),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Api("/api/admin/personas", ""),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Post("/admin/personas", "action=create&name=&description="),
        [404, 404, 403, 422, 422],
    ),
    (Req::Get("/admin/orders"), [404, 404, 200, 403, 200]),
    (
        Req::Get("/admin/orders/nosuchorder"),
        [404, 404, 404, 403, 404],
    ),
    (
        Req::Api("/api/admin/orders", "status=&from=&to="),
        [404, 404, 200, 403, 200],
    ),
    (
        Req::Post("/admin/orders/nosuchorder", "action=fulfil"),
        [404, 404, 404, 403, 404],
    ),
    (Req::Get("/admin/tickets"), [404, 404, 200, 403, 200]),
    (
        Req::Get("/admin/tickets/nosuchticket"),
        [404, 404, 404, 403, 404],
    ),
    (
        Req::Api("/api/admin/tickets", "status=&assignee=&stage=&older="),
        [404, 404, 200, 403, 200],
    ),
    (
        Req::Post("/admin/tickets/nosuchticket", "action=note&message=hi"),
        [404, 404, 404, 403, 404],
    ),
    (Req::Get("/admin/outbox"), [404, 404, 403, 403, 200]),
    (Req::Get("/admin/shipping"), [404, 404, 403, 403, 200]),
    (
        Req::Api("/api/admin/shipping", ""),
        [404, 404, 403, 403, 200],
    ),
    (
        Req::Post("/admin/shipping", "action=add_zone&name="),
        [404, 404, 403, 403, 422],
    ),
    (Req::Get("/admin/analytics"), [404, 404, 200, 200, 200]),
    (
        Req::Api("/api/admin/analytics", "range=7d&from=&to=&persona=&step="),
        [404, 404, 200, 200, 200],
    ),
    (
        Req::Get("/admin/analytics/export?table=content"),
        [404, 404, 200, 200, 200],
    ),
    (Req::Get("/admin/discounts"), [404, 404, 403, 200, 200]),
    (Req::Get("/admin/discounts/1"), [404, 404, 403, 200, 200]),
    (
        Req::Api("/api/admin/discounts", ""),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Api("/api/admin/discount", "id=1"),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Post("/admin/discounts", "code=x&kind=percent&value="),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/discounts/1", "action=update&code=x"),
        [404, 404, 403, 422, 422],
    ),
    (Req::Get("/admin/taxes"), [404, 404, 403, 403, 200]),
    (Req::Api("/api/admin/taxes", ""), [404, 404, 403, 403, 200]),
    (
        Req::Post("/admin/taxes", "action=put_rate&country=US&rate="),
        [404, 404, 403, 403, 422],
    ),
    (
        Req::Get("/admin/orders/nosuchorder/invoice"),
        [404, 404, 404, 403, 404],
    ),
    (Req::Get("/admin/audit"), [404, 404, 403, 403, 200]),
    (
        Req::Api("/api/admin/dashboard", ""),
        [404, 404, 200, 200, 200],
    ),
    (
        Req::Api("/api/admin/products", "q=&status="),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Api("/api/admin/product", "id=1"),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Api("/api/admin/preview-markdown", "markdown=%2Ahi%2A"),
        [404, 404, 403, 200, 200],
    ),
    (
        Req::Api("/api/admin/categories", ""),
        [404, 404, 403, 200, 200],
    ),
    (Req::Api("/api/admin/staff", ""), [404, 404, 403, 403, 200]),
    (Req::Api("/api/admin/outbox", ""), [404, 404, 403, 403, 200]),
    (
        Req::Api("/api/admin/audit", "actor=&action="),
        [404, 404, 403, 403, 200],
    ),
    (
        Req::Multipart("/admin/products/new"),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Multipart("/admin/products/1"),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/products/1/stock", "delta=abc&reason="),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/products/1/status", "status=bogus"),
        [404, 404, 403, 400, 400],
    ),
    (
        Req::Post("/admin/products/1/options", "option_values_1=a"),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/products/1/variants", "rows=1&variant_1_id=x"),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/categories", "action=create&name="),
        [404, 404, 403, 422, 422],
    ),
    (
        Req::Post("/admin/staff", "action=invite&email=nope&role=sales"),
        [404, 404, 403, 403, 422],
    ),
];

async fn send(visitor: &Visitor, req: Req) -> u16 {
    match req {
        Req::Get(path) => visitor.get(path).await.status,
        Req::Api(path, body) | Req::Post(path, body) => visitor.post_form(path, body).await.status,
        Req::Multipart(path) => {
            visitor
                .post_multipart(path, Form::new().text("name", ""))
                .await
                .status
        }
    }
}

async fn every_admin_route_checks_the_role_on_the_server(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let people = [
        app.visitor(),
        app.sign_in_as_customer("customer@example.com").await,
        app.sign_in_as_staff("sales").await,
        app.sign_in_as_staff("marketing").await,
        app.sign_in_as_staff("admin").await,
    ];
    let names = ["visitor", "customer", "sales", "marketing", "admin"];
    let mut wrong = Vec::new();
    for (req, expected) in TABLE {
        for (i, person) in people.iter().enumerate() {
            let got = send(person, *req).await;
            if got != expected[i] {
                wrong.push(format!(
                    "{:?} as {}: expected {}, got {got}",
                    describe(*req),
                    names[i],
                    expected[i]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected statuses:\n{}",
        wrong.join("\n")
    );
    // A refusal to a non-staff person never shows the panel's frame.
    let hidden = people[1].get("/admin/staff").await;
    assert!(!hidden.body.contains("admin__nav"));
}

fn describe(req: Req) -> String {
    match req {
        Req::Get(p) => format!("GET {p}"),
        Req::Api(p, _) => format!("server fn {p}"),
        Req::Post(p, _) => format!("POST {p}"),
        Req::Multipart(p) => format!("POST multipart {p}"),
    }
}
