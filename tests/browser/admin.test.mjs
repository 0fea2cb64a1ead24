// Browser tests of the admin panel: a marketing user creates a product with a picture and
// finds it in the store's search, once hydrated (with the live Markdown preview) and once
// with JavaScript off. Run by `cargo xtask test`, which creates the user (STAFF_EMAIL).
import assert from "node:assert/strict";
import { BASE, browser, finish, shot, test } from "./harness.mjs";

const EMAIL = process.env.STAFF_EMAIL ?? "marketing@example.com";
const PASSWORD = process.env.STAFF_PASSWORD ?? "correct horse battery staple";

// A 2×2 PNG: enough for the upload to be a real image.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGNgYPj/n4GBgYGJAQoAHvgB/0pFPTEAAAAASUVORK5CYII=",
  "base64",
);

async function signIn(page) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin$/);
}

async function createProductFlow(javaScriptEnabled, viewport) {
  const context = await browser.newContext({ javaScriptEnabled, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const mode = javaScriptEnabled ? "js" : "nojs";
  const name = javaScriptEnabled ? "Verity Milk Jug" : "Halcyon Tamper";
  const sku = javaScriptEnabled ? "VMJ-600" : "HT-58";

  await signIn(page);
  await shot(page, `admin-dashboard-${mode}`);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Products" }).click();
  await page.getByRole("link", { name: "New product" }).click();
  await page.waitForURL(/\/admin\/products\/new$/);

  // A mistake first: the form comes back with the message and what was typed.
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Price (USD)").fill("twelve");
  await page.getByRole("button", { name: "Create product" }).click();
  await page.getByText("Enter an amount like 249").waitFor();
  await page.getByText("Please enter the SKU.").waitFor();
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), name);

  await page.getByLabel("SKU").fill(sku);
  await page.getByLabel("Category").selectOption({ label: "— Barista tools" });
  await page.getByLabel("Price (USD)").fill("39.50");
  await page.getByLabel("Status").selectOption("active");
  await page.getByLabel("Summary").fill("Made for latte art, weighted to pour steadily.");
  const description = page.getByLabel("Description");
  await description.fill("**Stainless steel**, 600 ml.\n\n- Etched volume marks\n- Dishwasher safe");
  if (javaScriptEnabled) {
    // The live preview renders through the server's sanitiser as the person types.
    await page.locator(".md-editor__output strong").filter({ hasText: "Stainless steel" }).waitFor({ timeout: 10000 });
  }
  await page.getByLabel("Specifications").fill("Volume: 600 ml\nMaterial: Stainless steel");
  await page.getByLabel("Image file (PNG, JPEG, WebP or SVG, up to 5 MB)").setInputFiles({ name: "jug.png", mimeType: "image/png", buffer: PNG });
  await page.getByLabel("Describe the picture (alt text)").fill(`The ${name} on a wooden counter`);
  await shot(page, `admin-product-form-${mode}`);
  await page.getByRole("button", { name: "Create product" }).click();
  await page.getByText("Product created.").waitFor();
  await shot(page, `admin-product-saved-${mode}`);

  // The customer side sees it straight away.
  await page.goto(`${BASE}/products?q=${encodeURIComponent(name.split(" ")[1])}`);
  const card = page.locator(".card__title a", { hasText: name });
  await card.waitFor();
  await card.click();
  await page.waitForURL(/\/products\/[a-z0-9-]+$/);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), name);
  const picture = page.getByRole("img", { name: `The ${name} on a wooden counter` }).first();
  await picture.waitFor();
  assert.ok(await picture.evaluate((img) => img.complete && img.naturalWidth > 0), "the uploaded picture loads");
  assert.deepEqual(errors, [], "no script errors");
  await context.close();
}

async function adminScreenshots() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page);
  for (const [shotName, path] of [["admin-products", "/admin/products"], ["admin-categories", "/admin/categories"], ["admin-product-edit", "/admin/products/1"], ["admin-content", "/admin/content"], ["admin-content-edit", "/admin/content/1"], ["admin-personas", "/admin/personas"], ["admin-search-words", "/admin/search-words"]]) {
    const response = await page.goto(`${BASE}${path}`);
    assert.equal(response.status(), 200, path);
    await shot(page, `${shotName}-desktop`);
  }
  // Marketing may not manage staff: a clear 403 inside the panel.
  const refused = await page.goto(`${BASE}/admin/staff`);
  assert.equal(refused.status(), 403);
  await page.getByRole("heading", { name: "Access denied" }).waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/admin/products`);
  await shot(page, "admin-products-phone");
  await page.goto(`${BASE}/account`);
  await shot(page, "account-phone");
  await context.close();
  const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const anon = await visitor.newPage();
  const hidden = await anon.goto(`${BASE}/admin`);
  assert.equal(hidden.status(), 404, "the panel is not revealed to visitors");
  await anon.goto(`${BASE}/login`);
  await shot(anon, "login-phone");
  await anon.goto(`${BASE}/signup`);
  await shot(anon, "signup-phone");
  await visitor.close();
}

// Marketing makes a discount code: a mistake first (kept as typed), then the code, then it
// is paused from its own page.
async function discountCodeFlow(javaScriptEnabled, viewport) {
  const context = await browser.newContext({ javaScriptEnabled, viewport });
  const page = await context.newPage();
  const mode = javaScriptEnabled ? "js" : "nojs";
  const code = javaScriptEnabled ? "AUTUMN-12" : "WINTER-8";
  await signIn(page);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Discounts" }).click();
  await page.waitForURL(/\/admin\/discounts$/);
  await page.getByRole("cell", { name: "WELCOME10" }).waitFor();
  await shot(page, `admin-discounts-${mode}`);
  if (!(await page.getByLabel("Code customers type").isVisible())) {
    await page.locator("summary", { hasText: "New code" }).click();
  }
  await page.getByLabel("Code customers type").fill(code);
  await page.getByLabel("Percent or amount off").fill("150");
  await page.getByRole("button", { name: "Create code" }).click();
  await page.getByText("A percentage is a whole number from 1 to 100.").first().waitFor();
  assert.equal(await page.getByLabel("Code customers type").inputValue(), code);
  await page.getByLabel("Percent or amount off").fill("12");
  await page.getByLabel("Total uses (optional)").fill("50");
  await page.getByRole("button", { name: "Create code" }).click();
  await page.getByText("Code created.").waitFor();
  await page.getByRole("link", { name: code }).click();
  await page.getByRole("button", { name: "Pause code" }).click();
  await page.getByText("Code paused.").waitFor();
  await shot(page, `admin-discount-${mode}`);
  await context.close();
}

// Marketing reads the shared funnel on a phone: narrows it to a persona, opens the
// visitors behind a step, downloads a table as CSV.
async function analyticsFlow() {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Analytics" }).click();
  await page.waitForURL(/\/admin\/analytics$/);
  await page.getByRole("heading", { name: "Funnel" }).waitFor();
  await shot(page, "admin-analytics-phone");
  await page.getByLabel("Persona", { exact: true }).selectOption("none");
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForURL(/persona=none/);
  await page.getByRole("link", { name: "Viewed a product" }).click();
  await page.waitForURL(/step=product/);
  await page.getByRole("heading", { name: /^Behind “Viewed a product”: \d+ visitor\(s\)$/ }).waitFor();
  await shot(page, "admin-analytics-drill-phone");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the funnel (CSV)" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^storefront-funnel-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  assert.ok(csv.startsWith("group,step,visitors,conversion from previous step,dropped off"), csv);
  await context.close();
  const wide = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await wide.newPage();
  await signIn(desk);
  await desk.goto(`${BASE}/admin/analytics?range=90d`);
  await desk.getByRole("heading", { name: "Guides and the orders they moved" }).waitFor();
  await shot(desk, "admin-analytics-desktop");
  await wide.close();
}

await test("marketing narrows the funnel to a persona, drills into a step and downloads CSV at phone width", analyticsFlow);
await test("marketing makes a discount code and pauses it, hydrated at desktop width", () => discountCodeFlow(true, { width: 1280, height: 900 }));
await test("the same with JavaScript off, on a phone", () => discountCodeFlow(false, { width: 390, height: 844 }));
await test("marketing creates a product with a picture, hydrated, and finds it in search", () => createProductFlow(true, { width: 1280, height: 900 }));
await test("the same with JavaScript off, on a phone", () => createProductFlow(false, { width: 390, height: 844 }));
await test("admin pages at desktop and phone widths; roles enforced", adminScreenshots);
await finish();
