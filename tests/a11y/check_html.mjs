// The report's HTML as a reader's browser shows it: Debian's Chromium (puppeteer-core drives it; nothing is
// downloaded) loads each page at each width, axe-core checks it against WCAG 2.1 A and AA, and the page is
// measured: its width against the window's, each scrolling box, each chart's width on the screen.
//   node check_html.mjs BROWSER SCREENSHOTS_FOLDER|- WIDTH[,WIDTH...] PAGE.html [PAGE.html ...]
// Prints one JSON object: {"PAGE": {"WIDTH": {violations, page, boxes, charts}}}.
import { createRequire } from "node:module";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const [browserPath, screenshots, widths, ...pages] = process.argv.slice(2);

const browser = await puppeteer.launch({
  executablePath: browserPath, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
});
const found = {};
try {
  for (const path of pages) {
    found[path] = {};
    for (const width of widths.split(",").map(Number)) {
      const tab = await browser.newPage();
      await tab.setViewport({ width, height: 900 });
      await tab.goto(pathToFileURL(path).href, { waitUntil: "load" });
      await tab.evaluate(axeSource);
      const axe = await tab.evaluate((tags) => axe.run(document, { runOnly: { type: "tag", values: tags } }), WCAG_21_AA);
      const measured = await tab.evaluate(() => ({
        page: { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth },
        boxes: [...document.querySelectorAll(".scroll-box")].map((box) => ({
          name: box.getAttribute("aria-label"), scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
          overflowX: getComputedStyle(box).overflowX, backgroundImage: getComputedStyle(box).backgroundImage,
          tabIndex: box.tabIndex })),
        charts: [...document.querySelectorAll("figure.chart img")].map((img) => ({
          src: img.getAttribute("src"), width: img.getBoundingClientRect().width })),
      }));
      if (screenshots !== "-") {
        await tab.screenshot({ path: `${screenshots}/${basename(path, ".html")}-${width}.png`, fullPage: false });
      }
      found[path][width] = {
        violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`) })),
        passes: axe.passes.length, incomplete: axe.incomplete.map((v) => v.id), ...measured,
      };
      await tab.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(found));
