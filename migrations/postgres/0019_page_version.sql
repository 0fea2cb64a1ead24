-- The public pages' version: every write to what an anonymous page shows (catalogue,
-- prices, stock, content, categories, shipping and tax settings) bumps it in the same
-- transaction, so an app server that sees the new version also sees the new data. Each
-- server keeps rendered pages under the version they were rendered at (server/src/page_cache.rs).
CREATE TABLE page_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO page_version (id, version) VALUES (1, 1);

-- Deferred to commit, so the version row is the last lock any writer takes (no lock-order
-- deadlocks with stock or order rows) and is held only while committing; bumped once per
-- transaction, however many rows it wrote.
CREATE FUNCTION bump_page_version() RETURNS trigger AS $$
BEGIN
    IF current_setting('storefront.page_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('storefront.page_version_bumped', txid_current()::text, true);
        UPDATE page_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER page_version_categories AFTER INSERT OR UPDATE OR DELETE ON categories DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_products AFTER INSERT OR UPDATE OR DELETE ON products DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_product_images AFTER INSERT OR UPDATE OR DELETE ON product_images DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_product_specs AFTER INSERT OR UPDATE OR DELETE ON product_specs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_related_products AFTER INSERT OR UPDATE OR DELETE ON related_products DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_slug_redirects AFTER INSERT OR UPDATE OR DELETE ON slug_redirects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_personas AFTER INSERT OR UPDATE OR DELETE ON personas DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_content AFTER INSERT OR UPDATE OR DELETE ON content DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_content_personas AFTER INSERT OR UPDATE OR DELETE ON content_personas DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_content_products AFTER INSERT OR UPDATE OR DELETE ON content_products DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_content_categories AFTER INSERT OR UPDATE OR DELETE ON content_categories DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_product_options AFTER INSERT OR UPDATE OR DELETE ON product_options DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_product_option_values AFTER INSERT OR UPDATE OR DELETE ON product_option_values DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_product_variants AFTER INSERT OR UPDATE OR DELETE ON product_variants DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_search_synonyms AFTER INSERT OR UPDATE OR DELETE ON search_synonyms DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_shipping_zones AFTER INSERT OR UPDATE OR DELETE ON shipping_zones DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_shipping_zone_countries AFTER INSERT OR UPDATE OR DELETE ON shipping_zone_countries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_shipping_rates AFTER INSERT OR UPDATE OR DELETE ON shipping_rates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_tax_settings AFTER INSERT OR UPDATE OR DELETE ON tax_settings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
CREATE CONSTRAINT TRIGGER page_version_tax_rates AFTER INSERT OR UPDATE OR DELETE ON tax_rates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_page_version();
