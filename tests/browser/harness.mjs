// What every browser test file shares: the server's address, the Chromium to drive, a tiny
// test runner that prints "N passed, M failed", and full-page screenshots, each of which
// also runs axe-core over the page (WCAG 2.1 A and AA) when scripts run: a violation fails
// the test.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";

// Evaluated through the DevTools protocol, which the page's CSP does not apply to.
const AXE_SOURCE = readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

export const BASE = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const SHOTS = process.env.SCREENSHOT_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

let passed = 0;
let failed = 0;
export async function test(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}\n${error.stack ?? error}`);
  }
}

export async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  await accessible(page, name);
}

// Whether scripts run in the page's context. With JavaScript off an evaluation still
// answers, but no timer ever fires (and axe needs timers), so ask for one.
const scripting = new WeakMap();
async function scriptsRun(page) {
  const context = page.context();
  if (!scripting.has(context)) {
    const answer = page
      .evaluate(() => new Promise((resolve) => setTimeout(() => resolve(true), 0)))
      .catch(() => false);
    scripting.set(context, await Promise.race([answer, new Promise((r) => setTimeout(() => r(false), 1500))]));
  }
  return scripting.get(context);
}

// axe-core over the page as it is now; throws with every violation and where it is. axe
// needs scripts, so pages seen with JavaScript off are checked by their hydrated twins
// (the same server-rendered markup).
export async function accessible(page, name) {
  if (!(await scriptsRun(page))) return;
  const already = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!already) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  if (violations.length > 0) {
    const lines = violations.map((v) => `  ${v.impact} ${v.id}: ${v.help} — ${v.nodes.join(" | ")}`);
    throw new Error(`axe-core found ${violations.length} violation(s) on ${name} (${page.url()}):\n${lines.join("\n")}`);
  }
}

// Closes the browser, prints the tally and exits non-zero when anything failed.
export async function finish() {
  await browser.close();
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
