//! SQL of catalogue management: staff's product list and drafts, product writes, specs,
//! pictures, stock adjustments, old slugs, the category tree.

use crate::catalog::repo::{
    insert_product, insert_product_spec, list_product_specs, refresh_search_document, NewProduct,
};
use crate::catalog::staff::model::{
    AdminProductItem, AdminProductList, CategoryNode, CategoryOption, ProductDraft, ProductInput,
    StockAdjustment,
};
use crate::catalog::variants::repo::update_implicit_variant;
use crate::db::{now_unix, Db};
use sqlx::{AnyConnection, Row};

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
        "SELECT id, slug, name, sku, category_id, summary, description_md, price_cents, compare_at_cents, stock, status,
                weight_grams, tax_class FROM products WHERE id = $1",
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
        price: crate::money::minor_to_plain(row.try_get("price_cents")?),
        compare_at: row
            .try_get::<Option<i64>, _>("compare_at_cents")?
            .map(crate::money::minor_to_plain)
            .unwrap_or_default(),
        stock: row.try_get("stock")?,
        status: row.try_get("status")?,
        specs: super::model::specs_to_text(&specs),
        weight: row
            .try_get::<Option<i64>, _>("weight_grams")?
            .map(|g| g.to_string())
            .unwrap_or_default(),
        tax_class: row.try_get("tax_class")?,
    }))
}

pub async fn list_stock_adjustments(
    db: &Db,
    product_id: i64,
) -> Result<Vec<StockAdjustment>, sqlx::Error> {
    sqlx::query(
        "SELECT a.delta, a.reason, u.email AS actor_email, a.created_at, \
                COALESCE(v.option1, '') AS option1, COALESCE(v.option2, '') AS option2, COALESCE(v.option3, '') AS option3 \
         FROM stock_adjustments a LEFT JOIN users u ON u.id = a.actor_id \
         LEFT JOIN product_variants v ON v.id = a.variant_id \
         WHERE a.product_id = $1 ORDER BY a.id DESC LIMIT 20",
    )
    .bind(product_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(StockAdjustment {
            variant: crate::catalog::variants::repo::title_of_row(&r)?,
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
    let mut tx = db.begin_write().await?;
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
    sqlx::query("UPDATE products SET weight_grams = $1, tax_class = $3 WHERE id = $2")
        .bind(input.weight_grams)
        .bind(id)
        .bind(input.tax_class.key())
        .execute(&mut *tx)
        .await?;
    update_implicit_variant(
        &mut tx,
        id,
        &input.sku,
        input.price_cents,
        input.compare_at_cents,
        input.weight_grams,
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
    let mut tx = db.begin_write().await?;
    let old_slug: String = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if slug_is_taken(&mut tx, &input.slug, id).await? {
        return Err(ProductWriteError::SlugTaken);
    }
    sqlx::query(
        "UPDATE products SET slug = $1, name = $2, sku = $3, category_id = $4, summary = $5, description_md = $6,
            price_cents = $7, compare_at_cents = $8, status = $9, updated_at = $10, weight_grams = $12, tax_class = $13 WHERE id = $11",
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
    .bind(input.weight_grams)
    .bind(input.tax_class.key())
    .execute(&mut *tx)
    .await?;
    // A simple product's price, SKU and weight are its one variant's; with options they
    // live on the variants, and the summary row takes them back from there.
    update_implicit_variant(
        &mut tx,
        id,
        &input.sku,
        input.price_cents,
        input.compare_at_cents,
        input.weight_grams,
    )
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
    let mut tx = db.begin_write().await?;
    let result = crate::catalog::repo::insert_category(
        &mut tx,
        &crate::catalog::repo::NewCategory {
            slug,
            name,
            description: "",
            parent_id,
            position: 100,
            icon_svg: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn update_category(
    db: &Db,
    id: i64,
    name: &str,
    parent_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let products = crate::catalog::repo::products_under_category(db, id).await?;
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE categories SET name = $1, parent_id = $2 WHERE id = $3")
        .bind(name)
        .bind(parent_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Search documents name their categories: rewrite those that name this one.
    for product in products {
        refresh_search_document(&mut tx, db.backend(), product).await?;
    }
    tx.commit().await?;
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

/// The search synonyms, by word.
pub async fn list_synonyms(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT word, means FROM search_synonyms ORDER BY word, means")
        .fetch_all(db.pool())
        .await
}

/// Adds a pair; false when it was already there.
pub async fn insert_synonym(db: &Db, word: &str, means: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO search_synonyms (word, means) VALUES ($1, $2) ON CONFLICT (word, means) DO NOTHING",
    )
    .bind(word)
    .bind(means)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a pair; false when it was not there.
pub async fn delete_synonym(db: &Db, word: &str, means: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM search_synonyms WHERE word = $1 AND means = $2")
        .bind(word)
        .bind(means)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}
