-- The public pages' version: every write to what an anonymous page shows (catalogue,
-- prices, stock, content, categories, shipping and tax settings) bumps it in the same
-- transaction, so an app server that sees the new version also sees the new data. Each
-- server keeps rendered pages under the version they were rendered at (server/src/page_cache.rs).
CREATE TABLE page_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO page_version (id, version) VALUES (1, 1);
CREATE TRIGGER page_version_categories_insert AFTER INSERT ON categories BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_categories_update AFTER UPDATE ON categories BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_categories_delete AFTER DELETE ON categories BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_products_insert AFTER INSERT ON products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_products_update AFTER UPDATE ON products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_products_delete AFTER DELETE ON products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_images_insert AFTER INSERT ON product_images BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_images_update AFTER UPDATE ON product_images BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_images_delete AFTER DELETE ON product_images BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_specs_insert AFTER INSERT ON product_specs BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_specs_update AFTER UPDATE ON product_specs BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_specs_delete AFTER DELETE ON product_specs BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_related_products_insert AFTER INSERT ON related_products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_related_products_update AFTER UPDATE ON related_products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_related_products_delete AFTER DELETE ON related_products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_slug_redirects_insert AFTER INSERT ON slug_redirects BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_slug_redirects_update AFTER UPDATE ON slug_redirects BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_slug_redirects_delete AFTER DELETE ON slug_redirects BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_personas_insert AFTER INSERT ON personas BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_personas_update AFTER UPDATE ON personas BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_personas_delete AFTER DELETE ON personas BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_insert AFTER INSERT ON content BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_update AFTER UPDATE ON content BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_delete AFTER DELETE ON content BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_personas_insert AFTER INSERT ON content_personas BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_personas_update AFTER UPDATE ON content_personas BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_personas_delete AFTER DELETE ON content_personas BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_products_insert AFTER INSERT ON content_products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_products_update AFTER UPDATE ON content_products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_products_delete AFTER DELETE ON content_products BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_categories_insert AFTER INSERT ON content_categories BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_categories_update AFTER UPDATE ON content_categories BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_content_categories_delete AFTER DELETE ON content_categories BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_options_insert AFTER INSERT ON product_options BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_options_update AFTER UPDATE ON product_options BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_options_delete AFTER DELETE ON product_options BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_option_values_insert AFTER INSERT ON product_option_values BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_option_values_update AFTER UPDATE ON product_option_values BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_option_values_delete AFTER DELETE ON product_option_values BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_variants_insert AFTER INSERT ON product_variants BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_variants_update AFTER UPDATE ON product_variants BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_product_variants_delete AFTER DELETE ON product_variants BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_search_synonyms_insert AFTER INSERT ON search_synonyms BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_search_synonyms_update AFTER UPDATE ON search_synonyms BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_search_synonyms_delete AFTER DELETE ON search_synonyms BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_zones_insert AFTER INSERT ON shipping_zones BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_zones_update AFTER UPDATE ON shipping_zones BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_zones_delete AFTER DELETE ON shipping_zones BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_zone_countries_insert AFTER INSERT ON shipping_zone_countries BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_zone_countries_update AFTER UPDATE ON shipping_zone_countries BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_zone_countries_delete AFTER DELETE ON shipping_zone_countries BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_rates_insert AFTER INSERT ON shipping_rates BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_rates_update AFTER UPDATE ON shipping_rates BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_shipping_rates_delete AFTER DELETE ON shipping_rates BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_tax_settings_insert AFTER INSERT ON tax_settings BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_tax_settings_update AFTER UPDATE ON tax_settings BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_tax_settings_delete AFTER DELETE ON tax_settings BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_tax_rates_insert AFTER INSERT ON tax_rates BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_tax_rates_update AFTER UPDATE ON tax_rates BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER page_version_tax_rates_delete AFTER DELETE ON tax_rates BEGIN UPDATE page_version SET version = version + 1 WHERE id = 1; END;
