// Review mode in a real browser: headless Chromium on pages served by
// `crosscheck serve --review`, a sentence selected with the mouse and
// attached to a claim, the claims file and the rebuilt claim page checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, tempProject, startServe, repo, bin } from './helpers.mjs';

const fixture = join(repo, 'tests', 'fixtures', 'review-project');
const PATIENCE = 20000;
const SENTENCE = 'Putin met the envoys on Wednesday.';

async function setup(t) {
  const root = tempProject(fixture);
  const serve = await startServe(root, ['--review', '--reviewer', 'B. Browser']);
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    serve.proc.kill();
    rmSync(root, { recursive: true, force: true });
  });
  const page = await browser.newPage();
  return { root, serve, browser, page };
}

const claimsFile = (root) => readFileSync(join(root, 'content', 'claims.toml'), 'utf8');

async function until(what, check) {
  const deadline = Date.now() + PATIENCE;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Viewport points just inside the first and last character of `text` on the page. */
async function edges(page, text) {
  return page.evaluate((text) => {
    const walker = document.createTreeWalker(document.querySelector('.article-body'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.data.indexOf(text);
      if (at < 0) continue;
      const rect = (from, to) => {
        const r = document.createRange();
        r.setStart(n, from);
        r.setEnd(n, to);
        return r.getBoundingClientRect();
      };
      const first = rect(at, at + 1);
      const last = rect(at + text.length - 1, at + text.length);
      return {
        from: { x: first.left + 1, y: first.top + first.height / 2 },
        to: { x: last.right - 1, y: last.top + last.height / 2 },
      };
    }
    return null;
  }, text);
}

test('a sentence selected on an article page becomes contradicting evidence of a claim', async (t) => {
  const { root, serve, browser, page } = await setup(t);
  const before = claimsFile(root);
  await page.goto(`${serve.url}/articles/paper-b/`);
  await page.waitForSelector('html.cc-ready', { timeout: PATIENCE });

  // Select the sentence with the mouse, as a reviewer would.
  const e = await edges(page, SENTENCE);
  assert.ok(e, 'the sentence is on the page');
  await page.mouse.move(e.from.x, e.from.y);
  await page.mouse.down();
  await page.mouse.move(e.to.x, e.to.y, { steps: 8 });
  await page.mouse.up();

  // The panel shows exactly the selected sentence; filter the claims, pick
  // one, choose the stance, save.
  await page.waitForSelector('#cc-panel', { timeout: PATIENCE });
  assert.equal(await page.textContent('#cc-panel .cc-quote'), `“${SENTENCE}”`);
  await page.fill('#cc-panel .cc-filter', 'tuesday');
  const options = await page.$$eval('#cc-panel .cc-claims li', (lis) => lis.map((li) => li.dataset.claim));
  assert.deepEqual(options, ['met-on-tuesday']);
  await page.click('#cc-panel li[data-claim="met-on-tuesday"]');
  await page.selectOption('#cc-panel .cc-stance', 'contradicts');
  await page.fill('#cc-panel .cc-note', 'Paper B has the wrong day.');
  await page.click('#cc-panel .cc-save');

  // The claims file gains exactly one evidence entry, after the claim's keys.
  const after = await until('the claims file to change', () => {
    const now = claimsFile(root);
    return now !== before && now;
  });
  const added = [
    '',
    '  [[claim.evidence]]',
    '  article = "paper-b"',
    `  quote = "${SENTENCE}"`,
    '  stance = "contradicts"',
    '  note = "Paper B has the wrong day."',
    '',
  ].join('\n');
  assert.equal(after, before.replace('\tverdict = "unverified"\n', `\tverdict = "unverified"\n${added}`));

  // The article page reloads by itself and shows the statement linked.
  await page.waitForFunction((t) => {
    const st = Array.from(document.querySelectorAll('.article-body .st')).find((s) => s.textContent.includes(t));
    return st && st.classList.contains('st-linked');
  }, SENTENCE.slice(0, -1), { timeout: PATIENCE, polling: 100 });

  // The rebuilt claim page lists it with its stance, "Contradicts" (the
  // claim is unverified, so its assessment is "unsettled").
  const claim = await browser.newPage();
  await claim.goto(`${serve.url}/claims/met-on-tuesday/`);
  const item = await claim.textContent('.group.a-unsettled li:has(.stance-contradicts)');
  assert.ok(item.includes(SENTENCE), item);
  // And the review panel on the claim page offers to remove it.
  await claim.waitForSelector('#cc-claim-panel .cc-evidence li', { timeout: PATIENCE });
  const listed = await claim.$$eval('#cc-claim-panel .cc-evidence li q', (qs) => qs.map((q) => q.textContent));
  assert.deepEqual(listed, [SENTENCE]);
});

test('review mode is never in build output and the API refuses a page without the token', async (t) => {
  const { root, serve, page } = await setup(t);
  const out = mkdtempSync(join(tmpdir(), 'crosscheck-review-build-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(bin, ['build', '--root', root, '--out', join(out, 'site'), '--drafts'], { stdio: 'pipe' });
  const files = readdirSync(join(out, 'site'), { recursive: true })
    .filter((f) => f.endsWith('.html'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const html = readFileSync(join(out, 'site', f), 'utf8');
    assert.ok(!html.includes('__crosscheck'), `${f} mentions review mode`);
  }
  await page.goto(`${serve.url}/articles/paper-b/`);
  await page.waitForSelector('html.cc-ready', { timeout: PATIENCE });
  // A script on the page that does not send the token is refused.
  const status = await page.evaluate(async () => {
    const r = await fetch('/__crosscheck/review/api/claims/met-on-tuesday', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: 'x', verdict: 'accurate' }),
    });
    return r.status;
  });
  assert.equal(status, 403);
});
