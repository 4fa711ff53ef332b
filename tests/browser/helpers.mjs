// Shared helpers for the browser suite: launching Debian's Chromium and
// starting `crosscheck serve` on a temp copy of a fixture.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = process.env.CROSSCHECK_BIN || join(repo, 'target', 'release', 'crosscheck');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Copies a fixture (a folder with content/) to a temp dir and returns its path. */
export function tempProject(fixture) {
  const dir = mkdtempSync(join(tmpdir(), 'crosscheck-browser-'));
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

/**
 * Starts `crosscheck serve` with extra args; resolves with { url, proc, output() }
 * once it prints its address (a line containing http://). `port` defaults to 0
 * (any free port).
 */
export function startServe(root, args = [], { port = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['serve', '--root', root, '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/[^\s]+/);
      if (m) resolve({ url: m[0].replace(/\/$/, ''), proc, output: () => out });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20000);
  });
}
