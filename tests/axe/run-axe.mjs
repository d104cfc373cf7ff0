// Run axe-core over HTML files in Debian's headless Chromium, at each viewport width given,
// and print {"<width>": {"violations": [...]}} as JSON on stdout for one file, or
// {"<file>": {"<width>": ...}} for several (one browser for them all).
//
//   node tests/axe/run-axe.mjs report.html 1280 400
//   node tests/axe/run-axe.mjs served.html problems.html 1280 400
//
// Used by tests/test_render_accessibility.py. Chromium is the system one (CHROMIUM, default
// /usr/bin/chromium): playwright-core drives it and never downloads a browser. Every request
// other than file: and data: is refused, so the check needs no network.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

const args = process.argv.slice(2);
const files = args.filter((arg) => !/^[0-9]+$/.test(arg));
const widths = args.filter((arg) => /^[0-9]+$/.test(arg));
if (files.length === 0 || widths.length === 0) {
  console.error("usage: node run-axe.mjs FILE.html [FILE.html...] WIDTH [WIDTH...]");
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), "fosterreport-axe-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = {};
try {
  await context.route("**/*", (route) => {
    const url = route.request().url();
    return url.startsWith("file:") || url.startsWith("data:") ? route.continue() : route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  for (const file of files) {
    const found = {};
    for (const width of widths) {
      await page.setViewportSize({ width: Number(width), height: 900 });
      await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
      await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
      const run = await page.evaluate(async (tags) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
        return {
          version: r.testEngine.version,
          violations: r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
          })),
        };
      }, TAGS);
      found[width] = run;
    }
    results[file] = found;
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(files.length === 1 ? results[files[0]] : results, null, 1) + "\n");
