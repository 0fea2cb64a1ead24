-- The change log each app server's search index follows (app/src/catalog/engine.rs): every
-- write to what a product's search entry holds names the product here, in the writing
-- transaction. A server applies the rows it has not seen (and looks back a few seconds for
-- rows of transactions that committed after later ones); a fresh server builds its index
-- from the products and then follows the log from where it started. Old rows are pruned.
CREATE TABLE search_changes (
    seq        BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL,
    changed_at BIGINT NOT NULL DEFAULT (EXTRACT(EPOCH FROM now())::BIGINT)
);
CREATE INDEX search_changes_time ON search_changes(changed_at);

CREATE FUNCTION log_search_change() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'products' THEN
        INSERT INTO search_changes (product_id)
        VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSIF TG_TABLE_NAME = 'product_options' THEN
        INSERT INTO search_changes (product_id)
        VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END);
    ELSIF TG_TABLE_NAME = 'product_option_values' THEN
        INSERT INTO search_changes (product_id)
        SELECT product_id FROM product_options
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.option_id ELSE NEW.option_id END);
    ELSIF TG_TABLE_NAME = 'categories' THEN
        -- A category's name is in the entries of its products and its subcategories' products.
        INSERT INTO search_changes (product_id)
        SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id
        WHERE c.id = NEW.id OR c.parent_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_changes_products_insert AFTER INSERT OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION log_search_change();
CREATE TRIGGER search_changes_products_update
    AFTER UPDATE OF name, summary, description_md, price_cents, stock, status, featured, category_id, created_at ON products
    FOR EACH ROW EXECUTE FUNCTION log_search_change();
-- Specs reach the index with the product's search document (catalog::repo::
-- refresh_search_document writes the log row); options and their values are logged here.
CREATE TRIGGER search_changes_options AFTER INSERT OR UPDATE OR DELETE ON product_options
    FOR EACH ROW EXECUTE FUNCTION log_search_change();
CREATE TRIGGER search_changes_option_values AFTER INSERT OR UPDATE OR DELETE ON product_option_values
    FOR EACH ROW EXECUTE FUNCTION log_search_change();
CREATE TRIGGER search_changes_categories AFTER UPDATE OF name, parent_id ON categories
    FOR EACH ROW EXECUTE FUNCTION log_search_change();
