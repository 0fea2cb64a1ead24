-- The change log each app server's search index follows (app/src/catalog/engine.rs): every
-- write to what a product's search entry holds names the product here, in the writing
-- transaction. A server applies the rows it has not seen; a fresh server builds its index
-- from the products and then follows the log from where it started. Old rows are pruned.
CREATE TABLE search_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL,
    changed_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
);
CREATE INDEX search_changes_time ON search_changes(changed_at);

CREATE TRIGGER search_changes_products_insert AFTER INSERT ON products
BEGIN INSERT INTO search_changes (product_id) VALUES (NEW.id); END;
CREATE TRIGGER search_changes_products_update
AFTER UPDATE OF name, summary, description_md, price_cents, stock, status, featured, category_id, created_at ON products
BEGIN INSERT INTO search_changes (product_id) VALUES (NEW.id); END;
CREATE TRIGGER search_changes_products_delete AFTER DELETE ON products
BEGIN INSERT INTO search_changes (product_id) VALUES (OLD.id); END;

-- Specs reach the index with the product's search document (catalog::repo::
-- refresh_search_document writes the log row); options and their values are logged here.
CREATE TRIGGER search_changes_options_insert AFTER INSERT ON product_options
BEGIN INSERT INTO search_changes (product_id) VALUES (NEW.product_id); END;
CREATE TRIGGER search_changes_options_update AFTER UPDATE ON product_options
BEGIN INSERT INTO search_changes (product_id) VALUES (NEW.product_id); END;
CREATE TRIGGER search_changes_options_delete AFTER DELETE ON product_options
BEGIN INSERT INTO search_changes (product_id) VALUES (OLD.product_id); END;
CREATE TRIGGER search_changes_option_values_insert AFTER INSERT ON product_option_values
BEGIN INSERT INTO search_changes (product_id) SELECT product_id FROM product_options WHERE id = NEW.option_id; END;
CREATE TRIGGER search_changes_option_values_update AFTER UPDATE ON product_option_values
BEGIN INSERT INTO search_changes (product_id) SELECT product_id FROM product_options WHERE id = NEW.option_id; END;
CREATE TRIGGER search_changes_option_values_delete AFTER DELETE ON product_option_values
BEGIN INSERT INTO search_changes (product_id) SELECT product_id FROM product_options WHERE id = OLD.option_id; END;

-- A category's name is in the entries of its products and its subcategories' products.
CREATE TRIGGER search_changes_categories_update AFTER UPDATE OF name, parent_id ON categories
BEGIN
    INSERT INTO search_changes (product_id)
    SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id
    WHERE c.id = NEW.id OR c.parent_id = NEW.id;
END;
