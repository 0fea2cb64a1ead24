// Browser tests: a person researching in headless Chromium, once hydrated and once with
// JavaScript off. Run by `cargo xtask test` against a freshly seeded server (BASE_URL).
import assert from "node:assert/strict";
import { BASE, browser, finish, shot, test } from "./harness.mjs";

function trayCount(page) {
  return page.getByTestId("compare-tray").locator(".compare-tray__count");
}

async function researchFlow(javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const mode = javaScriptEnabled ? "js" : "nojs";

  // Home → search.
  await page.goto(`${BASE}/`);
  if (javaScriptEnabled) {
    await page.waitForSelector("html[data-hydrated=true]", { timeout: 20000 });
    // Suggestions come from a server function called by the WASM as the visitor types.
    await page.getByRole("combobox", { name: "Search the store" }).nth(1).fill("kestrel");
    await page.locator("#hero-search-suggestions li").first().waitFor({ state: "visible" });
    const suggestion = await page.locator("#hero-search-suggestions li").first().innerText();
    assert.match(suggestion, /Kestrel/);
    await shot(page, `home-suggestions-phone`);
  }
  const search = page.getByRole("combobox", { name: "Search the store" }).nth(1);
  await search.fill("flat burr grinder");
  await search.press("Enter");
  await page.waitForURL(/\/products\?q=flat/);
  assert.match(await page.getByRole("heading", { level: 1 }).innerText(), /flat burr grinder/);
  await shot(page, `search-${mode}-phone`);

  // Search → product.
  const first = page.locator(".card__title a").first();
  const productName = await first.innerText();
  await first.click();
  await page.waitForURL(/\/products\/[a-z0-9-]+$/);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), productName);
  await shot(page, `product-${mode}-phone`);

  // Add it to the compare tray.
  if (javaScriptEnabled) {
    await page.waitForSelector("html[data-hydrated=true]");
    // A marker on window survives only if the click did not load a new page.
    await page.evaluate(() => { window.__noReload = true; });
  }
  await page.getByRole("button", { name: `Compare ${productName} (up to 4)` }).click();
  await assertText(trayCount(page), "1");
  if (javaScriptEnabled) {
    assert.equal(await page.evaluate(() => window.__noReload), true, "hydrated click must not reload the page");
    assert.equal(await page.getByRole("button", { name: `Comparing ${productName}: remove from comparison` }).getAttribute("aria-pressed"), "true");
  }

  // A second product from another search.
  await page.goto(`${BASE}/products?q=conical`);
  if (javaScriptEnabled) await page.waitForSelector("html[data-hydrated=true]");
  const second = page.locator(".card").filter({ hasNotText: productName }).first();
  const secondName = await second.locator(".card__title a").innerText();
  await second.getByRole("button", { name: `Compare ${secondName} (up to 4)` }).click();
  await assertText(trayCount(page), "2");

  // Tray → comparison with both, specs aligned.
  await page.getByTestId("compare-tray").click();
  await page.waitForURL(/\/compare/);
  const table = page.locator("table.compare__table");
  await table.waitFor();
  const headers = await table.locator("thead th").allInnerTexts();
  assert.ok(headers.some((h) => h.includes(productName)), `compare shows ${productName}`);
  assert.ok(headers.some((h) => h.includes(secondName)), `compare shows ${secondName}`);
  const rows = await table.locator("tbody tr").count();
  assert.ok(rows >= 4, `specs aligned in rows (${rows})`);
  for (const row of await table.locator("tbody tr").all()) {
    assert.equal(await row.locator("td").count(), 2, "every spec row has one cell per product");
  }
  await shot(page, `compare-${mode}-phone`);
  assert.deepEqual(errors, [], "no script errors");
  await context.close();
}

// A product with options: the blend by grind and size. Hydrated, choosing updates the price
// and the address in place; without JavaScript "Show this choice" reloads with the choice.
async function variantFlow(javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const mode = javaScriptEnabled ? "js" : "nojs";
  await page.goto(`${BASE}/products/house-espresso-blend`);
  if (javaScriptEnabled) await page.waitForSelector("html[data-hydrated=true]", { timeout: 20000 });
  const price = page.locator(".variant-picker .price__now");
  assert.equal((await price.innerText()).trim(), "$18.00");
  await page.getByLabel("Size", { exact: true }).selectOption("1 kg");
  if (javaScriptEnabled) {
    await assertText(price, "$61.00");
    await page.waitForURL(/\?variant=\d+$/);
    assert.equal(await page.getByRole("button", { name: "Show this choice" }).isVisible(), false);
    await page.getByLabel("Grind", { exact: true }).selectOption("Espresso");
    await page.getByText("This choice is sold out for now").waitFor();
    assert.match(await page.getByLabel("Grind", { exact: true }).locator("option:checked").innerText(), /Espresso/);
    assert.equal(await page.getByLabel("Size", { exact: true }).locator("option", { hasText: "sold out" }).count(), 1, "1 kg is marked sold out");
    await page.getByLabel("Grind", { exact: true }).selectOption("Filter");
  } else {
    await page.getByLabel("Grind", { exact: true }).selectOption("Filter");
    await page.getByRole("button", { name: "Show this choice" }).click();
    await page.waitForURL(/option1=Filter/);
  }
  await assertText(price, "$61.00");
  await shot(page, `product-variants-${mode}-phone`);
  await page.getByRole("button", { name: "Add to cart", exact: true }).click();
  await page.waitForURL(/\/cart\?added=/);
  await page.getByText("Filter / 1 kg").waitFor();
  await shot(page, `cart-variant-${mode}-phone`);
  assert.deepEqual(errors, [], "no script errors");
  await context.close();
}

async function assertText(locator, expected) {
  await locator.filter({ hasText: expected }).waitFor({ timeout: 10000 });
}

async function desktopScreenshots() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  for (const [name, path] of [
    ["home", "/"], ["listing", "/products"], ["category", "/categories/espresso"],
    ["product", "/products/aurelia-duo-dual-boiler"],
    ["product-variants", "/products/house-espresso-blend"],
    ["beans", "/categories/coffee-beans"],
    ["compare", "/compare?products=aurelia-duo-dual-boiler,petrel-compact-espresso,fenwick-e61-hx"],
    ["not-found", "/products/nope"],
  ]) {
    const response = await page.goto(`${BASE}${path}`);
    assert.ok(response.status() === 200 || name === "not-found");
    await shot(page, `${name}-desktop`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, path] of [["home", "/"], ["listing", "/products?q=espresso"]]) {
    await page.goto(`${BASE}${path}`);
    await shot(page, `${name}-phone`);
  }
  await context.close();
}

await test("research flow, hydrated: search → product → compare two", () => researchFlow(true));
await test("research flow, JavaScript off: search → product → compare two", () => researchFlow(false));
await test("variants, hydrated: choosing updates price, stock and address in place", () => variantFlow(true));
await test("variants, JavaScript off: the option form shows the choice", () => variantFlow(false));
await test("pages render at desktop and phone widths", desktopScreenshots);
await finish();
