// The Arabic fixture (tests/fixtures/i18n/ar) in a real browser: axe-core
// finds no serious or critical violation on its pages, light and dark; the
// layout is mirrored (the document runs right to left, the brand sits at
// the right of the header, quotes and notes have their rule on the right);
// and the search box search.js builds is in Arabic. With RTL_SCREENSHOT
// set, a screenshot of the claim page is written there
// (docs/screenshots/rtl.png, see README → Development).
//
// Run: cargo build --release && (cd tests/browser && npm install) && node --test tests/browser/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, repo, launchBrowser } from './helpers.mjs';
import { serveDir } from './static-server.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PAGES = {
  index: 'index.html',
  article: 'articles/zeitung/',
  claim: 'claims/river-level/',
  claims: 'claims/',
  outlets: 'outlets/',
  verdicts: 'verdicts/',
  embed: 'claims/river-level/embed.html',
};

let server;
let browser;

before(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'crosscheck-rtl-')), 'site');
  const root = join(repo, 'tests', 'fixtures', 'i18n', 'ar');
  execFileSync(bin, ['build', '--quiet', '--root', root, '--out', out], { stdio: 'inherit' });
  server = await serveDir(out);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function seriousViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

for (const scheme of ['light', 'dark']) {
  for (const [name, path] of Object.entries(PAGES)) {
    test(`axe (Arabic): ${name} page, ${scheme} scheme, has no serious or critical violations`, async () => {
      const context = await browser.newContext({ colorScheme: scheme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      await page.goto(`${server.url}/${path}`);
      const found = await seriousViolations(page);
      assert.deepEqual(found, [], JSON.stringify(found, null, 2));
      await context.close();
    });
  }
}

test('the Arabic pages are laid out right to left', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(`${server.url}/${PAGES.claim}`);
  const layout = await page.evaluate(() => {
    const box = (el) => el.getBoundingClientRect();
    const brand = document.querySelector('.brand');
    const nav = brand.closest('nav');
    const quote = document.querySelector('.group blockquote');
    const qs = getComputedStyle(quote);
    return {
      direction: getComputedStyle(document.body).direction,
      brandRightGap: box(nav).right - box(brand).right,
      brandLeftGap: box(brand).left - box(nav).left,
      quoteRight: parseFloat(qs.borderRightWidth),
      quoteLeft: parseFloat(qs.borderLeftWidth),
    };
  });
  assert.equal(layout.direction, 'rtl');
  assert.ok(layout.brandRightGap < 2 && layout.brandLeftGap > 100, `brand not at the right: ${JSON.stringify(layout)}`);
  assert.ok(layout.quoteRight > 0 && layout.quoteLeft === 0, `quote rule not on the right: ${JSON.stringify(layout)}`);

  await page.goto(`${server.url}/${PAGES.article}`);
  const note = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('.note'));
    return { right: parseFloat(s.borderRightWidth), left: parseFloat(s.borderLeftWidth) };
  });
  assert.ok(note.right > 0 && note.left === 0, `note rule not on the right: ${JSON.stringify(note)}`);

  // The search box search.js builds speaks Arabic too, counts included.
  await page.fill('#search-q', 'النيل');
  await page.waitForSelector('.search-result');
  const search = await page.evaluate(() => ({
    placeholder: document.querySelector('#search-q').placeholder,
    status: document.querySelector('#search-status').textContent,
    kinds: [...document.querySelectorAll('.search-kind')].map((k) => k.textContent),
  }));
  const english = /[A-Za-z]{3,}/;
  assert.ok(!english.test(search.placeholder) && !english.test(search.status) && search.status.length > 0,
    `English in the search box: ${JSON.stringify(search)}`);
  assert.ok(search.kinds.length > 0 && search.kinds.every((k) => !english.test(k)), JSON.stringify(search));

  if (process.env.RTL_SCREENSHOT) {
    await page.goto(`${server.url}/${PAGES.claim}`);
    await page.screenshot({ path: process.env.RTL_SCREENSHOT });
  }
  await context.close();
});
