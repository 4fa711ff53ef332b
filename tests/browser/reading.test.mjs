// Reading an article on a phone and on a desktop: notes are one line each
// (assessment + claim) that open with <details>, in the margin beside their
// passage on wide screens; the page is far shorter than with every note
// open, and nothing overlaps.
//
// Run: cargo build --release && (cd tests/browser && npm install) && node --test tests/browser/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, repo, launchBrowser } from './helpers.mjs';
import { serveDir } from './static-server.mjs';

// The example's most annotated article.
const ARTICLE = 'articles/unnamed-site-no-territory-agreement/';
let server;
let browser;

before(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'crosscheck-reading-')), 'site');
  execFileSync(bin, ['build', '--quiet', '--root', repo, '--out', out], { stdio: 'inherit' });
  server = await serveDir(out);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Boxes of the text blocks and of the notes of the article body. */
function boxes() {
  const body = document.querySelector('.article-body');
  const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right, text: e.textContent.slice(0, 40) }; };
  const blocks = [...body.children].filter((e) => !e.classList.contains('notes'));
  // A note inside a list item or quotation sits in that block, by design.
  const container = (n) => blocks.findIndex((b) => b !== n && b.contains(n));
  return {
    blocks: blocks.map(box),
    notes: [...body.querySelectorAll('.notes')].map((n) => ({ ...box(n), nested: n.parentElement !== body, container: container(n), prev: n.previousElementSibling && box(n.previousElementSibling) })),
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  };
}

const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;

for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]]) {
  test(`${name} ${viewport.width}×${viewport.height}: notes are collapsed, the page is short, nothing overlaps`, async () => {
    const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${server.url}/${ARTICLE}`);
    const notes = await page.locator('details.note').count();
    assert.ok(notes > 10, `${notes} notes`);
    assert.equal(await page.locator('details.note[open]').count(), 0, 'notes start collapsed');
    const closed = await page.evaluate(boxes);
    assert.ok(closed.scrollWidth <= viewport.width, `no sideways scrolling: ${closed.scrollWidth}`);
    for (const n of closed.notes) {
      closed.blocks.forEach((b, i) => {
        if (i !== n.container) assert.ok(!overlap(n, b), `note over text: ${JSON.stringify([n, b])}`);
      });
    }
    for (let i = 1; i < closed.notes.length; i++) {
      assert.ok(!overlap(closed.notes[i - 1], closed.notes[i]), `notes overlap: ${i}`);
    }
    if (name === 'desktop') {
      // Beside their passage: to the right of the text, starting level with it.
      for (const n of closed.notes.filter((n) => !n.nested)) {
        assert.ok(n.left >= Math.max(...closed.blocks.map((b) => b.right)) - 1, `note in the margin: ${n.text}`);
        assert.ok(n.top >= n.prev.top - 1 && n.top < n.prev.bottom, `note beside its passage: ${n.text} ${n.top} vs ${n.prev.top}-${n.prev.bottom}`);
      }
    }
    // One line each.
    const lineHeights = await page.$$eval('details.note > summary', (ss) => ss.map((s) => s.getBoundingClientRect().height));
    assert.ok(Math.max(...lineHeights) < 60, `summaries: ${Math.max(...lineHeights)}px`);
    // Every note opened, as the old layout showed them: the page grows a lot.
    await page.$$eval('details.note', (ds) => ds.forEach((d) => { d.open = true; }));
    const open = await page.evaluate(boxes);
    console.log(`# ${name}: article ${closed.height}px with notes collapsed, ${open.height}px with every note open`);
    if (name === 'phone') assert.ok(closed.height < 0.6 * open.height, `${closed.height} vs ${open.height}`);
    // Markers are at least 24×24 CSS pixels to tap.
    const marks = await page.$$eval('a.mark', (as) => as.map((a) => { const r = a.getBoundingClientRect(); return [r.width, r.height]; }));
    for (const [w, h] of marks) assert.ok(w >= 24 && h >= 24, `marker ${w}×${h}`);
    await context.close();
  });
}

test('a note opens on its marker: following the marker reveals the note', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/${ARTICLE}`);
  const mark = page.locator('a.mark').nth(2);
  const target = (await mark.getAttribute('href')).slice(1);
  await mark.click();
  // Chromium opens a closed <details> whose content is the fragment's target.
  await page.waitForFunction((id) => document.getElementById(id).closest('details').open, target);
  assert.ok(await page.locator(`[id="${target}"]`).isVisible());
  await context.close();
});
