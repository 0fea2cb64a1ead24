//! The catalogue's staff side (marketing and admin): creating a product and seeing it in
//! the store at once (picture, Markdown, renamed slugs, unpublishing), bad product input
//! shown next to its field, stock changes with a reason, and categories.

use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;
use reqwest::multipart::{Form, Part};

on_both_backends!(
    a_created_product_is_in_the_store_at_once,
    bad_product_input_is_shown_next_to_the_field,
    stock_changes_need_a_reason_and_never_go_negative,
    categories_are_deleted_only_when_empty,
);

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
        .text("weight", "2400")
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

async fn a_created_product_is_in_the_store_at_once(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.sign_in_as_staff("marketing").await;
    let category = app.first_category().await;
    let form = product_form("Quietude Grinder", "", "QG-1", category)
        .part(
            "image",
            Part::bytes(PNG.to_vec())
                .file_name("grinder.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .text("image_alt", "The Quietude grinder on a counter");
    let created = staff.create_product(form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let edit_path = created.location().split('?').next().unwrap().to_string();

    let found = app.get("/products?q=quietude").await;
    assert_eq!(found.card_names(), vec!["Quietude Grinder"]);
    let weight: Option<i64> =
        sqlx::query_scalar("SELECT weight_grams FROM products WHERE slug = 'quietude-grinder'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(weight, Some(2400), "the shipping weight is kept");
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
    let hidden = staff.set_product_status(id, "draft").await;
    assert_eq!(hidden.status, 303);
    assert_eq!(app.get("/products/quietude-2").await.status, 404);

    let actions = app.audit_actions_by("marketing@example.com").await;
    assert_eq!(
        actions,
        vec!["product.create", "product.update", "product.status"]
    );
}

async fn bad_product_input_is_shown_next_to_the_field(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.sign_in_as_staff("marketing").await;
    let category = app.first_category().await;
    let form = product_form("Odd One", "", "ODD-1", category).text("price", "12.345");
    let page = staff.create_product(form).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Enter an amount like 249"));
    assert!(
        page.body.contains("value=\"Odd One\""),
        "typed values are kept"
    );

    let heavy = product_form("Odd Four", "", "ODD-4", category).text("weight", "heavy");
    let page = staff.create_product(heavy).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Enter the packed weight in whole grams"));
    assert!(page.body.contains("value=\"heavy\""));

    let not_an_image = product_form("Odd Two", "", "ODD-2", category).part(
        "image",
        Part::bytes(b"<html><script>x</script></html>".to_vec()).file_name("x.png"),
    );
    let page = staff.create_product(not_an_image).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Upload a PNG, JPEG, WebP or SVG image."));
    let count = app
        .count("SELECT COUNT(*) FROM products WHERE sku LIKE 'ODD-%'")
        .await;
    assert_eq!(count, 0, "a refused form writes nothing");

    let taken = staff
        .create_product(
            product_form("Odd Three", "", "ODD-3", category).text("slug", "quietude-nope"),
        )
        .await;
    assert_eq!(taken.status, 303, "{}", taken.body);
    let duplicate = staff
        .create_product(product_form("Odd Four", "quietude-nope", "ODD-4", category))
        .await;
    assert_eq!(duplicate.status, 422);
    assert!(duplicate.body.contains("already uses this slug"));
    // Oversized uploads: see crate::platform::oversized_request_bodies_are_refused.
}

async fn stock_changes_need_a_reason_and_never_go_negative(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.sign_in_as_staff("marketing").await;
    let id = app.first_product().await;
    let stock = app.stock_of(id).await;
    assert_eq!(staff.adjust_stock(id, 5, "").await.status, 422);
    assert_eq!(staff.adjust_stock(id, 5, "Delivery").await.status, 303);
    let too_many = staff.adjust_stock(id, -(stock + 6), "Oops").await;
    assert_eq!(too_many.status, 422);
    assert!(too_many.body.contains("below zero"));
    let now = app.stock_of(id).await;
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
    let staff = app.sign_in_as_staff("marketing").await;
    let taken = staff.create_category("Kettles").await;
    assert_eq!(
        taken.status, 422,
        "the demo store has a kettles category already"
    );
    assert!(taken.body.contains("already uses this slug"));
    let created = staff.create_category("Milk frothers").await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = app.category_id("milk-frothers").await;
    let busy = app.first_category().await;
    let refused = staff.delete_category(busy).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Only an empty category"));
    let cycle = staff.update_category(id, "Frothers", id).await;
    assert_eq!(cycle.status, 422);
    assert_eq!(staff.delete_category(id).await.status, 303);
}
