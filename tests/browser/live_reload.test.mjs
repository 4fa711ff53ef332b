// Live reload in a real browser: headless Chromium on pages served by
// `crosscheck serve`, files edited on disk, the page changing by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, tempProject, startServe, repo } from './helpers.mjs';

const fixture = join(repo, 'tests', 'fixtures', 'serve-basic');
const ARTICLE = join('content', 'articles', 'harbour-times-strike.md');
const ARTICLE_PATH = '/articles/harbour-times-strike/';
const PATIENCE = 20000;

function edit(root, rel, from, to) {
  const file = join(root, rel);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${rel} lacks ${from}`);
  writeFileSync(file, text.replace(from, to));
}

/** Waits until the page's visible text includes `text` (across reloads). */
async function waitForText(page, text) {
  await page.waitForFunction((t) => document.body && document.body.innerText.includes(t), text, {
    timeout: PATIENCE,
    polling: 50,
  });
}

async function setup(t, args = []) {
  const root = tempProject(fixture);
  const serve = await startServe(root, args);
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    serve.proc.kill();
    rmSync(root, { recursive: true, force: true });
  });
  const page = await browser.newPage();
  return { root, serve, browser, page };
}

test('an article edited on disk shows in the open page without any action', async (t) => {
  const { root, serve, page } = await setup(t);
  await page.goto(serve.url + ARTICLE_PATH);
  await waitForText(page, 'Ships waited outside the breakwater.');
  edit(root, ARTICLE, 'Ships waited outside the breakwater.',
    'Ships waited outside the breakwater. A tug was seen leaving.');
  await waitForText(page, 'A tug was seen leaving.');
  assert.equal(page.url(), serve.url + ARTICLE_PATH);
});

test('a broken save shows the errors over the page, and the fix clears them', async (t) => {
  const { root, serve, page } = await setup(t);
  await page.goto(serve.url + ARTICLE_PATH);
  await waitForText(page, 'for a third day on Monday');
  edit(root, join('content', 'claims.toml'), 'verdict = "disputed"', 'verdict = "disputd"');
  await page.waitForSelector('#crosscheck-error-overlay', { timeout: PATIENCE });
  const overlay = await page.textContent('#crosscheck-error-overlay');
  assert.match(overlay, /content\/claims\.toml:\d+:\d+/);
  assert.match(overlay, /unknown verdict `disputd`/);
  // The last good page is still underneath.
  assert.ok((await page.content()).includes('for a third day on Monday'));
  edit(root, join('content', 'claims.toml'), 'verdict = "disputd"', 'verdict = "disputed"');
  await page.waitForSelector('#crosscheck-error-overlay', { state: 'detached', timeout: PATIENCE });
});

test('a page reloads after the server restarts, and sees what changed meanwhile', async (t) => {
  const { root, serve, page } = await setup(t);
  const port = new URL(serve.url).port;
  await page.goto(serve.url + ARTICLE_PATH);
  await waitForText(page, 'Dock workers at the northern harbour');
  serve.proc.kill();
  await new Promise((resolve) => serve.proc.once('exit', resolve));
  edit(root, ARTICLE, 'Dock workers at', 'Dockers at');
  const again = await startServe(root, [], { port });
  t.after(() => again.proc.kill());
  assert.equal(new URL(again.url).port, port);
  await waitForText(page, 'Dockers at the northern harbour');
});

test('live reload works over IPv6', async (t) => {
  const v6 = await new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
  if (!v6) {
    t.skip('no IPv6 loopback on this machine');
    return;
  }
  const { root, serve, page } = await setup(t, ['--bind', '::1']);
  assert.match(serve.url, /^http:\/\/\[::1\]:\d+$/);
  await page.goto(serve.url + ARTICLE_PATH);
  await waitForText(page, 'Dock workers at the northern harbour');
  edit(root, ARTICLE, 'Dock workers at', 'Dockers at');
  await waitForText(page, 'Dockers at the northern harbour');
});
