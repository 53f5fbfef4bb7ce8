// Test harness: starts the real server and the real app (liveview harness: native outbox,
// sync engine and SQLite, rendered in a browser) on loopback, and Debian's Chromium at a
// phone's size through playwright-core; every screen shot is also checked with axe-core.

import { spawn, execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
const target = process.env.CARGO_TARGET_DIR || '/var/tmp/ourvoice-target';
export const screenshots = join(repo, 'test-output', 'app');
mkdirSync(screenshots, { recursive: true });

export function tempDir(name) {
  return mkdtempSync(join(tmpdir(), `ourvoice-${name}-`));
}

/** Spawns a binary that prints `listening on ADDRESS` first; resolves with the process and URL. */
function startListening(binary, args, env) {
  const child = spawn(join(target, 'debug', binary), args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`${binary} did not start`)), 30000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const address = line.replace('listening on ', '').trim();
      resolve({ child, url: `http://${address}`, address, stop: () => stop(child) });
    });
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function startServer(folder, listen = '127.0.0.1:0', extra = []) {
  return startListening('ourvoice-server', [
    '--listen', listen, '--database', `sqlite://${join(folder, 'server.db')}`, '--rate-limit-per-second', '0', '--log', 'warn',
    ...extra,
  ], {});
}

/** The server's first console administrator, `admin`, made by its own command. */
export function createAdmin(folder, password) {
  execFileSync(join(target, 'debug', 'ourvoice-server'), [
    '--database', `sqlite://${join(folder, 'server.db')}`, 'create-admin', '--username', 'admin',
  ], { env: { ...process.env, OURVOICE_ADMIN_PASSWORD: password }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs the device simulator (`ourvoice-cli`) on a phone of its own in `folder/simulator`. */
export function simulator(folder, args) {
  return execFileSync(join(target, 'debug', 'ourvoice-cli'), ['--data', join(folder, 'simulator'), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
}

export function startApp(folder, serverUrl) {
  return startListening('ourvoice-liveview', [], {
    OURVOICE_DATA: join(folder, 'phone'),
    OURVOICE_SERVER: serverUrl,
    RUST_LOG: 'warn',
  });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // A fake microphone (a steady tone) that needs no permission prompt, for voice messages.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
}

/** A phone-sized page (390×844, like Android's WebView on a common phone). */
export async function phonePage(browser, url, width = 390) {
  const context = await browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('[data-screen]');
  return page;
}

export async function shot(page, name) {
  // A full-page picture from the top: scrolled down, the sticky header would lie over the
  // content in it.
  await page.evaluate(() => window.scrollTo(0, 0));
  const header = await page.locator('header.bar').first().boundingBox().catch(() => null);
  if (header) assert.equal(Math.round(header.y), 0, `${name}: the header is at the top of the shot`);
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  await accessible(page, name);
}

/** What axe-core finds on each screen shot, by screen: written to `accessibility.json`. */
export const axeFindings = {};

/**
 * Checks the screen with axe-core: the page's language is the screen's (`<html lang>`, which
 * screen readers choose their voice by), and axe finds nothing serious or critical (what it
 * finds is kept in `test-output/app/accessibility.json` either way).
 */
export async function accessible(page, name) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  const shown = await page.locator('.app').getAttribute('lang');
  assert.equal(lang, shown, `${name}: <html lang> is "${lang}", the screen is in "${shown}"`);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeFindings[name] = serious.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  writeFileSync(join(screenshots, 'accessibility.json'), JSON.stringify(axeFindings, null, 2));
  assert.deepEqual(axeFindings[name], [], `${name}: serious or critical accessibility findings`);
  const small = await smallTargets(page, 48);
  assert.deepEqual(small, [], `${name}: touch targets smaller than 48 px`);
}

/**
 * The controls a finger must hit that are smaller than `least` px either way: buttons,
 * fields, selects, links and radios; a check box counts by its label, which takes the tap too.
 */
export async function smallTargets(page, least) {
  return page.evaluate((least) => {
    const found = [];
    for (const element of document.querySelectorAll('button, a[href], input, select, textarea, [role=radio]')) {
      const target = element.matches('input[type=checkbox], input[type=radio]') ? element.closest('label') || element : element;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.height < least || box.width < least) {
        found.push(`${element.tagName.toLowerCase()}#${element.id || ''}.${element.className || ''} ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return [...new Set(found)];
  }, least);
}

/**
 * What does not fit on the screen as it is now: anything running past the screen's edges,
 * content cut off by its box, and controls or lines of text lying over one another. Empty when
 * everything fits.
 */
export async function unfit(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const name = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''}`;
    const shown = (e) => {
      const style = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      // What a closed <details> folds away is not shown, though Chromium still gives it a box.
      const folded = e.closest('details:not([open])') && !e.closest('summary') && !e.matches('details');
      return style.display !== 'none' && style.visibility !== 'hidden' && !e.closest('.sr-only, svg') && !folded && (box.width > 0 || box.height > 0);
    };
    const found = [];
    if (document.documentElement.scrollWidth > width + 1) {
      found.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${width} px screen`);
    }
    const elements = [...document.querySelectorAll('.app *')].filter(shown);
    for (const e of elements) {
      const box = e.getBoundingClientRect();
      if (box.right > width + 1 || box.left < -1) found.push(`${name(e)} runs past the screen's edge (${Math.round(box.left)}–${Math.round(box.right)} px)`);
      const style = getComputedStyle(e);
      const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
      if (clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)) found.push(`${name(e)} cuts off its content`);
    }
    // Controls and text blocks that are neither inside one another nor apart.
    const blocks = elements.filter((e) => e.matches('button, a[href], input, select, textarea, label, h1, h2, h3, p, li, dt, dd'));
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) {
        const [a, b] = [blocks[i], blocks[j]];
        if (a.contains(b) || b.contains(a)) continue;
        const [x, y] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const overlap = Math.min(x.right, y.right) - Math.max(x.left, y.left) > 1 && Math.min(x.bottom, y.bottom) - Math.max(x.top, y.top) > 1;
        // A sticky header lies over content only while scrolled; the shot is from the top.
        if (overlap && !a.closest('header.bar') !== !b.closest('header.bar')) continue;
        if (overlap) found.push(`${name(a)} and ${name(b)} overlap`);
      }
    }
    return [...new Set(found)];
  });
}

/** Text at `percent` % of its size, as a phone's "large text" setting makes it. */
export async function textSize(page, percent) {
  await page.evaluate((percent) => { document.documentElement.style.fontSize = `${percent}%`; }, percent);
}

/** The current screen's name, as the app marks it. */
export async function screen(page) {
  return page.locator('[data-screen]').getAttribute('data-screen');
}

/** Waits until the app shows the screen whose name starts with `name`. */
export async function expectScreen(page, name, timeout = 15000) {
  await page.waitForFunction(
    (name) => (document.querySelector('[data-screen]')?.dataset.screen ?? '').startsWith(name),
    name,
    { timeout },
  );
}

/** Waits until the element's text matches `pattern`. */
export async function waitForText(page, selector, pattern, timeout = 45000) {
  await page.waitForFunction(
    ([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.textContent ?? ''),
    [selector, pattern.source],
    { timeout },
  );
}
