// The embed as a publisher uses it: the code from each claim page pasted
// into another page. The verdict must fit the frame at the size the code
// gives (no scroll bar), load nothing but itself, and pass axe in light and
// dark mode.
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

let server;
let browser;
let claims;

before(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'crosscheck-embed-')), 'site');
  execFileSync(bin, ['build', '--quiet', '--root', repo, '--out', out], { stdio: 'inherit' });
  claims = JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')).claims.map((c) => c.id);
  server = await serveDir(out);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** The embed code shown on the claim page, as text. */
async function embedCode(page, id) {
  await page.goto(`${server.url}/claims/${id}/`);
  return page.locator('details.embed-code pre code').textContent();
}

/** A page of "another site" (same host: the example's base_url is "/") with the code pasted in. */
async function host(page, code) {
  // Wait for the network to settle first: the browser fetches this page's
  // icon after its load event, and that request is not the embed's.
  await page.goto(`${server.url}/404.html`, { waitUntil: 'networkidle' });
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.setContent(`<!DOCTYPE html><html lang="en"><head><title>Host</title></head><body><p>An article.</p>${code}</body></html>`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForLoadState('load');
  return { frame, requests };
}

test('every claim\'s embed fits its frame and loads nothing but itself', async () => {
  assert.ok(claims.length > 10);
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  for (const id of claims) {
    const code = await embedCode(page, id);
    assert.match(code, new RegExp(`^<iframe src="/claims/${id}/embed.html" width="560" height="\\d+"`));
    const height = Number(code.match(/height="(\d+)"/)[1]);
    const { frame, requests } = await host(page, code);
    // How tall the verdict is: down to the end of its last line, plus the
    // box's padding and border (the box itself stretches to the frame).
    const size = await frame.evaluate(() => {
      const box = document.querySelector('.embed');
      const style = getComputedStyle(box);
      const last = box.lastElementChild.getBoundingClientRect().bottom;
      return {
        height: Math.ceil(last + parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth)),
        scroll: document.documentElement.scrollHeight,
        width: document.documentElement.scrollWidth,
        client: document.documentElement.clientHeight,
      };
    });
    assert.equal(size.client, height, `${id}: frame height`);
    assert.ok(size.height <= height && size.scroll <= height, `${id}: ${size.height} px of content in a ${height} px frame`);
    assert.ok(size.width <= 560, `${id}: ${size.width} px wide`);
    // Not more than a few lines of empty space either.
    assert.ok(height - size.height < 90, `${id}: ${height - size.height} px left empty`);
    assert.deepEqual(requests, [`/claims/${id}/embed.html`], `${id}: loads ${requests}`);
  }
  await page.close();
});

for (const scheme of ['light', 'dark']) {
  test(`axe: an embed, ${scheme} scheme, has no serious or critical violations`, async () => {
    const page = await browser.newPage({ colorScheme: scheme });
    await page.goto(`${server.url}/claims/${claims[0]}/embed.html`);
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    });
    assert.deepEqual(violations, []);
    await page.close();
  });
}
