//! The admin panel over real HTTP: who may reach what, catalogue edits reaching the store,
//! uploads, the audit log.

use crate::helpers::{spawn_app, spawn_seeded_app, Backend, Visitor};
use crate::on_both_backends;
use reqwest::multipart::{Form, Part};

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
        app.signed_in_as("customer@example.com", None).await,
        app.signed_in_as("sales@example.com", Some("sales")).await,
        app.signed_in_as("marketing@example.com", Some("marketing"))
            .await,
        app.signed_in_as("admin@example.com", Some("admin")).await,
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

fn product_form(name: &str, slug: &str, sku: &str, category_id: i64) -> Form {
    Form::new()
        .text("name", name.to_string())
        .text("slug", slug.to_string())
        .text("sku", sku.to_string())
        .text("category_id", category_id.to_string())
        .text("summary", "A quiet grinder for small kitchens.")
        .text(
            "description_md",
            "**Flat burrs**, 64 mm.\n\n<script>alert(1)</script>",
        )
        .text("price", "349.00")
        .text("compare_at", "")
        .text("stock", "7")
        .text("status", "active")
        .text("specs", "Burr size: 64 mm\nNoise: Low")
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

async fn first_category(app: &crate::helpers::TestApp) -> i64 {
    sqlx::query_scalar("SELECT MIN(id) FROM categories")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn a_created_product_is_in_the_store_at_once(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let category = first_category(&app).await;
    let form = product_form("Quietude Grinder", "", "QG-1", category)
        .part(
            "image",
            Part::bytes(PNG.to_vec())
                .file_name("grinder.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .text("image_alt", "The Quietude grinder on a counter");
    let created = staff.post_multipart("/admin/products/new", form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let edit_path = created.location().split('?').next().unwrap().to_string();

    let found = app.get("/products?q=quietude").await;
    assert_eq!(found.card_names(), vec!["Quietude Grinder"]);
    let product = app.get("/products/quietude-grinder").await;
    assert_eq!(product.status, 200);
    assert!(product.body.contains("<strong>Flat burrs</strong>"));
    assert!(
        !product.body.contains("<script>alert"),
        "markdown is sanitised"
    );
    let image = product
        .body
        .split("src=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|s| s.starts_with("/media/uploads/"))
        .expect("the uploaded picture is shown")
        .to_string();
    let served = app.get(&image).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "image/png");
    assert!(served.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));

    // Renaming the slug keeps the old address working.
    let renamed = staff
        .post_multipart(
            &edit_path,
            product_form("Quietude Grinder II", "quietude-2", "QG-1", category),
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let old = app.get("/products/quietude-grinder").await;
    assert_eq!(old.status, 301);
    assert_eq!(old.location(), "/products/quietude-2");
    assert_eq!(app.get("/products/quietude-2").await.status, 200);

    // Unpublishing hides it from customers immediately.
    let id = edit_path.rsplit('/').next().unwrap();
    let hidden = staff
        .post_form(&format!("/admin/products/{id}/status"), "status=draft")
        .await;
    assert_eq!(hidden.status, 303);
    assert_eq!(app.get("/products/quietude-2").await.status, 404);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE actor_email = 'm@example.com' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec!["product.create", "product.update", "product.status"]
    );
}

async fn bad_product_input_is_shown_next_to_the_field(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let category = first_category(&app).await;
    let form = product_form("Odd One", "", "ODD-1", category).text("price", "12.345");
    let page = staff.post_multipart("/admin/products/new", form).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Enter an amount like 249"));
    assert!(
        page.body.contains("value=\"Odd One\""),
        "typed values are kept"
    );

    let not_an_image = product_form("Odd Two", "", "ODD-2", category).part(
        "image",
        Part::bytes(b"<html><script>x</script></html>".to_vec()).file_name("x.png"),
    );
    let page = staff
        .post_multipart("/admin/products/new", not_an_image)
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Upload a PNG, JPEG, WebP or SVG image."));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE sku LIKE 'ODD-%'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 0, "a refused form writes nothing");

    let taken = staff
        .post_multipart(
            "/admin/products/new",
            product_form("Odd Three", "", "ODD-3", category).text("slug", "quietude-nope"),
        )
        .await;
    assert_eq!(taken.status, 303, "{}", taken.body);
    let duplicate = staff
        .post_multipart(
            "/admin/products/new",
            product_form("Odd Four", "quietude-nope", "ODD-4", category),
        )
        .await;
    assert_eq!(duplicate.status, 422);
    assert!(duplicate.body.contains("already uses this slug"));
    // Oversized uploads: see platform::oversized_request_bodies_are_refused.
}

async fn stock_changes_need_a_reason_and_never_go_negative(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let (id, stock): (i64, i64) =
        sqlx::query_as("SELECT id, stock FROM products ORDER BY id LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let path = format!("/admin/products/{id}/stock");
    assert_eq!(staff.post_form(&path, "delta=5&reason=").await.status, 422);
    assert_eq!(
        staff
            .post_form(&path, "delta=5&reason=Delivery")
            .await
            .status,
        303
    );
    let too_many = staff
        .post_form(&path, &format!("delta=-{}&reason=Oops", stock + 6))
        .await;
    assert_eq!(too_many.status, 422);
    assert!(too_many.body.contains("below zero"));
    let now: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(now, stock + 5);
    let page = staff.get(&format!("/admin/products/{id}")).await;
    assert!(
        page.body.contains("Delivery"),
        "the adjustment is listed with its reason"
    );
}

async fn categories_are_deleted_only_when_empty(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let taken = staff
        .post_form("/admin/categories", "action=create&name=Kettles")
        .await;
    assert_eq!(
        taken.status, 422,
        "the demo store has a kettles category already"
    );
    assert!(taken.body.contains("already uses this slug"));
    let created = staff
        .post_form("/admin/categories", "action=create&name=Milk+frothers")
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM categories WHERE slug = 'milk-frothers'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let busy = first_category(&app).await;
    let refused = staff
        .post_form("/admin/categories", &format!("action=delete&id={busy}"))
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Only an empty category"));
    let cycle = staff
        .post_form(
            "/admin/categories",
            &format!("action=update&id={id}&name=Frothers&parent_id={id}"),
        )
        .await;
    assert_eq!(cycle.status, 422);
    assert_eq!(
        staff
            .post_form("/admin/categories", &format!("action=delete&id={id}"))
            .await
            .status,
        303
    );
}

async fn staff_invitations_and_role_changes_are_audited(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let admin = app.signed_in_as("boss@example.com", Some("admin")).await;
    let invited = admin
        .post_form(
            "/admin/staff",
            "action=invite&email=new%40example.com&role=sales",
        )
        .await;
    assert_eq!(invited.status, 303, "{}", invited.body);
    let email = app.emails_to("new@example.com").await;
    assert_eq!(email.len(), 1);
    assert!(email[0].contains("/account/password-reset/"));
    let outbox = admin.get("/admin/outbox").await;
    assert!(outbox
        .body
        .contains("invited to the Storefront admin panel"));

    let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'boss@example.com'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let last_admin = admin
        .post_form(
            "/admin/staff",
            &format!("action=role&user_id={me}&role=sales"),
        )
        .await;
    assert_eq!(
        last_admin.status, 409,
        "the last admin cannot demote themselves"
    );

    let audit = admin.get("/admin/audit?action=staff.invite").await;
    assert_eq!(audit.status, 200);
    assert!(audit.body.contains("new@example.com as sales"));
}

async fn persona_grid_shows_content_gaps(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let page = staff.get("/admin/personas").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Every persona has content at every stage."));
    let created = staff
        .post_form(
            "/admin/personas",
            "action=create&name=The+roaster&description=Roasts+their+own+beans&problems=",
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = staff.get("/admin/personas").await;
    assert!(page
        .body
        .contains("No awareness-stage content for The roaster"));
    assert!(page
        .body
        .contains("No decision-stage content for The roaster"));
    let duplicate = staff
        .post_form(
            "/admin/personas",
            "action=create&name=The+roaster&description=Again",
        )
        .await;
    assert_eq!(duplicate.status, 422);
    let action: String =
        sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(action, "persona.create");
}

async fn scheduled_content_is_previewable_then_published(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let persona: i64 = sqlx::query_scalar("SELECT id FROM personas ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let product: String =
        sqlx::query_scalar("SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let future = app::time::to_datetime_local(app::db::now_unix() + 86_400);
    let form = format!(
        "title=Descaling+in+ten+minutes&summary=A+routine&body_md=**Citric**+acid&kind=article&stage=decision&status=published\
         &publish_at={}&persona_ids={persona}&product_slugs={product}&author=Sam",
        crate::helpers::urlencode(&future)
    );
    let bad = staff
        .post_form(
            "/admin/content/new",
            &form.replace(&format!("persona_ids={persona}"), "x=1"),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Choose at least one persona"));
    assert!(
        bad.body.contains("value=\"Descaling in ten minutes\""),
        "typed values kept"
    );
    let created = staff.post_form("/admin/content/new", &form).await;
    assert_eq!(created.status, 303, "{}", created.body);

    let hub = app.get("/learn?q=descaling+in+ten").await;
    assert!(
        !hub.body.contains("Descaling in ten minutes"),
        "scheduled for tomorrow"
    );
    assert_eq!(app.get("/learn/descaling-in-ten-minutes").await.status, 404);
    let preview = staff.get("/learn/descaling-in-ten-minutes").await;
    assert_eq!(preview.status, 200, "content staff can preview");
    assert!(preview.body.contains("<strong>Citric</strong>"));
    assert!(preview.body.contains("Products in this guide"));

    let edit = created.location().split('?').next().unwrap().to_string();
    let now_form = form.replace(&crate::helpers::urlencode(&future), "");
    assert_eq!(staff.post_form(&edit, &now_form).await.status, 303);
    assert_eq!(app.get("/learn/descaling-in-ten-minutes").await.status, 200);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'content.%' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(actions, ["content.create", "content.update"]);
}

/// The content form as a browser sends it: multipart, with persona and category boxes.
fn content_form(fields: &[(&str, &str)]) -> Form {
    fields.iter().fold(Form::new(), |form, (name, value)| {
        form.text(name.to_string(), value.to_string())
    })
}

fn file(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(mime)
        .unwrap()
}

async fn content_files_covers_seo_and_categories_are_saved(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    let persona: i64 = sqlx::query_scalar("SELECT id FROM personas ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    // A product and its category: the piece is linked to the category only.
    let (product, category): (String, i64) = sqlx::query_as(
        "SELECT slug, category_id FROM products WHERE status = 'active' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let persona = persona.to_string();
    let category = category.to_string();
    let fields = [
        ("title", "The grinder buyer's workbook"),
        ("summary", "Forty questions to ask before you buy."),
        ("kind", "whitepaper"),
        ("stage", "consideration"),
        ("status", "published"),
        ("persona_ids", persona.as_str()),
        ("category_ids", category.as_str()),
        ("cover_alt", "A hand grinder beside a scale"),
        ("seo_title", "Grinder workbook: 40 questions"),
        (
            "seo_description",
            "A printable workbook for choosing a grinder.",
        ),
    ];
    let pdf = b"%PDF-1.4\n% a tiny test document\n%%EOF\n".to_vec();
    let png = b"\x89PNG\r\n\x1a\nnot really pixels".to_vec();
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM content")
        .fetch_one(app.db.pool())
        .await
        .unwrap();

    // A text file is not a download; nothing is written and the typed values stay.
    let refused = staff
        .post_multipart(
            "/admin/content/new",
            content_form(&fields).part(
                "media_file",
                file(b"just words".to_vec(), "guide.pdf", "application/pdf"),
            ),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("Upload the download as a PDF or EPUB file."));
    assert!(refused
        .body
        .contains("value=\"Grinder workbook: 40 questions\""));
    let after_refusal: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM content")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(after_refusal, before);

    // A good download whose form has another mistake: the file is kept for the next try.
    let mut missing_summary = fields.to_vec();
    missing_summary.retain(|(k, _)| *k != "summary");
    let kept = staff
        .post_multipart(
            "/admin/content/new",
            content_form(&missing_summary).part(
                "media_file",
                file(pdf.clone(), "workbook.pdf", "application/pdf"),
            ),
        )
        .await;
    assert_eq!(kept.status, 422);
    assert!(kept.body.contains("Please enter the summary."));
    assert!(
        kept.body.contains("value=\"/media/uploads/content/"),
        "the stored file's address is in the form"
    );

    let created = staff
        .post_multipart(
            "/admin/content/new",
            content_form(&fields)
                .part(
                    "media_file",
                    file(pdf.clone(), "workbook.pdf", "application/pdf"),
                )
                .part("cover_file", file(png.clone(), "cover.png", "image/png")),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);

    let page = app.get("/learn/the-grinder-buyer-s-workbook").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<title>Grinder workbook: 40 questions"));
    assert!(page
        .body
        .contains("A printable workbook for choosing a grinder."));
    assert!(page.body.contains("alt=\"A hand grinder beside a scale\""));
    let download = {
        let href = "href=\"/media/uploads/content/";
        let start = page.body.find(href).expect("a download link") + "href=\"".len();
        let rest = &page.body[start..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let served = app.get(&download).await;
    assert_eq!(served.status, 200);
    let header = |name: &str| {
        served
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert!(header("content-disposition").starts_with("attachment"));
    assert_eq!(served.body.as_bytes(), pdf.as_slice());
    let cover = {
        let class_at = page.body.find("piece__cover").expect("a cover image");
        let tag_start = page.body[..class_at].rfind("<img").unwrap();
        let tag = &page.body[tag_start..];
        let tag = &tag[..tag.find('>').unwrap()];
        let src = tag.split("src=\"").nth(1).unwrap();
        src[..src.find('"').unwrap()].to_string()
    };
    assert!(cover.ends_with(".png"), "{cover}");
    assert_eq!(app.get(&cover).await.status, 200);

    // Linked through its category, the piece reaches that category's product pages.
    let product_page = app.get(&format!("/products/{product}")).await;
    assert!(
        product_page
            .body
            .contains("The grinder buyer&#x27;s workbook")
            || product_page.body.contains("The grinder buyer's workbook")
    );

    // The edit form shows what was saved.
    let edit = staff
        .get(created.location().split('?').next().unwrap())
        .await;
    assert!(edit
        .body
        .contains("value=\"Grinder workbook: 40 questions\""));
    assert!(edit.body.contains(&format!(
        "name=\"category_ids\" value=\"{category}\" checked"
    )));
}

async fn a_huge_content_upload_is_refused_with_a_message(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.signed_in_as("m@example.com", Some("marketing")).await;
    // 21 MB: within what the server reads, over what a download may be.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(21 * 1024 * 1024, b'0');
    let page = staff
        .post_multipart(
            "/admin/content/new",
            content_form(&[("title", "Big"), ("kind", "ebook")])
                .part("media_file", file(big, "big.pdf", "application/pdf")),
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("That file is larger than 20 MB."));

    // 40 MB declared: refused before the body is read, with the form and a message.
    let login = app.visitor();
    let signed_in = login
        .post_form(
            "/login",
            &format!(
                "email=m%40example.com&password={}",
                crate::helpers::urlencode(crate::helpers::TEST_PASSWORD)
            ),
        )
        .await;
    let cookie = signed_in.set_session().expect("a session cookie");
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /admin/content/new HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
        app.base,
        40 * 1024 * 1024
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let mut chunk = [0_u8; 16 * 1024];
    while !String::from_utf8_lossy(&response).contains("downloads can be up to 20 MB") {
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut chunk))
                .await
                .expect("the server answers without waiting for the body")
                .unwrap();
        if read == 0 {
            break;
        }
        response.extend_from_slice(&chunk[..read]);
    }
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("downloads can be up to 20 MB"));
}

on_both_backends!(
    content_files_covers_seo_and_categories_are_saved,
    a_huge_content_upload_is_refused_with_a_message,
    scheduled_content_is_previewable_then_published,
    persona_grid_shows_content_gaps,
    every_admin_route_checks_the_role_on_the_server,
    a_created_product_is_in_the_store_at_once,
    bad_product_input_is_shown_next_to_the_field,
    stock_changes_need_a_reason_and_never_go_negative,
    categories_are_deleted_only_when_empty,
    staff_invitations_and_role_changes_are_audited,
);
