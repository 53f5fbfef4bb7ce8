// Browser test of the public pages (/open): Debian's chromium (headless) driven by
// playwright-core, against the real ourvoice-server and the ourvoice-cli device simulator.
//
// The simulator sends feedback on the 20th of November 2026 of the server's clock (a file);
// the server is started again on the 21st and makes that day's scorecards; then the country's
// page, two provinces' (Phnom Penh, and Kandal, the province with the most offices), an office
// with figures and one with too little feedback are opened in Khmer and English: each shot
// (full page) into test-output/public/<engine>/ with its HTML, checked with axe-core (its language set,
// nothing serious or critical), for nothing wider than the phone, for links of at least 44 px
// in its header and where-you-are line, for its style sheet applied under its content security policy and no script, no
// request elsewhere; each is printed to PDF (A4, as the page asks) and must be one page; the
// language link leads to the same page in the other language.
//
// Environment: OURVOICE_SERVER_BIN and OURVOICE_CLI_BIN (the binaries), OURVOICE_BROWSER_DB
// (a database URL; a temporary SQLite file by default), CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const engine = (process.env.OURVOICE_BROWSER_DB || 'sqlite').split(':')[0];
const shots = join(repo, 'test-output', 'public', engine);
mkdirSync(shots, { recursive: true });
const serverBin = process.env.OURVOICE_SERVER_BIN;
const cliBin = process.env.OURVOICE_CLI_BIN;
assert.ok(serverBin && cliBin, 'set OURVOICE_SERVER_BIN and OURVOICE_CLI_BIN');
const work = mkdtempSync(join(tmpdir(), 'ourvoice-public-'));
const database = process.env.OURVOICE_BROWSER_DB || `sqlite://${join(work, 'ov.db')}`;
const device = join(work, 'device');
const clock = join(work, 'clock');
const TEXT = 'ផ្លូវចូលភូមិខូចខាតខ្លាំង PUBLIC-TEXT-MARKER';

function cli(...args) {
  return execFileSync(cliBin, ['--data', device, ...args], { encoding: 'utf8' });
}

function startServer() {
  const child = spawn(serverBin, [
    '--listen', '127.0.0.1:0', '--database', database, '--clock-file', clock,
    '--scorecards-check-seconds', '1', '--rate-limit-per-second', '0',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (\S+)/.exec(seen);
      if (match) ok({ child, url: `http://${match[1]}` });
    });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
}

function stopServer(child) {
  return new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

const steps = [];
async function step(name, work) {
  process.stdout.write(`browser (public, ${engine}): ${name} ... `);
  await work();
  steps.push(name);
  console.log('ok');
}

/** The number of pages of a PDF (its page objects). */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

/** The links of the header and the where-you-are line smaller than `least` px either way. */
async function smallTargets(page, least) {
  return page.evaluate((least) => {
    const found = [];
    for (const element of document.querySelectorAll('header a, nav a')) {
      const box = element.getBoundingClientRect();
      if (box.height < least || box.width < least) {
        found.push(`${element.textContent.trim()} ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return found;
  }, least);
}

/** What axe-core finds on each page, by file: written to `accessibility.json`. */
const axeFindings = {};
/** The number of pages each page prints on. */
const printed = {};

// Feedback on the 20th of November 2026 (10:00 in Cambodia).
writeFileSync(clock, '2026-11-20T03:00:00Z');
let { child: server, url } = await startServer();
const userData = mkdtempSync(join(tmpdir(), 'ourvoice-chromium-'));
let context;
try {
  await step('the simulator sends feedback to two halls of Phnom Penh and one of Kandal', async () => {
    cli('generate', '--count', '12', '--place', '120101');
    for (const rating of ['4', '5', '3', '4', '5']) {
      cli('submit', '--kind', 'evaluation', '--place', '120101', '--rating', rating);
    }
    cli('submit', '--kind', 'complaint', '--place', '120101', '--text', TEXT);
    cli('generate', '--count', '3', '--place', '120109');
    cli('generate', '--count', '6', '--place', '080101');
    const sync = JSON.parse(cli('sync', '--server', url, '--json'));
    assert.equal(sync.accepted, 27, JSON.stringify(sync));
    assert.equal(sync.waiting, 0, JSON.stringify(sync));
  });

  await step('on the next day the server makes the figures of the 20th', async () => {
    await stopServer(server);
    writeFileSync(clock, '2026-11-21T03:00:00Z');
    ({ child: server, url } = await startServer());
    for (let i = 0; ; i++) {
      const answer = await fetch(`${url}/open?lang=en`);
      if (answer.status === 200 && (await answer.text()).includes('Figures up to 20 November 2026')) break;
      assert.ok(i < 1800, 'the figures of the 20th within three minutes');
      await new Promise((done) => setTimeout(done, 100));
    }
  });

  context = await chromium.launchPersistentContext(userData, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
    viewport: { width: 390, height: 844 }, // a phone
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => problems.push(`console: ${message.text()}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(url)) problems.push(`a request elsewhere: ${request.url()}`);
  });

  const pages = [
    ['1-country', '/open'],
    ['2-province-phnom-penh', '/open/provinces/12'],
    ['3-office', '/open/offices/CH-120101'],
    ['4-office-too-little', '/open/offices/CH-120109'],
    ['5-province-kandal', '/open/provinces/08'],
  ];
  for (const lang of ['km', 'en']) {
    for (const [name, path] of pages) {
      await step(`${name} in ${lang === 'km' ? 'Khmer' : 'English'}: shot, checked, printed`, async () => {
        const file = `${name}-${lang}`;
        const address = `${url}${path}${lang === 'en' ? '?lang=en' : ''}`;
        const answer = await page.goto(address);
        assert.equal(answer.status(), 200, address);
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        // The style sheet applies (its hash is in the policy), and there is no script.
        const header = await page.evaluate(() => getComputedStyle(document.querySelector('header')).backgroundColor);
        assert.equal(header, 'rgb(11, 61, 107)', `${file}: the style sheet applies`);
        assert.equal(await page.evaluate(() => document.scripts.length), 0);
        // Nothing runs off a phone's screen.
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(wide <= 0, `${file}: ${wide} px wider than the phone`);
        const text = await page.textContent('body');
        assert.ok(!text.includes('PUBLIC-TEXT-MARKER'), `${file}: a citizen's text`);
        await page.screenshot({ path: join(shots, `${file}.png`), fullPage: true });
        writeFileSync(join(shots, `${file}.html`), await page.content());
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        axeFindings[file] = serious.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
        writeFileSync(join(shots, 'accessibility.json'), JSON.stringify(axeFindings, null, 2));
        assert.deepEqual(axeFindings[file], [], `${file}: serious or critical accessibility findings`);
        assert.deepEqual(await smallTargets(page, 44), [], `${file}: links smaller than 44 px`);
        // Printed as the page asks (A4), on one sheet.
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        writeFileSync(join(shots, `${file}.pdf`), pdf);
        printed[file] = pdfPages(pdf);
        writeFileSync(join(shots, 'printed.json'), JSON.stringify(printed, null, 2));
        assert.equal(printed[file], 1, `${file}: prints on one A4 page`);
      });
    }
  }

  await step('the language link leads to the same page in the other language', async () => {
    await page.goto(`${url}/open/offices/CH-120101`);
    await Promise.all([page.waitForNavigation(), page.click('header a[hreflang=en]')]);
    assert.ok(page.url().endsWith('/open/offices/CH-120101?lang=en'), page.url());
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await Promise.all([page.waitForNavigation(), page.click('nav a[href="/open/provinces/12?lang=en"]')]);
    assert.equal(await page.textContent('h1'), 'How offices answer in Phnom Penh');
    await Promise.all([page.waitForNavigation(), page.click('header a[hreflang=km]')]);
    assert.ok(page.url().endsWith('/open/provinces/12'), page.url());
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'km');
  });

  assert.deepEqual(problems, []);
  console.log(`browser (public, ${engine}): ${steps.length} steps passed; screenshots and prints in ${shots}`);
} finally {
  if (context) await context.close();
  server.kill('SIGTERM');
  rmSync(userData, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
