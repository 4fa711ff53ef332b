// Accessibility and search in a real browser: axe-core in headless
// Chromium on every kind of page (front page, article, claim, outlet, the
// lists, the verdict scale, the desk's pages), light and dark, with
// zero serious or critical violations allowed; the search box appears only
// with JavaScript, loads its index lazily and links to existing anchors.
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
  article: 'articles/unnamed-site-no-territory-agreement/',
  claim: 'claims/meeting-lasted-five-hours/',
  'sourced claim': 'claims/putin-saw-us-proposals-in-four-documents/',
  outlet: 'outlets/unnamed-news-explainer/',
  outlets: 'outlets/',
  reports: 'articles/',
  claims: 'claims/',
  disagreements: 'disagreements/',
  verdicts: 'verdicts/',
  methodology: 'pages/methodology/',
  corrections: 'corrections/',
};

let server;
let browser;

before(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'crosscheck-a11y-')), 'site');
  execFileSync(bin, ['build', '--quiet', '--root', repo, '--out', out], { stdio: 'inherit' });
  server = await serveDir(out);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
}

function serious(violations) {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

for (const scheme of ['light', 'dark']) {
  for (const [name, path] of Object.entries(PAGES)) {
    test(`axe: ${name} page, ${scheme} scheme, has no serious or critical violations`, async () => {
      const context = await browser.newContext({ colorScheme: scheme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      await page.goto(`${server.url}/${path}`);
      // The scheme really is in force (dark pages have a dark background).
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r] = bg.match(/\d+/g).map(Number);
      assert.ok(scheme === 'dark' ? r < 60 : r > 200, `${scheme}: body background ${bg}`);
      const found = serious(await axe(page));
      assert.deepEqual(found, [], JSON.stringify(found, null, 2));
      await context.close();
    });
  }

  test(`axe: open search results, ${scheme} scheme, have no serious or critical violations`, async () => {
    const context = await browser.newContext({ colorScheme: scheme, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${server.url}/${PAGES.claim}`);
    await page.fill('#search-q', 'five hours');
    await page.waitForSelector('.search-result a');
    const found = serious(await axe(page));
    assert.deepEqual(found, [], JSON.stringify(found, null, 2));
    await context.close();
  });
}

test('without JavaScript there is no search box; with it the index loads only on use', async () => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const p1 = await noJs.newPage();
  await p1.goto(`${server.url}/${PAGES.index}`);
  assert.equal(await p1.locator('input').count(), 0);
  await noJs.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  page.on('request', (req) => fetched.push(new URL(req.url()).pathname));
  await page.goto(`${server.url}/${PAGES.article}`);
  await page.waitForSelector('#search-q');
  assert.ok(!fetched.some((p) => p.endsWith('search-index.json')), 'index fetched before use');
  await page.focus('#search-q');
  await page.waitForResponse((r) => r.url().endsWith('/search-index.json'));
  assert.equal(fetched.filter((p) => p.endsWith('search-index.json')).length, 1);
  assert.ok(fetched.includes('/search-index.json'), `index resolved from the page's root: ${fetched}`);
  await context.close();
});

test('search results link to claims and to exact statements that exist', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/${PAGES.claim}`);
  await page.fill('#search-q', 'five hours');
  await page.waitForSelector('.search-result a');
  const hrefs = await page.$$eval('.search-result a', (as) => as.map((a) => a.href));
  assert.ok(hrefs.some((h) => h.includes('/claims/')), 'a claim result');
  const statements = hrefs.filter((h) => h.includes('/articles/') && h.includes('#s-'));
  assert.ok(statements.length > 0, 'a statement result');
  for (const href of hrefs.slice(0, 8)) {
    const target = await context.newPage();
    const response = await target.goto(href);
    assert.equal(response.status(), 200, href);
    const hash = new URL(href).hash.slice(1);
    if (hash) assert.equal(await target.locator(`[id="${hash}"]`).count(), 1, href);
    await target.close();
  }
  // Keyboard: arrow down from the box moves into the results; Escape clears.
  await page.focus('#search-q');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.closest('.search-result') !== null), true);
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('#search-q'), '');
  assert.equal(await page.locator('.search-result').count(), 0);
  await context.close();
});

test('search results are text: markup in the index is never parsed', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/search-index.json', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({
      v: 1, verdicts: { accurate: ['<b>Accurate</b>', '✔'] }, stances: [['supports', 'Supports']],
      articles: [['a', '<img src=x onerror="window.pwned=1">', 'Outlet']],
      claims: [['c', 'evil <img src=x onerror="window.pwned=1"> claim', 'accurate']],
      statements: [[0, 's-1', 'evil <script>window.pwned=1</script> statement', [0, 0]]],
    }),
  }));
  await page.goto(`${server.url}/${PAGES.index}`);
  await page.fill('#search-q', 'evil');
  await page.waitForSelector('.search-result');
  assert.equal(await page.locator('.search-results img, .search-results script, .search-results b').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  const text = await page.locator('.search-results').innerText();
  assert.ok(text.includes('<img src=x'), text);
  await context.close();
});

test('keyboard: the skip link and the next-checked-statement links work in order', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(`${server.url}/${PAGES.article}`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  // A note opens from the keyboard (Enter on its one-line summary), and
  // its link to the next checked statement follows.
  const summary = page.locator('details.note > summary').first();
  await summary.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('details.note').first().getAttribute('open'), '');
  const next = page.locator('.note-nav a[rel=next]').first();
  const href = await next.getAttribute('href');
  await next.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => location.hash), href);
  // The target statement is highlighted (:target) and a visible outline marks focus.
  const outline = await page.evaluate((id) => getComputedStyle(document.getElementById(id)).outlineStyle, href.slice(1));
  assert.equal(outline, 'solid');
  await context.close();
});

test('the axe harness does catch violations (a seeded one)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/${PAGES.index}`);
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'card.svg';
    document.querySelector('main').appendChild(img);
  });
  const found = serious(await axe(page));
  assert.ok(found.some((v) => v.id === 'image-alt'), JSON.stringify(found));
  await context.close();
});
