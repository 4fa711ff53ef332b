// Review mode in a real browser: headless Chromium on pages served by
// `crosscheck serve --review`, at a desktop size (1280×900, mouse) and a
// phone size (390×844, touch): the panel opened from the keyboard alone,
// never over what is reviewed, nothing typed lost to a reload or a stale
// write, a new claim that repeats one asked about first, selections saved
// as whole words, the lapse banner naming what changed, and axe clean with
// the panel open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, tempProject, startServe, repo, bin } from './helpers.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const fixture = join(repo, 'tests', 'fixtures', 'review-project');
const PATIENCE = 20000;
const SENTENCE = 'Putin met the envoys on Wednesday.';
const VIEWPORTS = [
  { name: 'desktop 1280×900', viewport: { width: 1280, height: 900 }, touch: false },
  { name: 'phone 390×844', viewport: { width: 390, height: 844 }, touch: true },
];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function setup(t, vp) {
  const root = tempProject(fixture);
  const serve = await startServe(root, ['--review', '--reviewer', 'B. Browser']);
  const context = await browser.newContext({
    viewport: vp.viewport, hasTouch: vp.touch, isMobile: vp.touch, reducedMotion: 'reduce',
  });
  t.after(async () => {
    await context.close();
    serve.proc.kill();
    rmSync(root, { recursive: true, force: true });
  });
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  return { root, serve, context, page };
}

const claimsPath = (root) => join(root, 'content', 'claims.toml');
const claimsFile = (root) => readFileSync(claimsPath(root), 'utf8');

async function until(what, check) {
  const deadline = Date.now() + PATIENCE;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function open(page, url) {
  await page.goto(url);
  // Not serve's "building" page at the same address: the site's own.
  await page.waitForSelector('html.cc-ready #cc-panel ~ main', { timeout: PATIENCE });
}

/** Viewport points just inside the first and last character of `text` on the page. */
async function edges(page, text) {
  return page.evaluate((text) => {
    const walker = document.createTreeWalker(document.querySelector('.article-body'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.data.indexOf(text);
      if (at < 0) continue;
      n.parentElement.scrollIntoView({ block: 'center' });
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

/**
 * Selects `text` as the reviewer would: dragging the mouse on a desktop,
 * and on a phone as a long press does (the selection changes, no mouseup).
 */
async function select(page, vp, text) {
  if (!vp.touch) {
    const e = await edges(page, text);
    assert.ok(e, `“${text}” is on the page`);
    await page.mouse.move(e.from.x, e.from.y);
    await page.mouse.down();
    await page.mouse.move(e.to.x, e.to.y, { steps: 8 });
    await page.mouse.up();
  } else {
    const ok = await page.evaluate((text) => {
      const walker = document.createTreeWalker(document.querySelector('.article-body'), NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.data.indexOf(text);
        if (at < 0) continue;
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + text.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
        return true;
      }
      return false;
    }, text);
    assert.ok(ok, `“${text}” is on the page`);
  }
  await page.waitForFunction(() => {
    const w = document.querySelector('#cc-panel .cc-work');
    return w && !w.hidden && document.querySelector('#cc-claims li');
  }, null, { timeout: PATIENCE });
}

/** Waits for the panel's quote, as it will be saved. */
async function quoteIs(page, quote) {
  await page.waitForFunction((q) => document.querySelector('#cc-quote')?.textContent === `“${q}”`, quote, { timeout: PATIENCE });
}

async function chooseClaim(page, id) {
  await page.fill('#cc-filter', id.split('-').pop());
  await page.waitForFunction((id) => document.querySelector('#cc-claims li')?.dataset.claim === id, id, { timeout: PATIENCE });
  await page.click(`#cc-claims li[data-claim="${id}"]`);
  await page.waitForFunction((id) => document.querySelector(`#cc-claims li[data-claim="${id}"]`)?.getAttribute('aria-selected') === 'true', id);
}

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

async function rectOf(page, selector) {
  return page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  });
}

async function statementRect(page, text) {
  return page.evaluate((t) => {
    const st = Array.from(document.querySelectorAll('.article-body span.st')).find((s) => s.textContent.includes(t));
    const r = st.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  }, text);
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
}

const EVIDENCE = (stance, note) => [
  '',
  '  [[claim.evidence]]',
  '  article = "paper-b"',
  `  quote = "${SENTENCE}"`,
  `  stance = "${stance}"`,
  ...(note ? [`  note = "${note}"`] : []),
  '',
].join('\n');

for (const vp of VIEWPORTS) {
  test(`${vp.name}: the keyboard alone opens the panel and attaches a statement as contradicts with a note`, async (t) => {
    const { root, serve, page } = await setup(t, vp);
    const before = claimsFile(root);
    await open(page, `${serve.url}/articles/paper-b/`);
    assert.match(await page.textContent('#cc-panel .cc-marker'), /Review mode — B\. Browser/);
    // j moves from statement to statement.
    const idx = await page.$$eval('.article-body span.st[id]', (sts, s) => sts.findIndex((x) => x.textContent.includes(s)), SENTENCE);
    assert.ok(idx >= 0);
    for (let i = 0; i <= idx; i++) await page.keyboard.press('j');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), SENTENCE);
    // The shortcut opens the panel on it, focus in the claim list's box.
    await page.keyboard.press('Alt+Shift+R');
    await page.waitForFunction(() => document.activeElement?.id === 'cc-filter', null, { timeout: PATIENCE });
    await quoteIs(page, SENTENCE);
    // One tab stop: the box; arrows move through the options.
    assert.equal(await page.$$eval('#cc-claims li[tabindex]', (l) => l.length), 0);
    await page.keyboard.type('tuesday');
    await page.waitForFunction(() => document.querySelector('#cc-claims li')?.dataset.claim === 'met-on-tuesday', null, { timeout: PATIENCE });
    const options = await page.$$eval('#cc-claims li', (lis) => lis.map((li) => li.dataset.claim || 'new'));
    assert.equal(options.at(-1), 'new', '“New claim…” is the last option');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.getAttribute('#cc-filter', 'aria-activedescendant'), 'cc-opt-0');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#cc-opt-0', 'aria-selected'), 'true');
    await page.keyboard.press('Alt+Shift+C');
    assert.equal(await page.$eval('#cc-stance-contradicts', (r) => r.checked), true);
    await page.keyboard.press('Tab'); // the stance group
    await page.keyboard.press('Tab'); // the note
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cc-note');
    await page.keyboard.type('Paper B has the wrong day.');
    await page.keyboard.press('Control+Enter');
    const after = await until('the claims file to change', () => {
      const now = claimsFile(root);
      return now !== before && now;
    });
    assert.equal(after, before.replace('\tverdict = "unverified"\n', `\tverdict = "unverified"\n${EVIDENCE('contradicts', 'Paper B has the wrong day.')}`));
    // The page reloads and shows the statement linked.
    await page.waitForFunction((s) => {
      const st = Array.from(document.querySelectorAll('.article-body .st')).find((x) => x.textContent.includes(s));
      return st && st.classList.contains('st-linked');
    }, SENTENCE.slice(0, -1), { timeout: PATIENCE, polling: 100 });
  });

  test(`${vp.name}: the panel never covers the claim's title or the statement being reviewed`, async (t) => {
    const { serve, page } = await setup(t, vp);
    await open(page, `${serve.url}/claims/meeting-lasted-five-hours/`);
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.activeElement?.id === 'cc-verdict', null, { timeout: PATIENCE });
    const panel = await rectOf(page, '#cc-panel');
    assert.ok(panel.height > 200, `the panel is open (${panel.height}px)`);
    // On a phone the sheet covers the lower part of the screen, never the title.
    for (const sel of vp.touch ? ['main h1'] : ['main h1', '.verdict-line']) {
      const r = await rectOf(page, sel);
      assert.ok(!overlap(panel, r), `${sel} ${JSON.stringify(r)} is under the panel ${JSON.stringify(panel)}`);
    }
    // Escape returns focus to the page.
    await page.keyboard.press('Escape');
    assert.ok(!(await page.evaluate(() => document.getElementById('cc-panel').contains(document.activeElement))));

    await open(page, `${serve.url}/articles/paper-b/`);
    await select(page, vp, SENTENCE);
    await quoteIs(page, SENTENCE);
    await new Promise((r) => setTimeout(r, 300));
    const p2 = await rectOf(page, '#cc-panel');
    const st = await statementRect(page, SENTENCE);
    assert.ok(st.top >= 0 && st.bottom <= vp.viewport.height, `the statement is in view: ${JSON.stringify(st)}`);
    assert.ok(!overlap(p2, st), `the statement ${JSON.stringify(st)} is under the panel ${JSON.stringify(p2)}`);
    if (!vp.touch) {
      // Wide: docked at the right, the page reflowed beside it.
      const main = await rectOf(page, 'main');
      assert.ok(main.right <= p2.left + 1, `main ${JSON.stringify(main)} runs under the panel ${JSON.stringify(p2)}`);
    } else {
      // Narrow: the sheet collapses to one line.
      await page.click('#cc-panel .cc-toggle');
      const small = await rectOf(page, '#cc-panel');
      assert.ok(small.height <= 70, `collapsed to ${small.height}px`);
      const target = await rectOf(page, '#cc-panel .cc-toggle');
      assert.ok(target.width >= 44 && target.height >= 44, `toggle ${JSON.stringify(target)} is at least 44×44`);
    }
  });

  test(`${vp.name}: a note typed in the panel survives a save of claims.toml from outside`, async (t) => {
    const { root, serve, page } = await setup(t, vp);
    await open(page, `${serve.url}/articles/paper-b/`);
    await select(page, vp, SENTENCE);
    await quoteIs(page, SENTENCE);
    await chooseClaim(page, 'met-on-tuesday');
    await page.fill('#cc-note', 'Half written, not saved yet.');
    // An editor saves the claims file: the preview rebuilds, the page reloads.
    await page.evaluate(() => { window.__beforeReload = true; });
    writeFileSync(claimsPath(root), claimsFile(root).replace('Both reports say so.', 'Both reports say so, in the same words.'));
    await page.waitForFunction(() => !window.__beforeReload, null, { timeout: PATIENCE, polling: 100 });
    await page.waitForSelector('html.cc-ready #cc-panel ~ main', { timeout: PATIENCE });
    await page.waitForFunction(() => document.querySelector('#cc-note')?.value === 'Half written, not saved yet.', null, { timeout: PATIENCE });
    await quoteIs(page, SENTENCE);
    assert.equal(await page.getAttribute('#cc-claims li[data-claim="met-on-tuesday"]', 'aria-selected'), 'true');
    assert.match(await page.textContent('#cc-panel .cc-status'), /Restored your unsaved work/);
  });

  test(`${vp.name}: a stale write that still applies is applied after the 409, keeping both changes`, async (t) => {
    const { root, serve, page } = await setup(t, vp);
    // The page must not reload before the write: hold the reload stream.
    await page.route('**/__crosscheck/events', (r) => r.abort());
    await open(page, `${serve.url}/articles/paper-b/`);
    await select(page, vp, SENTENCE);
    await quoteIs(page, SENTENCE);
    await chooseClaim(page, 'met-on-tuesday');
    await page.check('#cc-stance-contradicts');
    // Meanwhile someone edits another claim in their editor.
    const edited = claimsFile(root).replace('Both reports say so.', 'Both reports say so, in the same words.');
    writeFileSync(claimsPath(root), edited);
    await page.click('#cc-panel .cc-save');
    await page.waitForFunction(() => /still applied/.test(document.querySelector('#cc-panel .cc-status')?.textContent || ''), null, { timeout: PATIENCE });
    const now = claimsFile(root);
    assert.ok(now.includes('Both reports say so, in the same words.'), 'the editor’s change is kept');
    assert.equal(now, edited.replace('\tverdict = "unverified"\n', `\tverdict = "unverified"\n${EVIDENCE('contradicts')}`));
  });

  test(`${vp.name}: a new claim with an existing claim's text asks first and offers the existing one`, async (t) => {
    const { root, serve, page } = await setup(t, vp);
    const before = claimsFile(root);
    await open(page, `${serve.url}/articles/paper-b/`);
    await select(page, vp, SENTENCE);
    await quoteIs(page, SENTENCE);
    await page.click('#cc-claims li.cc-option-new');
    await page.fill('#cc-newtext', 'putin met the envoys on tuesday');
    await page.click('#cc-panel .cc-save');
    await page.waitForSelector('#cc-panel .cc-ask:not([hidden])', { timeout: PATIENCE });
    assert.match(await page.textContent('#cc-panel .cc-ask'), /A claim already says this: “Putin met the envoys on Tuesday\.”/);
    assert.equal(claimsFile(root), before, 'nothing written before the answer');
    await page.click('#cc-panel .cc-use-existing');
    const after = await until('the claims file to change', () => {
      const now = claimsFile(root);
      return now !== before && now;
    });
    assert.equal(after, before.replace('\tverdict = "unverified"\n', `\tverdict = "unverified"\n${EVIDENCE('supports')}`));
  });

  test(`${vp.name}: a selection that cuts words is saved as whole words`, async (t) => {
    const { root, serve, page } = await setup(t, vp);
    const before = claimsFile(root);
    await open(page, `${serve.url}/articles/paper-b/`);
    await select(page, vp, 'utin met the envoys on Wednes');
    // The panel shows the quote as it will be saved.
    await quoteIs(page, 'Putin met the envoys on Wednesday');
    await chooseClaim(page, 'met-on-tuesday');
    await page.click('#cc-panel .cc-save');
    const after = await until('the claims file to change', () => {
      const now = claimsFile(root);
      return now !== before && now;
    });
    assert.ok(after.includes('quote = "Putin met the envoys on Wednesday"\n'), after);
  });

  test(`${vp.name}: a verdict changed after sign-off shows the lapse banner naming the verdict`, async (t) => {
    const { root, serve, page } = await setup(t, vp);
    await open(page, `${serve.url}/claims/meeting-lasted-five-hours/`);
    await page.keyboard.press('r');
    await page.click('#cc-panel .cc-signoff');
    await until('the sign-off', () => claimsFile(root).includes('signoff = "v2:accurate:'));
    await page.waitForFunction(() => /Signed off by B\. Browser/.test(document.querySelector('#cc-panel .cc-signoff-state')?.textContent || ''), null, { timeout: PATIENCE, polling: 100 });
    await page.keyboard.press('r');
    await page.selectOption('#cc-verdict', 'mostly-accurate');
    await page.waitForSelector('#cc-panel .cc-update-box:not([hidden]) #cc-update');
    await page.fill('#cc-update', 'About five hours, not exactly five.');
    await page.click('#cc-panel .cc-save');
    await until('the verdict change', () => claimsFile(root).includes('verdict_before = "accurate"'));
    await page.waitForSelector('#cc-panel .cc-lapse', { timeout: PATIENCE });
    const banner = await page.textContent('#cc-panel .cc-lapse');
    assert.match(banner, /Changed since it was signed off: the verdict \(accurate → mostly-accurate\)/);
    // The banner is visible, not hidden under anything or collapsed away.
    const r = await rectOf(page, '#cc-panel .cc-lapse');
    assert.ok(r.height > 0 && r.top >= 0 && r.bottom <= vp.viewport.height, JSON.stringify(r));
  });

  test(`${vp.name}: axe finds no serious or critical violation with the panel open`, async (t) => {
    const { serve, page } = await setup(t, vp);
    await open(page, `${serve.url}/articles/paper-b/`);
    await select(page, vp, SENTENCE);
    await quoteIs(page, SENTENCE);
    let found = await axe(page);
    assert.deepEqual(found, [], JSON.stringify(found, null, 2));
    await open(page, `${serve.url}/claims/meeting-lasted-five-hours/`);
    await page.keyboard.press('r');
    found = await axe(page);
    assert.deepEqual(found, [], JSON.stringify(found, null, 2));
  });
}

test('rejecting a suggestion updates its count, and the evidence list counts from 1', async (t) => {
  const { serve, page } = await setup(t, VIEWPORTS[0]);
  await open(page, `${serve.url}/articles/paper-b/`);
  const marks = await page.$$eval('.cc-sugg', (m) => m.map((x) => x.textContent));
  assert.ok(marks.length > 0, 'suggestions are marked');
  const first = await page.$('.cc-sugg');
  const n = Number(await first.textContent());
  await first.click();
  await page.waitForSelector('#cc-panel .cc-suggestions:not([hidden]) .cc-reject', { timeout: PATIENCE });
  await page.click('#cc-panel .cc-reject');
  await page.waitForFunction((n) => {
    const left = document.querySelectorAll('#cc-panel .cc-sugg-list li').length;
    return left === n - 1;
  }, n, { timeout: PATIENCE });
  const now = await page.$$eval('.cc-sugg', (m) => m.map((x) => x.textContent));
  assert.equal(now.length, n === 1 ? marks.length - 1 : marks.length);
  if (n > 1) assert.equal(now[0], String(n - 1));
  await open(page, `${serve.url}/claims/meeting-lasted-five-hours/`);
  const starts = await page.$eval('#cc-panel .cc-evidence', (ol) => ol.start);
  assert.equal(starts, 1);
  assert.match(await page.getAttribute('#cc-panel .cc-evidence li:first-child .cc-remove', 'aria-label'), /Remove evidence 1/);
});

test('review mode is never in build output and the API refuses a page without the token', async (t) => {
  const { root, serve, page } = await setup(t, VIEWPORTS[0]);
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
  // The site's own icon, linked from every page (no favicon.ico 404).
  assert.ok(readFileSync(join(out, 'site', 'favicon.svg'), 'utf8').startsWith('<svg'));
  assert.match(readFileSync(join(out, 'site', 'index.html'), 'utf8'), /<link rel="icon" href="favicon\.svg" type="image\/svg\+xml">/);
  await open(page, `${serve.url}/articles/paper-b/`);
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
