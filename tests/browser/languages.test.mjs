// Every language fixture (tests/fixtures/i18n/LANG) in a real browser:
// axe-core finds no serious or critical violation on its main pages, in
// the light scheme (rtl.test.mjs covers Arabic in both schemes, and its
// mirrored layout). Translated labels change widths and contrast-bearing
// markup (badges, counts, legends), so each language is checked, not only
// English.
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

const LANGUAGES = ['de', 'fr', 'es', 'uk', 'ar'];
const PAGES = ['index.html', 'articles/zeitung/', 'claims/river-level/', 'claims/', 'outlets/', 'verdicts/'];

const servers = {};
let browser;

before(async () => {
  for (const lang of LANGUAGES) {
    const out = join(mkdtempSync(join(tmpdir(), `crosscheck-${lang}-`)), 'site');
    const root = join(repo, 'tests', 'fixtures', 'i18n', lang);
    execFileSync(bin, ['build', '--quiet', '--root', root, '--out', out], { stdio: 'inherit' });
    servers[lang] = await serveDir(out);
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of Object.values(servers)) s.close();
});

for (const lang of LANGUAGES) {
  test(`axe (${lang}): the main pages have no serious or critical violations`, async () => {
    const context = await browser.newContext({ reducedMotion: 'reduce' });
    const page = await context.newPage();
    const found = {};
    for (const path of PAGES) {
      await page.goto(`${servers[lang].url}/${path}`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang, path);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
      });
      if (violations.length) found[path] = violations;
    }
    assert.deepEqual(found, {}, JSON.stringify(found, null, 2));
    await context.close();
  });
}
