-- Taxes: whether catalogue prices include tax (EU, UK, AU style) or exclude it (US, CA
-- style), rates by country and region per product tax class, and on every order the tax
-- it was made with (per line and on shipping), the buyer's VAT / tax ID, and — once paid —
-- its invoice number, drawn from one counter inside the payment's transaction so numbers
-- have no gaps.

-- One row: the store's tax setting. Shipping, when taxable, is taxed at the destination's
-- standard rate.
CREATE TABLE tax_settings (
    id                  BIGINT PRIMARY KEY CHECK (id = 1),
    prices_include_tax  BIGINT NOT NULL CHECK (prices_include_tax IN (0, 1)),
    shipping_taxable    BIGINT NOT NULL CHECK (shipping_taxable IN (0, 1)),
    -- Who issues the invoices: the merchant's legal name, address and VAT / tax number.
    seller_name         TEXT NOT NULL DEFAULT 'Storefront',
    seller_address      TEXT NOT NULL DEFAULT '',
    seller_tax_id       TEXT NOT NULL DEFAULT ''
);
INSERT INTO tax_settings (id, prices_include_tax, shipping_taxable) VALUES (1, 0, 1);

-- region '' is the whole country; a region's own rate for a class beats the country's.
CREATE TABLE tax_rates (
    id         BIGSERIAL PRIMARY KEY,
    country    TEXT NOT NULL,
    region     TEXT NOT NULL DEFAULT '',
    tax_class  TEXT NOT NULL CHECK (tax_class IN ('standard', 'reduced', 'zero')),
    -- basis points: 2000 is 20 %, 725 is 7.25 %.
    rate_bp    BIGINT NOT NULL CHECK (rate_bp >= 0 AND rate_bp <= 10000),
    name       TEXT NOT NULL,
    UNIQUE (country, region, tax_class)
);

ALTER TABLE products ADD COLUMN tax_class TEXT NOT NULL DEFAULT 'standard'
    CHECK (tax_class IN ('standard', 'reduced', 'zero'));

-- As computed when the order was made (a later rate edit does not change them).
ALTER TABLE orders ADD COLUMN prices_include_tax BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_cents BIGINT NOT NULL DEFAULT 0 CHECK (tax_cents >= 0);
ALTER TABLE orders ADD COLUMN shipping_tax_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN shipping_tax_bp BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN shipping_tax_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN vat_id TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN invoice_number BIGINT;
ALTER TABLE orders ADD COLUMN invoiced_at BIGINT;
CREATE UNIQUE INDEX orders_invoice_number ON orders(invoice_number);

ALTER TABLE order_lines ADD COLUMN tax_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN tax_bp BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN tax_name TEXT NOT NULL DEFAULT '';

-- One row: the last invoice number given. Raised in the transaction that marks an order
-- paid, so a rolled-back payment gives its number back and concurrent payments queue.
CREATE TABLE invoice_counter (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    last  BIGINT NOT NULL
);
INSERT INTO invoice_counter (id, last) VALUES (1, 0);

-- A starting set every store gets (staff change it under Admin → Taxes).
INSERT INTO tax_rates (country, region, tax_class, rate_bp, name) VALUES
    ('GB', '', 'standard', 2000, 'VAT'), ('GB', '', 'reduced', 500, 'VAT'),
    ('DE', '', 'standard', 1900, 'VAT'), ('DE', '', 'reduced', 700, 'VAT'),
    ('FR', '', 'standard', 2000, 'VAT'), ('FR', '', 'reduced', 550, 'VAT'),
    ('NL', '', 'standard', 2100, 'VAT'), ('NL', '', 'reduced', 900, 'VAT'),
    ('AU', '', 'standard', 1000, 'GST'),
    ('CA', '', 'standard', 500, 'GST'), ('CA', 'ON', 'standard', 1300, 'HST'),
    ('CA', 'NS', 'standard', 1400, 'HST'),
    ('US', 'CA', 'standard', 725, 'Sales tax'), ('US', 'NY', 'standard', 400, 'Sales tax'),
    ('US', 'TX', 'standard', 625, 'Sales tax'), ('US', 'WA', 'standard', 650, 'Sales tax');
