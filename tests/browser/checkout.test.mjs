// Browser tests of buying: a guest puts two products in the cart, uses a discount code, is declined with the test
// card that fails (the cart stays as it was), then pays with the one that succeeds and
// sees the order — once hydrated and once with JavaScript off.
import assert from "node:assert/strict";
import { BASE, browser, finish, shot, test } from "./harness.mjs";

const SALES_EMAIL = process.env.SALES_EMAIL ?? "sales@example.com";
const PASSWORD = process.env.STAFF_PASSWORD ?? "correct horse battery staple";

// Puts the nth product of the in-stock listing in the cart, from its product page or
// straight from its card on the list.
async function addFromListing(page, nth, { fromCard = false } = {}) {
  await page.goto(`${BASE}/products?stock=1&sort=price_asc`);
  const link = page.locator(".card__title a").nth(nth);
  const name = await link.innerText();
  if (fromCard) {
    await page.getByRole("button", { name: `Add to cart: ${name}`, exact: true }).first().click();
  } else {
    await link.click();
    await page.waitForURL(/\/products\/[a-z0-9-]+$/);
    await page.getByRole("button", { name: "Add to cart", exact: true }).click();
  }
  await page.waitForURL(/\/cart\?added=/);
  await page.getByText(`${name} is in your cart.`).waitFor();
  return name;
}

// The checkout step: a US address, the first shipping method (already chosen), on to pay.
async function shipTo(page, mode) {
  await page.waitForURL(/\/checkout\??$/);
  await page.getByRole("heading", { name: "Where should we send it?" }).waitFor();
  await page.getByLabel("Full name").fill("Grace Hopper");
  await page.getByLabel("Street and number").fill("1 Market Street");
  await page.getByLabel("Town or city").fill("San Francisco");
  await page.getByLabel("State").fill("CA");
  await page.getByLabel("ZIP code").fill("94105");
  assert.equal(await page.getByLabel("Country").inputValue(), "US");
  // California's sales tax shows once the state is known (the form keeps what was typed).
  await page.getByRole("button", { name: "Update shipping options" }).click();
  await page.getByText("Sales tax 7.25%").waitFor();
  assert.equal(await page.getByLabel("Town or city").inputValue(), "San Francisco");
  assert.ok((await page.locator("input[name=shipping_rate]").count()) > 0, "shipping methods offered");
  if (mode) await shot(page, `checkout-step-${mode}`);
  await page.getByRole("button", { name: "Continue to payment" }).click();
}

async function pay(page, cardNumber) {
  await page.getByLabel("Email for your receipt").fill("guest@example.com");
  await page.getByLabel("Card number").fill(cardNumber);
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /^Pay / }).click();
}

async function guestPurchase(javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const mode = javaScriptEnabled ? "js" : "nojs";

  const first = await addFromListing(page, 0);
  const second = await addFromListing(page, 1, { fromCard: true });
  const lines = await page.locator(".cart-line__name").allInnerTexts();
  assert.deepEqual(lines.sort(), [first, second].sort(), "both products in the cart");
  assert.equal(await page.locator(".cart-link__count").innerText(), "2");
  await shot(page, `cart-${mode}-phone`);

  // A discount code: a mistyped one is explained, the right one shows its saving.
  await page.getByLabel("Discount code").fill("WELCOME1O");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("We don't know that code.").waitFor();
  assert.equal(await page.getByLabel("Discount code").inputValue(), "WELCOME1O", "what was typed is kept");
  await page.getByLabel("Discount code").fill("welcome10");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Code WELCOME10 applied.").waitFor();
  await page.locator(".cart__saving").waitFor();
  await shot(page, `cart-code-${mode}-phone`);

  await page.getByRole("button", { name: "Check out securely" }).click();
  await shipTo(page, `${mode}-phone`);
  await page.waitForURL(/\/pay\/demo\/cs_demo_/);
  const payUrl = page.url();
  await shot(page, `pay-${mode}-phone`);
  await pay(page, "4000 0000 0000 0002");
  await page.getByText("Your card was declined").first().waitFor();
  await shot(page, `pay-declined-${mode}-phone`);

  await page.goto(`${BASE}/cart`);
  await page.getByText("Your last payment didn't go through.").waitFor();
  assert.equal(await page.locator(".cart-line").count(), 2, "the cart is intact");

  await page.goto(payUrl);
  await pay(page, "4242 4242 4242 4242");
  await page.waitForURL(/\/checkout\/success\?session_id=/);
  await page.getByRole("heading", { name: "Thank you — payment received" }).waitFor();
  await shot(page, `checkout-success-${mode}-phone`);
  await page.getByRole("link", { name: "See your order" }).click();
  await page.waitForURL(/\/account\/orders\/[0-9a-f]{32}$/);
  await page.locator(".status", { hasText: "Paid — being prepared" }).first().waitFor();
  const ordered = await page.locator(".order-lines tbody td:first-child").allInnerTexts();
  assert.deepEqual(ordered.sort(), [first, second].sort());
  await page.getByRole("heading", { name: "Ships to" }).waitFor();
  assert.ok((await page.locator(".ships-to address").innerText()).includes("San Francisco CA 94105"));
  await page.locator(".order-lines__tax", { hasText: "Sales tax 7.25%" }).waitFor();
  await page.locator(".order-lines tfoot", { hasText: "Code WELCOME10" }).waitFor();
  await shot(page, `order-${mode}-phone`);
  await page.getByRole("link", { name: /^Invoice INV-\d{6}$/ }).click();
  await page.waitForURL(/\/invoice$/);
  await page.getByRole("heading", { name: /^Invoice INV-\d{6}$/ }).waitFor();
  await shot(page, `invoice-${mode}-phone`);
  await page.goto(`${BASE}/cart`);
  await page.getByRole("heading", { name: "Your cart is empty" }).waitFor();
  assert.deepEqual(errors, [], "no script errors");
  await context.close();
}

async function desktopScreenshots() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await addFromListing(page, 2);
  await shot(page, "cart-desktop");
  await page.getByRole("button", { name: "Check out securely" }).click();
  await shipTo(page, "desktop");
  await page.waitForURL(/\/pay\/demo\/cs_demo_/);
  await shot(page, "pay-desktop");
  await page.goto(`${BASE}/account/orders`);
  await shot(page, "orders-desktop");
  await context.close();
}

// After a guest pays, a sales user prints the packing slip and marks the order shipped with
// a carrier and tracking number; the guest's order page then offers "Track the parcel".
async function staffShips() {
  const shopper = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const shop = await shopper.newPage();
  await addFromListing(shop, 0);
  await shop.getByRole("button", { name: "Check out securely" }).click();
  await shipTo(shop);
  await shop.waitForURL(/\/pay\/demo\/cs_demo_/);
  await pay(shop, "4242 4242 4242 4242");
  await shop.getByRole("link", { name: "See your order" }).click();
  await shop.waitForURL(/\/account\/orders\/[0-9a-f]{32}$/);
  const orderUrl = shop.url();
  const publicId = orderUrl.split("/").pop();

  const staff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await staff.newPage();
  const errors = [];
  desk.on("pageerror", (e) => errors.push(e.message));
  await desk.goto(`${BASE}/login`);
  await desk.getByLabel("Email").fill(SALES_EMAIL);
  await desk.getByLabel("Password").fill(PASSWORD);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await desk.waitForURL(/\/admin$/);
  await desk.goto(`${BASE}/admin/orders/${publicId}`);
  await desk.getByRole("link", { name: "Print packing slip" }).click();
  await desk.waitForURL(/\/packing-slip$/);
  await desk.getByRole("columnheader", { name: "SKU" }).waitFor();
  assert.ok((await desk.locator(".packing-slip address").innerText()).includes("San Francisco CA 94105"));
  await shot(desk, "packing-slip-desktop");
  await desk.goBack();
  await desk.getByRole("button", { name: "Mark as shipped" }).click();
  await desk.getByText("Choose the carrier").first().waitFor();
  await desk.getByLabel("Carrier").selectOption("UPS");
  await desk.getByLabel("Tracking number").fill("1Z 999 AA1 01 2345 6784");
  await desk.getByRole("button", { name: "Mark as shipped" }).click();
  await desk.locator(".status", { hasText: /Shipped|Fulfilled/ }).first().waitFor();
  await shot(desk, "order-desk-shipped-desktop");

  await shop.goto(orderUrl);
  const track = shop.getByRole("link", { name: "Track the parcel" });
  await track.waitFor();
  assert.equal(await track.getAttribute("href"), "https://www.ups.com/track?tracknum=1Z999AA10123456784");
  await shot(shop, "order-shipped-phone");
  assert.deepEqual(errors, [], "no script errors");
  await staff.close();
  await shopper.close();
}

// A guest asks to return an item from their order page; sales approve it, mark it received
// and refund it with the item back in stock; the guest sees the refund on the order.
async function returnFlow(javaScriptEnabled) {
  const mode = javaScriptEnabled ? "js" : "nojs";
  const shopper = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const shop = await shopper.newPage();
  await addFromListing(shop, 0);
  await shop.getByRole("button", { name: "Check out securely" }).click();
  await shipTo(shop);
  await shop.waitForURL(/\/pay\/demo\/cs_demo_/);
  await pay(shop, "4242 4242 4242 4242");
  await shop.getByRole("link", { name: "See your order" }).click();
  await shop.waitForURL(/\/account\/orders\/[0-9a-f]{32}$/);
  const orderUrl = shop.url();
  const publicId = orderUrl.split("/").pop();
  await shop.getByRole("link", { name: "Return items" }).click();
  await shop.waitForURL(/\/return$/);
  // Nothing chosen first: the form says so and keeps the reason.
  await shop.getByLabel("Why are you returning them?").selectOption("damaged");
  await shop.getByRole("button", { name: "Ask to return these items" }).click();
  await shop.getByText("Choose how many of at least one item to return.").first().waitFor();
  assert.equal(await shop.getByLabel("Why are you returning them?").inputValue(), "damaged");
  await shop.locator(".return-line select").first().selectOption("1");
  await shop.getByLabel("Anything we should know? (optional)").fill("The box was crushed.");
  await shot(shop, `return-form-${mode}-phone`);
  await shop.getByRole("button", { name: "Ask to return these items" }).click();
  await shop.waitForURL(/returned=R-\d+/);
  await shop.getByText(/Return R-\d+ requested/).first().waitFor();
  await shot(shop, `return-requested-${mode}-phone`);

  const staff = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const desk = await staff.newPage();
  await desk.goto(`${BASE}/login`);
  await desk.getByLabel("Email").fill(SALES_EMAIL);
  await desk.getByLabel("Password").fill(PASSWORD);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await desk.waitForURL(/\/admin$/);
  await desk.goto(`${BASE}/admin/orders/${publicId}`);
  await desk.getByText("The box was crushed.").waitFor();
  await desk.getByRole("button", { name: /^Approve R-\d+$/ }).click();
  await desk.getByText("Return approved.").waitFor();
  await desk.getByRole("button", { name: /^Items of R-\d+ received$/ }).click();
  await desk.getByText("Marked as received.").waitFor();
  await shot(desk, `order-desk-return-${mode}-phone`);
  await desk.getByRole("button", { name: /^Refund \$[\d,.]+ for R-\d+$/ }).click();
  await desk.getByText("Return refunded").first().waitFor();
  await staff.close();

  await shop.goto(orderUrl);
  await shop.locator(".return-card", { hasText: "Refunded" }).first().waitFor();
  await shot(shop, `return-refunded-${mode}-phone`);
  await shopper.close();
}

await test("a guest is declined, keeps the cart, pays and sees the order, hydrated", () => guestPurchase(true));
await test("the same with JavaScript off", () => guestPurchase(false));
await test("cart and payment at desktop width", desktopScreenshots);
await test("sales prints the packing slip and ships with tracking; the customer can track it", staffShips);
await test("a guest asks for a return; sales approve, receive and refund it, hydrated", () => returnFlow(true));
await test("the same with JavaScript off", () => returnFlow(false));
await finish();
