// Browser tests of the content hub and the research trail: a visitor says who they are,
// reads, sees recommendations follow them, reviews "my research" and clears it — once
// hydrated and once with JavaScript off.
import assert from "node:assert/strict";
import { BASE, browser, finish, shot, test } from "./harness.mjs";

function firstCardStage(page) {
  return page.locator(".content-card").first().getAttribute("class");
}

async function researchTrail(javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const mode = javaScriptEnabled ? "js" : "nojs";

  await page.goto(`${BASE}/learn?sort=recommended`);
  await page.getByLabel("I'm a…").selectOption({ label: "The café owner" });
  await page.getByRole("button", { name: "Show me guides for this" }).click();
  await page.waitForURL(/\/learn\?sort=recommended$/);
  assert.match(await firstCardStage(page), /content-card--awareness/, "a newcomer starts with general guides");
  assert.match(await page.locator(".content-card__foot").first().innerText(), /café owner/i);
  await shot(page, `learn-recommended-${mode}-phone`);

  // Read the first recommended guide, then a ready-to-choose one.
  const first = page.locator(".content-card__title a").first();
  const firstTitle = await first.innerText();
  await first.click();
  await page.waitForURL(/\/learn\/[a-z0-9-]+$/);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), firstTitle);
  if (javaScriptEnabled) {
    // The reading beacon measures how far down the guide the visitor got; it reports
    // when the page is left.
    await page.waitForSelector("html[data-hydrated=true]", { timeout: 20000 });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(300);
  }
  await page.goto(`${BASE}/learn?stage=decision&persona=cafe-owner`);
  const decision = page.locator(".content-card__title a").first();
  const decisionTitle = await decision.innerText();
  await decision.click();
  await page.waitForURL(/\/learn\/[a-z0-9-]+$/);
  await page.getByRole("heading", { name: "Products in this guide" }).waitFor();
  await page.getByRole("button", { name: "Save for later" }).click();
  await page.getByRole("button", { name: /Saved/ }).waitFor();
  await shot(page, `learn-piece-${mode}-phone`);

  // Recommendations moved on with the visitor.
  await page.goto(`${BASE}/learn?sort=recommended`);
  assert.match(await firstCardStage(page), /content-card--decision/, "ready-to-choose guides now come first");

  await page.goto(`${BASE}/my-research`);
  await page.getByText("You look ready to choose").waitFor();
  await page.getByText("You told us you're café owner").waitFor();
  const read = await page.locator(".research__reads a").allInnerTexts();
  assert.ok(read.includes(firstTitle) && read.includes(decisionTitle), `both guides listed: ${read}`);
  const firstRead = page.locator(".research__reads li").filter({ hasText: firstTitle });
  if (javaScriptEnabled) {
    // The beacon travels on its own; give it a moment to land.
    let how = "";
    for (let attempt = 0; attempt < 20 && !how.includes("Read to the end"); attempt++) {
      if (attempt > 0) {
        await page.waitForTimeout(250);
        await page.reload();
      }
      how = await firstRead.innerText();
    }
    assert.match(how, /Read to the end/, "the beacon reported the scroll to the end");
  } else {
    assert.doesNotMatch(await firstRead.innerText(), /Read /, "nothing measured without JavaScript");
  }
  await page.getByRole("heading", { name: "Saved for later" }).waitFor();
  await shot(page, `my-research-${mode}-phone`);
  await page.getByRole("button", { name: "Clear it all" }).click();
  await page.getByText("we forgot everything").waitFor();
  await page.getByRole("heading", { name: "Nothing yet" }).waitFor();
  assert.deepEqual(errors, [], "no script errors");
  await context.close();
}

async function desktopScreenshots() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const response = await page.goto(`${BASE}/learn`);
  assert.equal(response.status(), 200);
  await shot(page, "learn-desktop");
  for (const kind of ["video", "infographic", "whitepaper"]) {
    await page.goto(`${BASE}/learn?kind=${kind}`);
    await page.locator(".content-card__title a").first().click();
    await page.waitForURL(/\/learn\/[a-z0-9-]+$/);
    await shot(page, `learn-${kind}-desktop`);
  }
  await context.close();
}

await test("a visitor picks a persona, reads, and clears their research, hydrated", () => researchTrail(true));
await test("the same with JavaScript off", () => researchTrail(false));
await test("hub and pieces at desktop width", desktopScreenshots);
await finish();
