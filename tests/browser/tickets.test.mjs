// Browser test of "talk to a human": a customer asks about a product from its page; a sales
// user, watching the inbox in a second browser, sees the ticket appear without reloading,
// opens it (with the customer's research beside the conversation) and replies; the
// customer sees the reply arrive on their page, live.
import assert from "node:assert/strict";
import { BASE, browser, finish, shot, test } from "./harness.mjs";

const SALES_EMAIL = process.env.SALES_EMAIL ?? "sales@example.com";
const PASSWORD = process.env.STAFF_PASSWORD ?? "correct horse battery staple";

async function signInAsSales(page) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Email").fill(SALES_EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin$/);
}

await test("a question from a product page reaches sales live, and the reply comes back live", async () => {
  const staff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const customer = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const errors = [];
  const desk = await staff.newPage();
  const shop = await customer.newPage();
  for (const page of [desk, shop]) page.on("pageerror", (e) => errors.push(e.message));

  await signInAsSales(desk);
  await desk.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: /^Tickets/ }).click();
  await desk.waitForURL(/\/admin\/tickets$/);
  await desk.locator("html[data-hydrated]").waitFor();
  await desk.getByText("Live: new tickets and messages appear here by themselves.").waitFor();

  // The customer researches a little, then asks about a product.
  await shop.goto(`${BASE}/learn`);
  await shop.locator(".content-card__title a").first().click();
  await shop.waitForURL(/\/learn\/[a-z0-9-]+$/);
  await shop.goto(`${BASE}/products?stock=1&sort=price_asc`);
  const link = shop.locator(".card__title a").first();
  const product = await link.innerText();
  await link.click();
  await shop.waitForURL(/\/products\/[a-z0-9-]+$/);
  await shop.getByRole("link", { name: "Ask about this product" }).click();
  await shop.waitForURL(/\/help\/ask\?/);
  await shop.getByRole("heading", { name: `Ask about ${product}` }).waitFor();
  await shop.getByText(/We'll share the 1 guide you read/).waitFor();
  await shop.getByLabel("Your name").fill("Grace Hopper");
  await shop.getByLabel("Email", { exact: true }).fill("grace@example.com");
  await shop.getByLabel("Your question").fill("Will this fit under a 40 cm cabinet?");
  await shot(shop, "ticket-ask-phone");
  await shop.getByRole("button", { name: "Send to our team" }).click();
  await shop.waitForURL(/\/tickets\/[0-9a-f]{32}\?t=/);
  await shop.getByText("Will this fit under a 40 cm cabinet?").waitFor();
  await shop.locator("html[data-hydrated]").waitFor();

  // Sales sees it appear without touching the page.
  const row = desk.getByRole("link", { name: `About ${product}` });
  await row.waitFor({ timeout: 15000 });
  await shot(desk, "ticket-inbox-desktop");
  await row.click();
  await desk.waitForURL(/\/admin\/tickets\/[0-9a-f]{32}$/);
  await desk.getByRole("heading", { name: "What they looked at" }).waitFor();
  await desk.getByLabel("Reply or note").fill("It is 36 cm tall, so yes — with room to spare.");
  await desk.getByRole("button", { name: "Send reply" }).click();
  await desk.getByText("Reply sent").waitFor();
  await shot(desk, "ticket-desk-desktop");

  // The customer's page shows the reply without a reload.
  await shop.getByText("It is 36 cm tall, so yes — with room to spare.").waitFor({ timeout: 15000 });
  assert.match(shop.url(), /\/tickets\//, "still the same page");
  await shot(shop, "ticket-reply-phone");
  assert.deepEqual(errors, [], "no script errors");
  await staff.close();
  await customer.close();
});

await finish();
