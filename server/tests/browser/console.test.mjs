// Browser tests of the officials' console: Debian's chromium (headless) driven by
// playwright-core, against the real ourvoice-server and the ourvoice-cli device simulator.
//
// An administrator signs in with a second factor (enrolled from the QR page on the first
// sign-in; codes computed here with node's HMAC-SHA1) and creates accounts, each of which gets a
// one-time link where its official sets the password; the simulator submits a complaint carrying
// an XSS payload and syncs; an officer signs in, sees the inbox most urgent first (each line
// with the start of the citizen's text and the working days left), sees the payload as text,
// answers in Khmer from the case's one action area and is told it was sent; the simulator's
// next sync shows the answer; the officer transfers another item through the office picker;
// an analyst sees the dashboard's sections and SVG charts and downloads a CSV with a BOM and
// correct Khmer. Screenshots go to test-output/console/; every
// page shot is also checked with axe-core (its language set, nothing serious or critical).
//
// Environment: OURVOICE_SERVER_BIN and OURVOICE_CLI_BIN (the binaries), OURVOICE_BROWSER_DB
// (a database URL; a temporary SQLite file by default), CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const engine = (process.env.OURVOICE_BROWSER_DB || 'sqlite').split(':')[0];
const shots = join(repo, 'test-output', 'console', engine);
mkdirSync(shots, { recursive: true });
const serverBin = process.env.OURVOICE_SERVER_BIN;
const cliBin = process.env.OURVOICE_CLI_BIN;
assert.ok(serverBin && cliBin, 'set OURVOICE_SERVER_BIN and OURVOICE_CLI_BIN');
const work = mkdtempSync(join(tmpdir(), 'ourvoice-browser-'));
const database = process.env.OURVOICE_BROWSER_DB || `sqlite://${join(work, 'ov.db')}`;
const device = join(work, 'device');
const ADMIN_PASSWORD = 'browser admin password';
const PASSWORD = 'browser officer password';
const XSS = `<script>window.__xss = 1; alert('xss')</script><img src=x onerror="window.__xss = 2">`;
const COMPLAINT = `${XSS} ផ្លូវចូលភូមិខូចខាតខ្លាំង ហើយពេលភ្លៀងធ្លាក់ទឹកលិចអស់។`;
const ANSWER = 'យើងបានបញ្ជូនក្រុមការងារទៅជួសជុលផ្លូវនៅសប្តាហ៍នេះ។ សូមអរគុណ។';

/** What axe-core finds on each page shot, by file: written to `accessibility.json`. */
const axeFindings = {};

/**
 * A full-page screenshot, and the page checked with axe-core: `<html lang>` is set, and
 * nothing serious or critical is found (the findings are kept in `accessibility.json`).
 */
async function shoot(page, file) {
  await page.screenshot({ path: join(shots, file), fullPage: true });
  const lang = await page.evaluate(() => document.documentElement.lang);
  assert.ok(['km', 'en'].includes(lang), `${file}: <html lang> is "${lang}"`);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeFindings[file] = serious.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  writeFileSync(join(shots, 'accessibility.json'), JSON.stringify(axeFindings, null, 2));
  assert.deepEqual(axeFindings[file], [], `${file}: serious or critical accessibility findings`);
  const small = await smallTargets(page, 44);
  assert.deepEqual(small, [], `${file}: controls smaller than 44 px`);
}

/**
 * The controls smaller than `least` px either way: buttons, fields, selects and the links
 * that act (navigation and the pager; links inside running text are exempt, as WCAG allows);
 * a check box counts by its label, which takes the click too.
 */
async function smallTargets(page, least) {
  return page.evaluate((least) => {
    const found = [];
    for (const element of document.querySelectorAll('button, input:not([type=hidden]), select, textarea, header a, nav a, .pager a')) {
      const target = element.matches('input[type=checkbox], input[type=radio]') ? element.closest('label') || element : element;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.height < least || box.width < least) {
        found.push(`${element.tagName.toLowerCase()}#${element.id || ''}[${element.getAttribute('name') || ''}] ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return [...new Set(found)];
  }, least);
}

function cli(...args) {
  return execFileSync(cliBin, ['--data', device, ...args], { encoding: 'utf8' });
}

function startServer() {
  execFileSync(serverBin, ['--database', database, 'create-admin', '--username', 'admin'], {
    env: { ...process.env, OURVOICE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const child = spawn(serverBin, [
    '--listen', '127.0.0.1:0', '--database', database, '--cookie-secure', 'false',
    // Photos and voice notes in a folder of the test's (PostgreSQL has no folder of its own).
    '--attachments-dir', join(work, 'attachments'),
    '--rate-limit-per-second', '0',
    // The dashboard is looked at right after the feedback it counts arrives.
    '--dashboard-max-age-seconds', '0',
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

const steps = [];
async function step(name, work) {
  process.stdout.write(`browser (${engine}): ${name} ... `);
  await work();
  steps.push(name);
  console.log('ok');
}

const { child: server, url } = await startServer();
const userData = mkdtempSync(join(tmpdir(), 'ourvoice-chromium-'));
const context = await chromium.launchPersistentContext(userData, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
  viewport: { width: 1024, height: 1366 }, // a tablet, upright
  acceptDownloads: true,
});
const page = context.pages()[0] || await context.newPage();
const dialogs = [];
page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
const failures = [];
page.on('pageerror', (error) => failures.push(String(error)));

// RFC 6238 with SHA-1, 6 digits, 30-second steps, from a base32 secret (RFC 4648, no padding).
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/\s/g, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hash = createHmac('sha1', key).update(counter).digest();
  const offset = hash[19] & 0x0f;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// Each account's secret and last step used: a step is never used twice.
const secrets = new Map();
async function nextCode(username) {
  const entry = secrets.get(username);
  for (;;) {
    const current = Math.floor(Date.now() / 30000);
    const step = entry.last === undefined ? current : Math.max(entry.last + 1, current - 1);
    if (step <= current + 1) {
      entry.last = step;
      return totp(entry.secret, step);
    }
    await new Promise((done) => setTimeout(done, 1000));
  }
}

async function submit(selector = 'form.card button[type=submit]') {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function login(username, password, shot) {
  await page.goto(`${url}/console/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await submit('button[type=submit]');
  if (page.url().endsWith('/console/2fa')) {
    // The first sign-in of an account that needs a second factor: enrol it.
    assert.equal(await page.locator('#qr svg').count(), 1, 'the QR code is inline SVG');
    const secret = (await page.textContent('#totp-secret')).replace(/\s/g, '');
    secrets.set(username, { secret });
    if (shot) await shoot(page, `${shot}-2fa-enrol-km.png`);
    await page.fill('#code', await nextCode(username));
    await submit();
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    if (shot) await shoot(page, `${shot}-2fa-recovery-codes-km.png`);
    await Promise.all([page.waitForNavigation(), page.click('#recovery-codes a')]);
  } else if (page.url().endsWith('/console/login/code')) {
    if (shot) await shoot(page, `${shot}-2fa-code-km.png`);
    await page.fill('#code', await nextCode(username));
    await submit();
  }
  assert.ok(!/\/console\/(login|2fa)/.test(page.url()), `${username} signed in: ${page.url()}`);
}

async function logout() {
  await Promise.all([page.waitForNavigation(), page.click('header button')]);
  assert.ok(page.url().endsWith('/console/login'));
}

let tracking;
let withPhoto;
try {
  await step('the simulator submits a complaint and syncs', async () => {
    const out = cli('submit', '--kind', 'complaint', '--place', '120101', '--text', COMPLAINT);
    tracking = out.split(' ')[0];
    cli('generate', '--count', '12', '--place', '120101');
    // A complaint with a photo a camera took (drawn here, as a JPEG) and a recorded voice note.
    const drawn = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 1200; canvas.height = 900;
      const g = canvas.getContext('2d');
      for (let i = 0; i < 200; i++) {
        g.fillStyle = `hsl(${(i * 47) % 360} 60% 50%)`;
        g.fillRect((i * 89) % 1200, (i * 53) % 900, 120, 80);
      }
      return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
    });
    const photo = join(work, 'road.jpg');
    writeFileSync(photo, Buffer.from(drawn, 'base64'));
    const voice = join(repo, 'crates', 'media', 'tests', 'fixtures', 'speech.webm');
    withPhoto = cli('submit', '--kind', 'complaint', '--place', '120101', '--text', 'ផ្លូវខូច មើលរូបថត',
      '--photo', photo, '--voice', voice).split(' ')[0];
    const report = cli('sync', '--server', url);
    assert.match(report, /14 accepted/);
  });

  await step('an administrator enrols a second factor and creates accounts with enrolment links', async () => {
    await login('admin', ADMIN_PASSWORD, '00');
    const links = [];
    for (const [username, role, office] of [
      ['officer.a', 'officer', 'CH-120101'],
      ['analyst', 'analyst', ''],
    ]) {
      await page.goto(`${url}/console/accounts`);
      if (office) {
        // The office picker: the province first (a GET form), then the office from its list.
        await page.selectOption('#account-province', '12');
        await Promise.all([page.waitForNavigation(), page.click('form.picker button')]);
        assert.ok(page.url().includes('province=12'), page.url());
        if (links.length === 0) await shoot(page, '01-account-office-picker-km.png');
      }
      await page.fill('#username', username);
      await page.fill('#display_name', `សុខ ${username}`);
      await page.selectOption('#role', role);
      await page.selectOption('#office', office);
      await submit('#new-account button[type=submit]');
      const link = (await page.textContent('#enrolment-link code')).trim();
      assert.match(link, /\/console\/enrol\/[0-9a-f]{64}$/);
      if (links.length === 0) await shoot(page, '01-enrolment-link-km.png');
      links.push(link);
    }
    await page.goto(`${url}/console/accounts`);
    const text = await page.textContent('main');
    assert.ok(text.includes('officer.a') && text.includes('analyst'));
    await shoot(page, '01-accounts-km.png');
    await logout();
    // Each official opens their link and sets their own password; the link then works no more.
    for (const [n, link] of links.entries()) {
      await page.goto(link);
      await page.fill('#password', PASSWORD);
      await page.fill('#confirm', PASSWORD);
      if (n === 0) await shoot(page, '01-enrol-password-km.png');
      await submit();
      assert.ok(page.url().endsWith('/console/login'), page.url());
      const again = await page.goto(link);
      assert.equal(again.status(), 404);
    }
    // The administrator's second sign-in asks for the code.
    await login('admin', ADMIN_PASSWORD, '01');
    await logout();
  });

  await step('an officer sees the inbox and the XSS payload as text', async () => {
    await login('officer.a', PASSWORD);
    assert.ok(page.url().endsWith('/console/inbox'));
    // Each line: the start of the citizen's text and the working days left, in Khmer digits.
    const first = await page.textContent('#inbox tbody tr');
    assert.match(first, /នៅសល់ [០-៩]+ ថ្ងៃធ្វើការ/, first);
    // The complaint starts with the payload: its start is shown, as text, cut with "…".
    const lines = await page.textContent('#inbox');
    assert.ok(lines.includes("<script>window.__xss = 1; alert('xss')</script>") && lines.includes('…'), lines);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    await shoot(page, '02-inbox-km.png');
    await Promise.all([page.waitForNavigation(), page.click(`text=${tracking}`)]);
    const description = await page.textContent('#description');
    assert.ok(description.includes(XSS), 'the payload is shown as typed');
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    assert.equal(await page.locator('main img').count(), 0, 'no injected element');
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('#actions h2').count(), 1, 'one headed area of actions');
    assert.equal(await page.locator('#actions form').count() >= 3, true);
    await shoot(page, '03-item-xss-as-text.png');
  });

  await step('the officer sees the photo and can play the voice note of another complaint', async () => {
    await page.goto(`${url}/console/inbox`);
    await Promise.all([page.waitForNavigation(), page.click(`text=${withPhoto}`)]);
    await page.waitForSelector('#attachments img');
    const width = await page.evaluate(async () => {
      const img = document.querySelector('#attachments img');
      await img.decode();
      return img.naturalWidth;
    });
    assert.ok(width > 0 && width <= 320, `a thumbnail ${width} px wide`);
    assert.equal(await page.locator('#attachments audio').count(), 1);
    const full = await page.request.get(new URL(await page.getAttribute('#attachments a[href*="/attachments/"]', 'href'), url).href);
    assert.equal(full.status(), 200);
    assert.equal(full.headers()['content-type'], 'image/jpeg');
    assert.equal(full.headers()['x-content-type-options'], 'nosniff');
    await shoot(page, '03-item-photo-and-voice-km.png');
    await page.goto(`${url}/console/inbox`);
    await Promise.all([page.waitForNavigation(), page.click(`text=${tracking}`)]);
  });

  await step('the officer answers in Khmer', async () => {
    await page.fill('#text', ANSWER);
    await page.selectOption('#reply-kind', 'answer');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/reply"] button')]);
    const history = await page.textContent('main');
    assert.ok(history.includes(ANSWER));
    // After the POST, a redirect to the item, which says the answer was sent.
    assert.ok(page.url().includes('done=answer'), page.url());
    assert.equal(await page.textContent('[role=status]'), 'ចម្លើយរបស់អ្នកត្រូវបានផ្ញើទៅពលរដ្ឋហើយ។');
    await shoot(page, '04-item-answered.png');
  });

  await step("the simulator's next sync shows the answer", async () => {
    cli('sync', '--server', url);
    const items = JSON.parse(cli('list', '--json'));
    const item = items.find((i) => i.tracking_code === tracking);
    assert.ok(item, 'the item is on the device');
    assert.ok(item.replies.some((r) => r.kind === 'answer' && r.text === ANSWER), JSON.stringify(item.replies));
  });

  await step('the citizen rates the answer 2 of 5, which reopens it for the office', async () => {
    assert.match(cli('rate', '--code', tracking, '--rating', '2', '--server', url), /in_progress/);
    await page.goto(`${url}/console/inbox`);
    assert.ok((await page.textContent('main')).includes('ត្រូវការយកចិត្តទុកដាក់'), 'flagged in the inbox');
    await shoot(page, '05-inbox-reopened.png');
  });

  await step('the officer transfers an item through the office picker', async () => {
    const second = page.locator('#inbox tbody tr a[href^="/console/items/"]').nth(1);
    await Promise.all([page.waitForNavigation(), second.click()]);
    const item = new URL(page.url()).pathname;
    // Offices of the item's province, by district; the office's own not among them.
    const offered = await page.$$eval('#office option', (options) => options.map((o) => o.value));
    assert.ok(offered.includes('OWSO-1201') && !offered.includes('CH-120101'), offered.join(' '));
    assert.ok(await page.locator('#office optgroup').count() > 5, 'grouped by district');
    await page.selectOption('#office', 'OWSO-1201');
    await page.fill('#reason', 'សេវានេះជារបស់ការិយាល័យច្រកចេញចូលតែមួយ');
    await page.locator('#transfer-area').scrollIntoViewIfNeeded();
    await shoot(page, '05-item-transfer-picker-km.png');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/transfer"] button')]);
    // The item went outside the office's scope: the inbox confirms where.
    assert.ok(page.url().includes('/console/inbox?done=transfer'), page.url());
    const told = await page.textContent('[role=status]');
    assert.ok(told.includes('ត្រូវបានផ្ទេរទៅ') && told.includes('ការិយាល័យច្រកចេញចូលតែមួយ'), told);
    await shoot(page, '05-inbox-transferred-km.png');
    assert.equal((await page.goto(`${url}${item}`)).status(), 404, 'no longer this office\'s');
  });

  await step('the console in English', async () => {
    await page.goto(`${url}/console/lang/en`);
    await page.goto(`${url}/console/inbox`);
    assert.match(await page.textContent('#inbox'), /working days? left/);
    await shoot(page, '06-inbox-en.png');
    const item = await page.locator('#inbox tbody tr a').first().getAttribute('href');
    await page.goto(`${url}${item}?done=answer`);
    assert.equal(await page.textContent('[role=status]'), 'Your answer was sent to the citizen.');
    await shoot(page, '06-item-en.png');
    await page.goto(`${url}/console/inbox?state=answered`);
    assert.ok((await page.textContent('main')).includes('Answered'));
    await page.goto(`${url}/console/lang/km`);
    await logout();
  });

  await step('the dashboard renders its charts', async () => {
    await login('analyst', PASSWORD);
    assert.ok(page.url().endsWith('/console/dashboard'));
    const charts = await page.locator('svg[data-chart]').count();
    assert.ok(charts >= 10, `${charts} charts`);
    const bar = await page.locator('svg[data-chart="kind"] rect').first().boundingBox();
    assert.ok(bar && bar.width > 50, 'the complaints bar is drawn');
    assert.ok(!(await page.textContent('main')).includes('ផ្លូវចូលភូមិ'), 'no free text for analysts');
    // Headed sections, each explained in a sentence; no "<5" where a cell is days.
    assert.deepEqual(
      await page.$$eval('section.group', (sections) => sections.map((s) => s.id)),
      ['section-volume', 'section-speed', 'section-people', 'section-ratings'],
    );
    assert.equal(await page.locator('section.group > p.help').count(), 4);
    for (const days of ['first_answer', 'close']) {
      const cells = await page.textContent(`#table-${days} table`);
      assert.ok(!cells.includes('<5') && !cells.includes('<៥'), `${days}: ${cells}`);
    }
    await shoot(page, '07-dashboard-km.png');
    await page.goto(`${url}/console/lang/en`);
    await page.goto(`${url}/console/dashboard`);
    assert.ok((await page.textContent('main')).includes('How fast offices answer'));
    await shoot(page, '07-dashboard-en.png');
    await page.goto(`${url}/console/lang/km`);
    await page.goto(`${url}/console/dashboard`);
  });

  await step('the CSV export downloads with correct Khmer', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#table-kind a[href*="dashboard.csv"]'),
    ]);
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = bytes.subarray(3).toString('utf8');
    assert.ok(text.includes('"បណ្តឹង","<5"') || text.includes('"បណ្តឹង"'), text);
    // The last column names the hidden values (none in a table of counts).
    assert.match(text, /"បណ្តឹង",.*"14",""\r\n/, text);
    assert.ok(text.includes('ស្ត្រី'), 'Khmer column names');
  });
  await step('an administrator switches a commune hall off and its feedback goes to the OWSO', async () => {
    await logout();
    await login('admin', ADMIN_PASSWORD);
    await page.goto(`${url}/console/offices`);
    await page.fill('#q', 'ចំការមន');
    await page.selectOption('#type', 'commune_hall');
    await Promise.all([page.waitForNavigation(), page.click('form.card button[type=submit]')]);
    const found = await page.locator('#offices tbody tr').count();
    assert.ok(found >= 1, `${found} commune halls found by their Khmer district name`);
    await shoot(page, '08-offices-km.png');
    await page.goto(`${url}/console/offices/CH-120110`);
    await page.uncheck('#receiving');
    await page.fill('#phone', '023 880 123');
    await page.fill('#hours', 'ច័ន្ទ–សុក្រ ៧:៣០–១៧:០០');
    await Promise.all([page.waitForNavigation(), page.click('form.card button[type=submit]')]);
    const facts = await page.textContent('#office-facts');
    assert.ok(facts.includes('023 880 123') && facts.includes('មតិយោបល់ថ្មីទៅ'), facts);
    await shoot(page, '09-office-off-km.png');
    const out = cli('submit', '--kind', 'complaint', '--place', '120110', '--text', 'ផ្លូវខូច');
    const code = out.split(' ')[0];
    cli('sync', '--server', url);
    const item = JSON.parse(cli('list', '--json')).find((i) => i.tracking_code === code);
    assert.equal(item.office, 'OWSO-1201', JSON.stringify(item));
  });
  await step('the administrator enters a public holiday beside the deadlines', async () => {
    await page.goto(`${url}/console/deadlines`);
    await page.fill('#holiday-day', '2026-12-10');
    await page.fill('#holiday-name', 'ទិវាសិទ្ធិមនុស្សអន្តរជាតិ');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/holidays"] button')]);
    const list = await page.textContent('#holiday-list');
    assert.ok(list.includes('2026-12-10') && list.includes('ទិវាសិទ្ធិមនុស្សអន្តរជាតិ'), list);
    await shoot(page, '10-deadlines-holidays-km.png');
  });
  assert.deepEqual(failures, []);
  console.log(`browser (${engine}): ${steps.length} steps passed; screenshots in ${shots}`);
} finally {
  await context.close();
  server.kill('SIGTERM');
  rmSync(userData, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
