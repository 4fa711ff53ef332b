#!/usr/bin/env node
// Regenerates docs/screenshots/: the index, an article and a claim page of
// the example site, light and dark, in headless Debian Chromium.
//
//   cargo build --release
//   (cd tests/browser && npm install)
//   node scripts/screenshots.mjs [SITE_DIR]
//
// SITE_DIR defaults to site/ (the committed example site). Pages are served
// from a throwaway local HTTP server so the search script works as online.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir } from '../tests/browser/static-server.mjs';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = process.argv[2] || join(repo, 'site');
const out = join(repo, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const pages = [
  ['index', 'index.html'],
  ['article', 'articles/unnamed-site-no-territory-agreement/'],
  ['claim', 'claims/meeting-lasted-five-hours/'],
];

const server = await serveDir(site);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 1400 },
      deviceScaleFactor: 1,
      colorScheme: scheme,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    for (const [name, path] of pages) {
      await page.goto(`${server.url}/${path}`, { waitUntil: 'load' });
      const file = join(out, `${name}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(file);
    }
    await context.close();
  }
  // A phone-sized view of the matrix and of search results.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
  const page = await phone.newPage();
  await page.goto(`${server.url}/index.html#matrix`, { waitUntil: 'load' });
  await page.screenshot({ path: join(out, 'matrix-phone.png') });
  console.log(join(out, 'matrix-phone.png'));
  await page.goto(`${server.url}/index.html`, { waitUntil: 'load' });
  await page.fill('#search-q', 'five hours');
  await page.waitForSelector('.search-result');
  await page.screenshot({ path: join(out, 'search-phone.png') });
  console.log(join(out, 'search-phone.png'));
  await phone.close();
} finally {
  await browser.close();
  server.close();
}
