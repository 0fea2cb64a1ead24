//! Content's staff side (marketing and admin): the persona grid and its content gaps,
//! scheduled pieces that staff can preview before they go live, files, covers, SEO fields
//! and categories on a piece, and uploads too large to keep.

use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;
use reqwest::multipart::{Form, Part};

on_both_backends!(
    content_files_covers_seo_and_categories_are_saved,
    a_huge_content_upload_is_refused_with_a_message,
    scheduled_content_is_previewable_then_published,
    persona_grid_shows_content_gaps,
);

async fn persona_grid_shows_content_gaps(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.sign_in_as_staff("marketing").await;
    let page = staff.get("/admin/personas").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Every persona has content at every stage."));
    let created = staff
        .create_persona("The roaster", "Roasts their own beans")
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = staff.get("/admin/personas").await;
    assert!(page
        .body
        .contains("No awareness-stage content for The roaster"));
    assert!(page
        .body
        .contains("No decision-stage content for The roaster"));
    let duplicate = staff.create_persona("The roaster", "Again").await;
    assert_eq!(duplicate.status, 422);
    let action = app.audit_actions_like("%").await.pop().unwrap();
    assert_eq!(action, "persona.create");
}

async fn scheduled_content_is_previewable_then_published(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let staff = app.sign_in_as_staff("marketing").await;
    let persona = app.first_persona().await;
    let (_, product) = app.first_active_product().await;
    let future = app::time::to_datetime_local(app::db::now_unix() + 86_400);
    let form = format!(
        "title=Descaling+in+ten+minutes&summary=A+routine&body_md=**Citric**+acid&kind=article&stage=decision&status=published\
         &publish_at={}&persona_ids={persona}&product_slugs={product}&author=Sam",
        crate::helpers::urlencode(&future)
    );
    let bad = staff
        .create_content(&form.replace(&format!("persona_ids={persona}"), "x=1"))
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Choose at least one persona"));
    assert!(
        bad.body.contains("value=\"Descaling in ten minutes\""),
        "typed values kept"
    );
    let created = staff.create_content(&form).await;
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
    let actions = app.audit_actions_like("content.%").await;
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
    let staff = app.sign_in_as_staff("marketing").await;
    let persona = app.first_persona().await;
    // A product and its category: the piece is linked to the category only.
    let (product_id, product) = app.first_active_product().await;
    let category = app.category_of(product_id).await;
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
    let before = app.count("SELECT COUNT(*) FROM content").await;

    // A text file is not a download; nothing is written and the typed values stay.
    let refused = staff
        .upload_content(content_form(&fields).part(
            "media_file",
            file(b"just words".to_vec(), "guide.pdf", "application/pdf"),
        ))
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("Upload the download as a PDF or EPUB file."));
    assert!(refused
        .body
        .contains("value=\"Grinder workbook: 40 questions\""));
    let after_refusal = app.count("SELECT COUNT(*) FROM content").await;
    assert_eq!(after_refusal, before);

    // A good download whose form has another mistake: the file is kept for the next try.
    let mut missing_summary = fields.to_vec();
    missing_summary.retain(|(k, _)| *k != "summary");
    let kept = staff
        .upload_content(content_form(&missing_summary).part(
            "media_file",
            file(pdf.clone(), "workbook.pdf", "application/pdf"),
        ))
        .await;
    assert_eq!(kept.status, 422);
    assert!(kept.body.contains("Please enter the summary."));
    assert!(
        kept.body.contains("value=\"/media/uploads/content/"),
        "the stored file's address is in the form"
    );

    let created = staff
        .upload_content(
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
    let staff = app.sign_in_as_staff("marketing").await;
    // 21 MB: within what the server reads, over what a download may be.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(21 * 1024 * 1024, b'0');
    let page = staff
        .upload_content(
            content_form(&[("title", "Big"), ("kind", "ebook")])
                .part("media_file", file(big, "big.pdf", "application/pdf")),
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("That file is larger than 20 MB."));

    // 40 MB declared: refused before the body is read, with the form and a message.
    let login = app.visitor();
    let signed_in = login
        .sign_in(&crate::helpers::fixtures::staff_email("marketing"))
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
