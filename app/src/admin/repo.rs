//! All SQL of the admin panel: the catalogue as staff see it (every status), category
//! tree edits, staff accounts and the dashboard's counts.

use super::model::{
    AdminProductItem, AdminProductList, CategoryNode, CategoryOption, DashboardFigures,
    ProductDraft, ProductInput, StaffMember, StockAdjustment,
};
use crate::accounts::model::StaffRole;
use crate::catalog::model::LOW_STOCK;
use crate::catalog::repo::{
    insert_product, insert_product_spec, list_product_specs, refresh_search_document, NewProduct,
};
use crate::db::{now_unix, Db};
use sqlx::{AnyConnection, Row};

pub async fn dashboard_figures(db: &Db) -> Result<DashboardFigures, sqlx::Error> {
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(db.pool()).await
    };
    Ok(DashboardFigures {
        active_products: count("SELECT COUNT(*) FROM products WHERE status = 'active'").await?,
        draft_products: count("SELECT COUNT(*) FROM products WHERE status = 'draft'").await?,
        low_stock: sqlx::query_scalar(
            "SELECT COUNT(*) FROM products WHERE status = 'active' AND stock <= $1",
        )
        .bind(LOW_STOCK)
        .fetch_one(db.pool())
        .await?,
        customers: count("SELECT COUNT(*) FROM users WHERE role IS NULL").await?,
        pending_emails: count("SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL").await?,
    })
}

/// Products of every status, newest edits first, filtered by a name/SKU fragment.
pub async fn list_admin_products(
    db: &Db,
    q: &str,
    status: &str,
) -> Result<AdminProductList, sqlx::Error> {
    let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
    let rows = sqlx::query(
        "SELECT p.id, p.slug, p.name, p.sku, c.name AS category_name, p.price_cents, p.stock, p.status, p.updated_at
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE (LOWER(p.name) LIKE $1 OR LOWER(p.sku) LIKE $1) AND ($2 = '' OR p.status = $2)
         ORDER BY p.updated_at DESC, p.id DESC LIMIT 200",
    )
    .bind(&pattern)
    .bind(status)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM products p WHERE (LOWER(p.name) LIKE $1 OR LOWER(p.sku) LIKE $1) AND ($2 = '' OR p.status = $2)",
    )
    .bind(&pattern)
    .bind(status)
    .fetch_one(db.pool())
    .await?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AdminProductItem {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                sku: r.try_get("sku")?,
                category_name: r.try_get("category_name")?,
                price_cents: r.try_get("price_cents")?,
                stock: r.try_get("stock")?,
                status: r.try_get("status")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(AdminProductList {
        items,
        total,
        q: q.to_string(),
        status: status.to_string(),
    })
}

pub async fn find_product_draft(db: &Db, id: i64) -> Result<Option<ProductDraft>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, slug, name, sku, category_id, summary, description_md, price_cents, compare_at_cents, stock, status
         FROM products WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let specs = list_product_specs(db, id).await?;
    Ok(Some(ProductDraft {
        id: Some(row.try_get("id")?),
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        sku: row.try_get("sku")?,
        category_id: row.try_get("category_id")?,
        summary: row.try_get("summary")?,
        description_md: row.try_get("description_md")?,
        price: crate::catalog::model::minor_to_plain(row.try_get("price_cents")?),
        compare_at: row
            .try_get::<Option<i64>, _>("compare_at_cents")?
            .map(crate::catalog::model::minor_to_plain)
            .unwrap_or_default(),
        stock: row.try_get("stock")?,
        status: row.try_get("status")?,
        specs: super::model::specs_to_text(&specs),
    }))
}

pub async fn list_stock_adjustments(
    db: &Db,
    product_id: i64,
) -> Result<Vec<StockAdjustment>, sqlx::Error> {
    sqlx::query(
        "SELECT a.delta, a.reason, u.email AS actor_email, a.created_at FROM stock_adjustments a
         LEFT JOIN users u ON u.id = a.actor_id WHERE a.product_id = $1 ORDER BY a.id DESC LIMIT 20",
    )
    .bind(product_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(StockAdjustment {
            delta: r.try_get("delta")?,
            reason: r.try_get("reason")?,
            actor_email: r.try_get("actor_email")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// Why a product write was refused by a constraint.
#[derive(Debug)]
pub enum ProductWriteError {
    SlugTaken,
    SkuTaken,
    NoSuchCategory,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ProductWriteError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(db_error) = error.as_database_error() {
            let message = db_error.message().to_lowercase();
            if db_error.is_unique_violation() {
                if message.contains("sku") {
                    return ProductWriteError::SkuTaken;
                }
                return ProductWriteError::SlugTaken;
            }
            if db_error.is_foreign_key_violation() {
                return ProductWriteError::NoSuchCategory;
            }
        }
        ProductWriteError::Database(error)
    }
}

async fn slug_is_taken(
    conn: &mut AnyConnection,
    slug: &str,
    except: i64,
) -> Result<bool, sqlx::Error> {
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE slug = $1 AND id <> $2")
            .bind(slug)
            .bind(except)
            .fetch_one(&mut *conn)
            .await?;
    Ok(taken > 0)
}

async fn replace_specs(
    conn: &mut AnyConnection,
    product_id: i64,
    input: &ProductInput,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM product_specs WHERE product_id = $1")
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    for (position, spec) in input.specs.iter().enumerate() {
        insert_product_spec(&mut *conn, product_id, spec, position as i64).await?;
    }
    Ok(())
}

/// Creates a product with its specs and a generated picture, searchable at once.
pub async fn create_product(
    db: &Db,
    input: &ProductInput,
    stock: i64,
) -> Result<i64, ProductWriteError> {
    let mut tx = db.pool().begin().await?;
    if slug_is_taken(&mut tx, &input.slug, 0).await? {
        return Err(ProductWriteError::SlugTaken);
    }
    let id = insert_product(
        &mut tx,
        &NewProduct {
            slug: &input.slug,
            name: &input.name,
            summary: &input.summary,
            description_md: &input.description_md,
            price_cents: input.price_cents,
            compare_at_cents: input.compare_at_cents,
            currency: "USD",
            sku: &input.sku,
            stock,
            status: &input.status,
            featured: false,
            category_id: input.category_id,
            accent_color: "#6b4f3a",
            created_at: None,
        },
    )
    .await?;
    replace_specs(&mut tx, id, input).await?;
    // Until staff upload a photo, the generated drawing keeps the store from showing a hole.
    sqlx::query(
        "INSERT INTO product_images (product_id, url, alt, position) VALUES ($1, $2, $3, 100)",
    )
    .bind(id)
    .bind(format!("/media/demo/{}.svg", input.slug))
    .bind(format!("Drawing of the {}", input.name))
    .execute(&mut *tx)
    .await?;
    refresh_search_document(&mut tx, db.backend(), id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves an edit. A changed slug leaves a redirect from the old one, so shared links
/// keep working. Returns the old slug when it changed.
pub async fn update_product(
    db: &Db,
    id: i64,
    input: &ProductInput,
) -> Result<Option<String>, ProductWriteError> {
    let mut tx = db.pool().begin().await?;
    let old_slug: String = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if slug_is_taken(&mut tx, &input.slug, id).await? {
        return Err(ProductWriteError::SlugTaken);
    }
    sqlx::query(
        "UPDATE products SET slug = $1, name = $2, sku = $3, category_id = $4, summary = $5, description_md = $6,
            price_cents = $7, compare_at_cents = $8, status = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(&input.slug)
    .bind(&input.name)
    .bind(&input.sku)
    .bind(input.category_id)
    .bind(&input.summary)
    .bind(&input.description_md)
    .bind(input.price_cents)
    .bind(input.compare_at_cents)
    .bind(&input.status)
    .bind(now_unix())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let renamed = old_slug != input.slug;
    if renamed {
        // The new slug may be an old redirect of this or another product: it is live now.
        sqlx::query("DELETE FROM slug_redirects WHERE old_slug = $1")
            .bind(&input.slug)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO slug_redirects (old_slug, product_id) VALUES ($1, $2)
             ON CONFLICT (old_slug) DO UPDATE SET product_id = excluded.product_id",
        )
        .bind(&old_slug)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE product_images SET url = $1 WHERE product_id = $2 AND url = $3")
            .bind(format!("/media/demo/{}.svg", input.slug))
            .bind(id)
            .bind(format!("/media/demo/{old_slug}.svg"))
            .execute(&mut *tx)
            .await?;
    }
    replace_specs(&mut tx, id, input).await?;
    refresh_search_document(&mut tx, db.backend(), id).await?;
    tx.commit().await?;
    Ok(renamed.then_some(old_slug))
}

/// The current slug of a product that used to be at `old_slug`.
pub async fn find_redirected_slug(db: &Db, old_slug: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT p.slug FROM slug_redirects r JOIN products p ON p.id = r.product_id WHERE r.old_slug = $1",
    )
    .bind(old_slug)
    .fetch_optional(db.pool())
    .await
}

/// Puts a just-uploaded picture first in the product's gallery.
pub async fn add_product_image(
    db: &Db,
    product_id: i64,
    url: &str,
    alt: &str,
) -> Result<(), sqlx::Error> {
    let first: Option<i64> =
        sqlx::query_scalar("SELECT MIN(position) FROM product_images WHERE product_id = $1")
            .bind(product_id)
            .fetch_one(db.pool())
            .await?;
    sqlx::query(
        "INSERT INTO product_images (product_id, url, alt, position) VALUES ($1, $2, $3, $4)",
    )
    .bind(product_id)
    .bind(url)
    .bind(alt)
    .bind(first.unwrap_or(1) - 1)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn list_images(db: &Db, product_id: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT url, alt FROM product_images WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(product_id)
    .fetch_all(db.pool())
    .await
}

/// Changes stock by `delta` unless that would go below zero (one conditional UPDATE,
/// safe against a concurrent checkout); records why. Returns the new stock.
pub async fn adjust_stock(
    db: &Db,
    product_id: i64,
    delta: i64,
    reason: &str,
    actor_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    let updated = sqlx::query(
        "UPDATE products SET stock = stock + $1, updated_at = $2 WHERE id = $3 AND stock + $1 >= 0 RETURNING stock",
    )
    .bind(delta)
    .bind(now_unix())
    .bind(product_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = updated else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO stock_adjustments (product_id, delta, reason, actor_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(product_id)
    .bind(delta)
    .bind(reason)
    .bind(actor_id)
    .bind(now_unix())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(row.try_get("stock")?))
}

pub async fn set_product_status(db: &Db, id: i64, status: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE products SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now_unix())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

// ---- categories ----

/// The tree in display order (parents before children), with what each holds.
pub async fn list_category_tree(db: &Db) -> Result<Vec<CategoryNode>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.slug, c.name, c.parent_id,
            (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id) AS products,
            (SELECT COUNT(*) FROM categories k WHERE k.parent_id = c.id) AS children
         FROM categories c ORDER BY c.position, c.name",
    )
    .fetch_all(db.pool())
    .await?;
    let flat = rows
        .into_iter()
        .map(|r| {
            Ok(CategoryNode {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                parent_id: r.try_get("parent_id")?,
                depth: 0,
                products: r.try_get("products")?,
                children: r.try_get("children")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(order_as_tree(flat))
}

/// Depth-first order with depths filled in.
pub fn order_as_tree(flat: Vec<CategoryNode>) -> Vec<CategoryNode> {
    fn walk(parent: Option<i64>, depth: usize, flat: &[CategoryNode], out: &mut Vec<CategoryNode>) {
        for node in flat.iter().filter(|n| n.parent_id == parent) {
            if out.iter().any(|o| o.id == node.id) {
                continue;
            }
            let mut node = node.clone();
            node.depth = depth;
            let id = node.id;
            out.push(node);
            walk(Some(id), depth + 1, flat, out);
        }
    }
    let mut out = Vec::with_capacity(flat.len());
    walk(None, 0, &flat, &mut out);
    out
}

pub fn category_options(tree: &[CategoryNode]) -> Vec<CategoryOption> {
    tree.iter()
        .map(|n| CategoryOption {
            id: n.id,
            label: format!("{}{}", "— ".repeat(n.depth), n.name),
        })
        .collect()
}

pub async fn insert_admin_category(
    db: &Db,
    slug: &str,
    name: &str,
    parent_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    crate::catalog::repo::insert_category(
        &mut conn,
        &crate::catalog::repo::NewCategory {
            slug,
            name,
            description: "",
            parent_id,
            position: 100,
            icon_svg: "",
        },
    )
    .await
}

pub async fn update_category(
    db: &Db,
    id: i64,
    name: &str,
    parent_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE categories SET name = $1, parent_id = $2 WHERE id = $3")
        .bind(name)
        .bind(parent_id)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a category only when nothing is in it (the WHERE decides, atomically).
pub async fn delete_empty_category(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM categories WHERE id = $1
           AND NOT EXISTS (SELECT 1 FROM products WHERE category_id = $1)
           AND NOT EXISTS (SELECT 1 FROM categories WHERE parent_id = $1)",
    )
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- staff ----

pub async fn list_staff(db: &Db) -> Result<Vec<StaffMember>, sqlx::Error> {
    sqlx::query(
        "SELECT id, email, name, role, active, created_at FROM users WHERE role IS NOT NULL ORDER BY email",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(StaffMember {
            id: r.try_get("id")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            role: r.try_get::<Option<String>, _>("role")?.as_deref().and_then(StaffRole::parse),
            active: r.try_get::<i64, _>("active")? != 0,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// Sets (or with `None` removes) a user's staff role and signs them out everywhere, so
/// the new rights apply from their next sign-in.
pub async fn set_staff_role(
    db: &Db,
    user_id: i64,
    role: Option<StaffRole>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET role = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(role.map(|r| r.as_str().to_string()))
    .bind(now_unix())
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_user_active(db: &Db, user_id: i64, active: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET active = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(i64::from(active))
    .bind(now_unix())
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_active_admins(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
        .fetch_one(db.pool())
        .await
}

// ---- personas ----

pub async fn persona_coverage(db: &Db) -> Result<Vec<super::model::PersonaCoverage>, sqlx::Error> {
    use crate::content::model::Stage;
    let personas = crate::content::repo::list_personas(db).await?;
    let counts: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT cp.persona_id, c.stage, COUNT(*) FROM content_personas cp JOIN content c ON c.id = cp.content_id \
         WHERE c.status = 'published' GROUP BY cp.persona_id, c.stage",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(personas
        .into_iter()
        .map(|persona| {
            let mut per_stage = [0; 3];
            for (i, stage) in Stage::ALL.iter().enumerate() {
                per_stage[i] = counts
                    .iter()
                    .filter(|(id, s, _)| *id == persona.id && s == stage.key())
                    .map(|(_, _, n)| *n)
                    .sum();
            }
            super::model::PersonaCoverage { persona, per_stage }
        })
        .collect())
}

pub async fn insert_admin_persona(
    db: &Db,
    slug: &str,
    name: &str,
    description: &str,
    problems: &str,
) -> Result<i64, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    crate::content::repo::insert_persona(&mut conn, slug, name, description, problems, 100).await
}

pub async fn update_persona(
    db: &Db,
    id: i64,
    name: &str,
    description: &str,
    problems: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE personas SET name = $1, description = $2, problems = $3 WHERE id = $4")
            .bind(name)
            .bind(description)
            .bind(problems)
            .bind(id)
            .execute(db.pool())
            .await?;
    Ok(done.rows_affected() == 1)
}

// ---- content ----

pub async fn list_admin_content(
    db: &Db,
    status: &str,
    stage: &str,
) -> Result<Vec<super::model::AdminContentItem>, sqlx::Error> {
    sqlx::query(
        "SELECT id, slug, title, kind, stage, status, published_at FROM content \
         WHERE ($1 = '' OR status = $1) AND ($2 = '' OR stage = $2) ORDER BY published_at DESC, id DESC LIMIT 300",
    )
    .bind(status)
    .bind(stage)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(super::model::AdminContentItem {
            id: r.try_get("id")?,
            slug: r.try_get("slug")?,
            title: r.try_get("title")?,
            kind: r.try_get("kind")?,
            stage: r.try_get("stage")?,
            status: r.try_get("status")?,
            published_at: r.try_get("published_at")?,
        })
    })
    .collect()
}

pub async fn find_content_draft(
    db: &Db,
    id: i64,
) -> Result<Option<super::model::ContentEditData>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT id, slug, title, summary, body_md, kind, stage, author, media_url, transcript, cover_url, cover_alt, \
         seo_title, seo_description, status, published_at FROM content WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let persona_ids: Vec<i64> =
        sqlx::query_scalar("SELECT persona_id FROM content_personas WHERE content_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let category_ids: Vec<i64> =
        sqlx::query_scalar("SELECT category_id FROM content_categories WHERE content_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let product_slugs: Vec<String> = sqlx::query_scalar(
        "SELECT p.slug FROM content_products cp JOIN products p ON p.id = cp.product_id WHERE cp.content_id = $1 ORDER BY p.slug",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(super::model::ContentEditData {
        id: Some(r.try_get("id")?),
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        body_md: r.try_get("body_md")?,
        kind: r.try_get("kind")?,
        stage: r.try_get("stage")?,
        author: r.try_get("author")?,
        media_url: r.try_get("media_url")?,
        transcript: r.try_get("transcript")?,
        cover_url: r.try_get("cover_url")?,
        cover_alt: r.try_get("cover_alt")?,
        seo_title: r.try_get("seo_title")?,
        seo_description: r.try_get("seo_description")?,
        status: r.try_get("status")?,
        publish_at: crate::time::to_datetime_local(r.try_get("published_at")?),
        persona_ids,
        category_ids,
        product_slugs: product_slugs.join(", "),
        personas: Vec::new(),
        categories: Vec::new(),
    }))
}

/// Why a content form could not be stored (each shown next to its field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentWriteError {
    SlugTaken,
    NoSuchProduct(String),
    NoSuchCategory,
}

/// Creates (`id` None) or updates a piece with its persona, product and category links,
/// in one transaction. Unknown product slugs are reported, not silently dropped.
pub async fn save_content(
    db: &Db,
    id: Option<i64>,
    input: &super::model::ContentInput,
) -> Result<Result<i64, ContentWriteError>, sqlx::Error> {
    use crate::content::repo::{link_content, LinkTable};
    let mut tx = db.pool().begin().await?;
    let mut product_ids = Vec::new();
    for slug in &input.product_slugs {
        match sqlx::query_scalar::<_, i64>("SELECT id FROM products WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(pid) => product_ids.push(pid),
            None => return Ok(Err(ContentWriteError::NoSuchProduct(slug.clone()))),
        }
    }
    for category in &input.category_ids {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories WHERE id = $1")
            .bind(category)
            .fetch_one(&mut *tx)
            .await?;
        if exists == 0 {
            return Ok(Err(ContentWriteError::NoSuchCategory));
        }
    }
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM content WHERE slug = $1 AND id <> $2")
            .bind(&input.slug)
            .bind(id.unwrap_or(0))
            .fetch_one(&mut *tx)
            .await?;
    if taken > 0 {
        return Ok(Err(ContentWriteError::SlugTaken));
    }
    let minutes = match input.kind {
        crate::content::model::Kind::Video => 0,
        _ => crate::content::model::reading_minutes(&format!(
            "{} {}",
            input.body_md, input.transcript
        )),
    };
    let status = if input.published {
        "published"
    } else {
        "draft"
    };
    let now = now_unix();
    let content_id = match id {
        Some(id) => {
            sqlx::query(
                "UPDATE content SET slug = $1, title = $2, summary = $3, body_md = $4, kind = $5, stage = $6, author = $7, \
                 media_url = $8, transcript = $9, minutes = CASE WHEN $10 = 0 THEN minutes ELSE $10 END, status = $11, \
                 published_at = $12, updated_at = $13, cover_url = $14, cover_alt = $15, seo_title = $16, \
                 seo_description = $17 WHERE id = $18",
            )
            .bind(&input.slug)
            .bind(&input.title)
            .bind(&input.summary)
            .bind(&input.body_md)
            .bind(input.kind.key())
            .bind(input.stage.key())
            .bind(&input.author)
            .bind(&input.media_url)
            .bind(&input.transcript)
            .bind(minutes)
            .bind(status)
            .bind(input.publish_at)
            .bind(now)
            .bind(&input.cover_url)
            .bind(&input.cover_alt)
            .bind(&input.seo_title)
            .bind(&input.seo_description)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            for table in ["content_personas", "content_products", "content_categories"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE content_id = $1")).bind(id).execute(&mut *tx).await?;
            }
            id
        }
        None => sqlx::query_scalar(
            "INSERT INTO content (slug, title, summary, body_md, kind, stage, author, media_url, transcript, minutes, status, \
             published_at, created_at, updated_at, cover_url, cover_alt, seo_title, seo_description) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(&input.slug)
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.body_md)
        .bind(input.kind.key())
        .bind(input.stage.key())
        .bind(&input.author)
        .bind(&input.media_url)
        .bind(&input.transcript)
        .bind(minutes.max(1))
        .bind(status)
        .bind(input.publish_at)
        .bind(now)
        .bind(&input.cover_url)
        .bind(&input.cover_alt)
        .bind(&input.seo_title)
        .bind(&input.seo_description)
        .fetch_one(&mut *tx)
        .await?,
    };
    for persona in &input.persona_ids {
        link_content(&mut tx, LinkTable::Personas, content_id, *persona).await?;
    }
    for product in product_ids {
        link_content(&mut tx, LinkTable::Products, content_id, product).await?;
    }
    for category in &input.category_ids {
        link_content(&mut tx, LinkTable::Categories, content_id, *category).await?;
    }
    tx.commit().await?;
    Ok(Ok(content_id))
}
