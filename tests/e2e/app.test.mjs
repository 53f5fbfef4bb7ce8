// End-to-end tests of the citizen app: the real root component with the real outbox (a
// temporary SQLite file) and sync engine, served by the liveview harness, driven in Debian's
// Chromium at a 390×844 phone viewport, against the real server on loopback.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startApp, createAdmin, launchBrowser, phonePage, shot, screen, expectScreen, waitForText, tempDir, unfit, textSize, simulator } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

const texts = {
  km: { waiting: 'កំពុងរង់ចាំផ្ញើ', sentPrefix: 'បានផ្ញើ។', search: 'ចំការមន', description: 'ខ្ញុំត្រូវគេសុំប្រាក់បន្ថែមពីតម្លៃដែលបានបិទផ្សាយ ហើយរង់ចាំយូរណាស់។', allSent: 'បានផ្ញើទាំងអស់' },
  en: { waiting: 'Waiting to send', sentPrefix: 'Sent.', search: 'chamkar mon', description: 'I was asked to pay more than the posted fee and waited a very long time.', allSent: 'All sent' },
};

/** The TOTP code (RFC 6238: HMAC-SHA-1, 6 digits, 30 s) of a base32 secret now. */
function totpNow(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const hash = createHmac('sha1', key).update(counter).digest();
  const offset = hash[19] & 0x0f;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** Signs `username` in to the console in `office` (a page), enrolling an administrator's
 * second factor at its first sign-in. */
async function signIn(office, base, username, password) {
  await office.context().clearCookies();
  await office.goto(`${base}/console/login`);
  await office.fill('#username', username);
  await office.fill('#password', password);
  await Promise.all([office.waitForNavigation(), office.click('button[type=submit]')]);
  if (office.url().endsWith('/console/2fa')) {
    // An administrator's first sign-in enrols the second factor (a code from its secret).
    const secret = (await office.textContent('#totp-secret')).replace(/\s/g, '');
    await office.fill('#code', totpNow(secret));
    await Promise.all([office.waitForNavigation(), office.click('form.card button[type=submit]')]);
    await Promise.all([office.waitForNavigation(), office.click('#recovery-codes a')]);
  }
  assert.ok(!/\/console\/(login|2fa)/.test(office.url()), `${username} signed in`);
}

/**
 * The administrator makes an officer of OWSO-1201 (the office the tests' complaints go to) and,
 * when given, sets the office's telephone and hours; the officer sets their password with the
 * one-time link and signs in. `office` is then the officer's console.
 */
async function officerOf(office, base, { adminPassword, officerPassword, phone, hours }) {
  await signIn(office, base, 'admin', adminPassword);
  // The office is picked: Phnom Penh first (a small form), then the OWSO from its list.
  await office.goto(`${base}/console/accounts?province=12`);
  await office.fill('#username', 'officer');
  await office.fill('#display_name', 'Officer');
  await office.selectOption('#role', 'officer');
  await office.selectOption('#office', 'OWSO-1201');
  await Promise.all([office.waitForNavigation(), office.click('#new-account button[type=submit]')]);
  const link = (await office.textContent('#enrolment-link code')).trim();
  if (phone || hours) {
    await office.goto(`${base}/console/offices/OWSO-1201`);
    await office.fill('#phone', phone ?? '');
    await office.fill('#hours', hours ?? '');
    await Promise.all([office.waitForNavigation(), office.click('form[action$="/offices/OWSO-1201"] button[type=submit]')]);
  }
  await office.context().clearCookies();
  await office.goto(link);
  await office.fill('#password', officerPassword);
  await office.fill('#confirm', officerPassword);
  await Promise.all([office.waitForNavigation(), office.click('form.card button[type=submit]')]);
  await signIn(office, base, 'officer', officerPassword);
}

/** First run: language, privacy, then home. */
async function firstRun(page, lang, name) {
  await expectScreen(page, 'Welcome');
  if (name) await shot(page, `${name}-welcome`);
  await page.click(`#choose-${lang}`);
  await expectScreen(page, 'Privacy');
  if (name) await shot(page, `${name}-privacy`);
  await page.click('#privacy-accept');
  await expectScreen(page, 'Home');
}

/** Fills in and sends one submission of `kind`; returns its tracking code. */
async function submit(page, lang, kind, name) {
  const t = texts[lang];
  await page.click(`#start-${kind}`);
  await expectScreen(page, 'Place');
  await page.fill('#place-search', t.search);
  await page.waitForSelector('#place-results [data-code="OWSO-1201"]');
  if (name) await shot(page, `${name}-place`);
  await page.click('#place-results [data-code="OWSO-1201"]');
  await expectScreen(page, 'Form');
  await page.click('#category-business_licence');
  if (kind === 'evaluation') {
    await page.click('#rating-overall [data-stars="4"]');
    await page.click('#rating-speed [data-stars="2"]');
    await page.click('#rating-staff_attitude [data-stars="5"]');
  } else {
    await page.fill('#description', t.description);
    await waitForText(page, '#description-count', lang === 'km' ? /[១-៩][០-៩]* \/ ៤០០០/ : /[1-9]\d* \/ 4000/);
  }
  if (kind === 'complaint') await page.click('#extra-yes');
  // "About you" is optional, folded away until opened (open when answers from the last time
  // are kept).
  if (!(await page.isVisible('#gender-female'))) await page.click('#fold-about summary');
  if ((await page.getAttribute('#gender-female', 'aria-pressed')) !== 'true') await page.click('#gender-female');
  if (name) await shot(page, `${name}-form`);
  await page.click('#form-continue');
  await expectScreen(page, 'Review');
  if (name) await shot(page, `${name}-review`);
  await page.click('#review-send');
  await expectScreen(page, 'Confirmation');
  await page.waitForSelector('#tracking-code');
  const code = (await page.textContent('#tracking-code')).trim();
  assert.match(code, /^OV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  return code;
}

for (const lang of ['km', 'en']) {
  test(`each of the four kinds goes end to end in ${lang}`, async () => {
    const folder = tempDir(`kinds-${lang}`);
    const server = await startServer(folder);
    const app = await startApp(folder, server.url);
    try {
      const page = await phonePage(browser, app.url);
      await firstRun(page, lang, lang);
      await shot(page, `${lang}-home`);
      const codes = [];
      for (const kind of ['complaint', 'support', 'information', 'evaluation']) {
        const code = await submit(page, lang, kind, kind === 'complaint' ? `${lang}-complaint` : kind === 'evaluation' ? `${lang}-evaluation` : null);
        // Sent for real: the server's number arrives without the citizen doing anything.
        await waitForText(page, '#confirm-state', new RegExp('^' + texts[lang].sentPrefix.replace('.', '\\.')));
        assert.equal(await page.locator('#confirmation [data-icon="check"]').count(), 1);
        if (kind === 'complaint') {
          await shot(page, `${lang}-confirmation`);
          // The code can be copied and shared whole, exactly as shown.
          await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
          await page.click('#copy-code');
          await waitForText(page, '#code-outcome', lang === 'km' ? /បានចម្លងហើយ/ : /^Copied\./);
          assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
          // Where the phone has a share sheet, the code goes to it in a sentence.
          await page.evaluate(() => { navigator.share = async ({ text }) => { window.sharedText = text; }; });
          await page.click('#share-code');
          await waitForText(page, '#code-outcome', lang === 'km' ? /បានចែករំលែកហើយ/ : /^Shared\./);
          const shared = await page.evaluate(() => window.sharedText);
          assert.ok(shared.endsWith(code) && shared.length > code.length, shared);
          // Read aloud symbol by symbol, in groups.
          assert.match(await page.textContent('#confirmation .sr-only'), /^O V, [2-9A-Z] [2-9A-Z] [2-9A-Z] [2-9A-Z], /);
        }
        codes.push(code);
        await page.click('#confirm-home');
      }
      await waitForText(page, '#sync-line', new RegExp(texts[lang].allSent));
      await page.click('#open-feedback');
      for (const code of codes) await page.waitForSelector(`[data-code="${code}"]`);
      await shot(page, `${lang}-feedback`);
      await page.click(`[data-code="${codes[0]}"]`);
      await expectScreen(page, 'Detail');
      assert.equal((await page.textContent('#detail-code')).trim(), codes[0]);
      assert.match(await page.textContent('#detail-description'), /.+/);
      await shot(page, `${lang}-detail`);
      await page.click('#back');
      await page.click('#back');
      await page.click('#open-settings');
      for (let i = 0; i < 5; i++) await page.click('#version');
      await page.waitForSelector('#testers');
      await shot(page, `${lang}-settings`);
      await page.close();
    } finally {
      await app.stop();
      await server.stop();
    }
  });
}

for (const lang of ['km', 'en']) {
  test(`with text at 200 % on a 360 px phone nothing is cut off or overlaps, in ${lang}`, async () => {
    const folder = tempDir(`large-${lang}`);
    const server = await startServer(folder);
    const app = await startApp(folder, server.url);
    try {
      const page = await phonePage(browser, app.url, 360);
      await textSize(page, 200);
      // What does not fit, by screen: every screen is looked at before the test says so.
      const problems = {};
      const check = async (name) => {
        await page.evaluate(() => window.scrollTo(0, 0));
        const found = await unfit(page);
        if (found.length) problems[name] = found;
        await shot(page, `${lang}-200-${name}`);
      };
      await expectScreen(page, 'Welcome');
      await check('welcome');
      await page.click(`#choose-${lang}`);
      await expectScreen(page, 'Privacy');
      await check('privacy');
      await page.click('#privacy-accept');
      await expectScreen(page, 'Home');
      await check('home');
      const code = await submit(page, lang, 'complaint');
      await waitForText(page, '#confirm-state', new RegExp('^' + texts[lang].sentPrefix.replace('.', '\\.')));
      await check('confirmation');
      await page.click('#confirm-feedback');
      await expectScreen(page, 'Feedback');
      await page.waitForSelector(`[data-code="${code}"]`);
      await check('feedback');
      await page.click(`[data-code="${code}"]`);
      await expectScreen(page, 'Detail');
      await page.waitForSelector('#answer-deadline');
      await check('detail');
      await page.click('#back');
      await page.click('#back');
      await page.click('#open-settings');
      await expectScreen(page, 'Settings');
      await check('settings');
      // The place, form and review screens, on the way to a second item.
      await page.click('#back');
      await page.click('#start-complaint');
      await expectScreen(page, 'Place');
      await page.fill('#place-search', texts[lang].search);
      await page.waitForSelector('#place-results [data-code="OWSO-1201"]');
      await check('place');
      await page.click('#place-results [data-code="OWSO-1201"]');
      await expectScreen(page, 'Form');
      await check('form');
      await page.click('#category-business_licence');
      await page.fill('#description', texts[lang].description);
      await page.click('#form-continue');
      await expectScreen(page, 'Review');
      await check('review');
      assert.deepEqual(problems, {}, `${lang}: what does not fit at 200 %`);
      await page.close();
    } finally {
      await app.stop();
      await server.stop();
    }
  });
}

const placeTexts = {
  km: { recentQuery: 'បា', longQuery: 'ដំណាក់កន្ទួត', commune: 'ឃុំបាយដំរាំ', province: 'ខេត្តបាត់ដំបង', district: 'ស្រុកបាណន់', hall: 'សាលាឃុំ', more: 'បង្ហាញទីកន្លែងបន្ថែមទៀត' },
  en: { recentQuery: 'ba', longQuery: 'damnak kantuot', commune: 'Khum Bay Damram', province: 'Battambang', district: 'Srok Banan', hall: 'Commune hall', more: 'Show more places' },
};

/** Names and path segments on the screen whose text runs over two lines (none may here). */
async function brokenNames(page) {
  return page.evaluate(() => {
    const khmer = document.querySelector('.app').getAttribute('lang') === 'km';
    const whole = [...document.querySelectorAll('.place-path .seg, .tag, .crumb')];
    if (khmer) whole.push(...document.querySelectorAll('.place-name'));
    const lines = (element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
    };
    return whole.filter((element) => lines(element) > 1).map((element) => element.textContent);
  });
}

for (const lang of ['km', 'en']) {
  test(`the place is chosen from a list province → district → commune, then found again first by search, with more on request (${lang})`, async () => {
    const t = { ...texts[lang], ...placeTexts[lang] };
    const folder = tempDir(`place-${lang}`);
    const server = await startServer(folder);
    const app = await startApp(folder, server.url);
    try {
      const page = await phonePage(browser, app.url);
      await firstRun(page, lang);
      await page.click('#start-complaint');
      await expectScreen(page, 'Place');
      // Two equal ways: search (shown first) and a list.
      assert.equal(await page.getAttribute('#place-mode-search', 'aria-pressed'), 'true');
      assert.equal(await page.locator('#place-recent').count(), 0);
      await shot(page, `${lang}-place-start`);
      await page.click('#place-mode-list');
      await page.waitForSelector('#place-browse [data-code="02"]');
      assert.equal(await page.locator('#place-browse button').count(), 25);
      await shot(page, `${lang}-place-provinces`);
      await page.click('#place-browse [data-code="02"]');
      await page.waitForSelector('#place-browse [data-code="0201"]');
      await waitForText(page, '#place-crumbs', new RegExp(t.province));
      assert.equal(await page.locator('#place-offices button[data-code]').count(), 2);
      await shot(page, `${lang}-place-districts`);
      await page.click('#place-browse [data-code="0201"]');
      await page.waitForSelector('#place-browse [data-code="CH-020103"]');
      await waitForText(page, '#place-crumbs', new RegExp(t.district));
      await shot(page, `${lang}-place-communes`);
      // Up one step by the trail, and down again.
      await page.click('#place-crumbs [data-code="02"]');
      await page.waitForSelector('#place-browse [data-code="0201"]');
      await page.click('#place-browse [data-code="0201"]');
      await page.click('#place-browse [data-code="CH-020103"]');
      // The list ends at the same choice as search: the commune's hall.
      await expectScreen(page, 'Form');
      await waitForText(page, '#form-place', new RegExp(`^${t.commune}${t.hall}${t.district}`));
      await page.click('#category-civil_registration');
      await page.fill('#description', t.description);
      await shot(page, `${lang}-place-chosen-form`);
      await page.click('#form-continue');
      await expectScreen(page, 'Review');
      await waitForText(page, '#review-place', new RegExp(`${t.commune}.*${t.hall}.*${t.district}`));
      await page.click('#review-send');
      await expectScreen(page, 'Confirmation');
      await page.click('#confirm-home');

      // The place used before is offered first, and leads a search it matches.
      await page.click('#start-support');
      await expectScreen(page, 'Place');
      await page.waitForSelector('#place-recent [data-code="CH-020103"]');
      await shot(page, `${lang}-place-recent`);
      await page.fill('#place-search', t.recentQuery);
      await page.waitForSelector('#place-results [data-code="CH-020103"][data-recent="true"]');
      const codes = () => page.locator('#place-results button[data-code]').evaluateAll((rows) => rows.map((row) => row.dataset.code));
      const first = await codes();
      assert.equal(first[0], 'CH-020103');
      assert.equal(first.length, 20);
      await waitForText(page, '#place-results button:first-child', new RegExp(t.commune));
      await shot(page, `${lang}-place-search-recent`);
      // More on request, the first ones staying where they were.
      await waitForText(page, '#place-more', new RegExp(t.more));
      await page.click('#place-more');
      await page.waitForFunction(() => document.querySelectorAll('#place-results button[data-code]').length === 40);
      assert.deepEqual((await codes()).slice(0, 20), first);
      await page.close();

      // At 360 px nothing is cut off and no name breaks inside itself.
      for (const width of [390, 360]) {
        const narrow = await phonePage(browser, app.url, width);
        await narrow.click('#start-complaint');
        await expectScreen(narrow, 'Place');
        await narrow.fill('#place-search', t.longQuery);
        await narrow.waitForSelector('#place-results button');
        await narrow.fill('#place-search', t.recentQuery);
        await narrow.waitForSelector('#place-results [data-recent="true"]');
        const wide = await narrow.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width, `place search (${lang}) is ${wide}px wide at ${width}`);
        assert.deepEqual(await brokenNames(narrow), [], `names broken at ${width} px`);
        await shot(narrow, `${lang}-${width}-place-search`);
        await narrow.fill('#place-search', t.longQuery);
        await narrow.waitForSelector('#place-results [data-code="CH-070604"]');
        assert.deepEqual(await brokenNames(narrow), [], `long names broken at ${width} px`);
        // The check sees a break: squeezed narrower than a name, the name must break.
        await narrow.evaluate(() => { document.querySelector('#place-results').style.width = '7rem'; });
        assert.notDeepEqual(await brokenNames(narrow), [], 'a squeezed name is seen broken');
        await narrow.evaluate(() => { document.querySelector('#place-results').style.width = ''; });
        assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth) <= width);
        await shot(narrow, `${lang}-${width}-place-long`);
        await narrow.click('#place-mode-list');
        await narrow.click('#place-browse [data-code="12"]');
        await narrow.click('#place-browse [data-code="1201"]');
        await narrow.waitForSelector('#place-browse [data-code="CH-120101"]');
        assert.deepEqual(await brokenNames(narrow), [], `list names broken at ${width} px`);
        assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth) <= width);
        await shot(narrow, `${lang}-${width}-place-communes`);
        await narrow.context().close();
      }
    } finally {
      await app.stop();
      await server.stop();
    }
  });
}

const scorecardTexts = {
  km: {
    title: /^តើការិយាល័យនេះឆ្លើយតបយ៉ាងដូចម្តេច\?$/,
    upTo: /^តួលេខរយៈពេល ១២ ខែ រហូតដល់ថ្ងៃទី[០-៩]{1,2}\u00a0ខែ\S+$/,
    sent: /សរុប១១បណ្តឹង៦/,
    rating: /^ពលរដ្ឋដាក់ពិន្ទុ ៤ ផ្កាយ ក្នុងចំណោម ៥ \(៥ នាក់បានវាយតម្លៃ\)$/,
    extra: /^ត្រូវគេសុំឱ្យបង់លើសតម្លៃដែលបានបិទផ្សាយ ៣ ដងក្នុងចំណោម ១០ ដង \(ពីមនុស្ស ៦ នាក់\)$/,
    hidden: /តិចជាង ៥ នាក់ — មិនបង្ហាញ/,
    age: /បានយកមកចុងក្រោយនៅថ្ងៃនេះ/,
    noneYet: /^មិនទាន់មានតួលេខនៅឡើយទេ/,
    offline: /^គ្មានអ៊ីនធឺណិត៖ នេះជាតួលេខដែលរក្សាទុកនៅលើទូរសព្ទនេះ។$/,
    offlineNone: /^គ្មានអ៊ីនធឺណិត ហើយទូរសព្ទនេះមិនទាន់មានតួលេខរបស់ការិយាល័យនេះនៅឡើយទេ។/,
  },
  en: {
    title: /^How does this office answer\?$/,
    upTo: /^Figures of the 12 months up to \d{1,2}\u00a0[A-Z][a-z]+$/,
    sent: /In all11Complaint6/,
    rating: /^People rated it 4 stars out of 5 \(5 ratings\)$/,
    extra: /^Asked to pay more than the posted fee 3 times out of 10 \(from 6 people\)$/,
    hidden: /fewer than 5 people — not shown/,
    age: /Last updated today/,
    noneYet: /^No figures yet/,
    offline: /^No internet: these are the figures kept on this phone\.$/,
    offlineNone: /^No internet, and this phone has no figures for this office yet\./,
  },
};

/** Waits until the server has made the figures that count `received` items of `office`. */
async function figuresMade(base, office, received) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const answer = await fetch(`${base}/api/v1/scorecards/${office}`);
    if (answer.ok && (await answer.json()).figures.received.value === received) return;
    assert.ok(Date.now() < deadline, `no figures of ${received} items for ${office}: HTTP ${answer.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

for (const lang of ['km', 'en']) {
  test(`how an office answers, in ${lang}: its scorecard from a case and from the place picker (the form kept), then offline from the phone's copy with its age; an office with no figures yet`, async () => {
    const t = { ...texts[lang], ...scorecardTexts[lang] };
    const folder = tempDir(`scorecard-${lang}`);
    const clock = join(folder, 'clock');
    const now = new Date();
    // Other citizens' feedback reached the One Window office of Chamkar Mon two days ago by
    // the server's clock: six complaints (every third asked to pay extra) and five ratings.
    writeFileSync(clock, new Date(now.getTime() - 2 * 86400000).toISOString());
    const server = await startServer(folder, `127.0.0.1:${await freePort()}`, ['--clock-file', clock, '--scorecards-check-seconds', '1']);
    const app = await startApp(folder, server.url);
    try {
      simulator(folder, ['generate', '--count', '6', '--place', 'OWSO-1201']);
      for (const rating of [4, 4, 5, 3, 4]) {
        simulator(folder, ['submit', '--kind', 'evaluation', '--place', 'OWSO-1201', '--rating', String(rating)]);
      }
      simulator(folder, ['sync', '--server', server.url]);
      // Today the server makes the figures up to yesterday, which count them.
      writeFileSync(clock, now.toISOString());
      await figuresMade(server.url, 'OWSO-1201', 11);

      const page = await phonePage(browser, app.url);
      await firstRun(page, lang);
      // From a case's page: how the office it went to answers.
      const code = await submit(page, lang, 'complaint');
      await waitForText(page, '#confirm-state', new RegExp('^' + t.sentPrefix.replace('.', '\\.')));
      await page.click('#confirm-feedback');
      await page.click(`[data-code="${code}"]`);
      await expectScreen(page, 'Detail');
      await page.click('#detail-scorecard');
      await expectScreen(page, 'Scorecard');
      await waitForText(page, '#scorecard-up-to', t.upTo);
      assert.match(await page.textContent('header h1'), t.title);
      assert.match(await page.textContent('#scorecard-by-kind'), t.sent);
      assert.match(await page.textContent('#scorecard-by-kind'), t.hidden);
      assert.match(await page.textContent('#scorecard-rating p'), t.rating);
      assert.match(await page.textContent('#scorecard-extra-payment p'), t.extra);
      assert.match(await page.textContent('#scorecard-age'), t.age);
      assert.equal(await page.locator('#scorecard-offline').count(), 0);
      assert.deepEqual(await unfit(page), []);
      await shot(page, `${lang}-scorecard`);
      // With text at 200 % on a 360 px phone nothing runs off or overlaps either.
      await page.setViewportSize({ width: 360, height: 844 });
      await textSize(page, 200);
      assert.deepEqual(await unfit(page), [], 'at 200 %');
      await shot(page, `${lang}-200-scorecard`);
      await textSize(page, 100);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.click('#back');
      await expectScreen(page, 'Detail');

      // From the place picker, before choosing: the form in progress stays as it was.
      await page.click('#quick-exit');
      await page.click('#start-complaint');
      await page.fill('#place-search', t.search);
      await page.click('#place-results [data-code="OWSO-1201"]');
      await expectScreen(page, 'Form');
      await page.fill('#description', t.description);
      await page.click('#change-place');
      await expectScreen(page, 'Place');
      await page.fill('#place-search', t.search);
      // The district's citizens' office: nobody wrote to it, so every figure is hidden.
      await page.click('#place-results [data-scorecard="DCO-1201"]');
      await expectScreen(page, 'Scorecard');
      await waitForText(page, '#scorecard-none-yet', t.noneYet);
      assert.equal(await page.locator('#scorecard-answers').count(), 0, 'no empty figures');
      await shot(page, `${lang}-scorecard-none-yet`);
      await page.click('#back');
      await expectScreen(page, 'Place');
      await page.fill('#place-search', t.search);
      await page.click('#place-results [data-code="OWSO-1201"]');
      await expectScreen(page, 'Form');
      assert.equal(await page.inputValue('#description'), t.description);

      // Offline: the copy kept on the phone, said to be the phone's, with its age.
      await server.stop();
      await page.click('#change-place');
      await page.fill('#place-search', t.search);
      await page.click('#place-results [data-scorecard="OWSO-1201"]');
      await waitForText(page, '#scorecard-offline', t.offline);
      assert.match(await page.textContent('#scorecard-age'), t.age);
      assert.match(await page.textContent('#scorecard-up-to'), t.upTo);
      assert.match(await page.textContent('#scorecard-rating p'), t.rating);
      await page.waitForSelector('#scorecard-retry');
      await shot(page, `${lang}-scorecard-offline`);
      await page.click('#back');
      // An office never looked at: nothing on the phone, said plainly; nothing is lost.
      await page.fill('#place-search', 'តាកែវ');
      await page.click('#place-results [data-scorecard="OWSU-21"]');
      await waitForText(page, '#scorecard-offline', t.offlineNone);
      assert.equal(await page.locator('#scorecard-up-to').count(), 0);
      await shot(page, `${lang}-scorecard-offline-none`);
      await page.click('#back');
      await page.fill('#place-search', t.search);
      await page.click('#place-results [data-code="OWSO-1201"]');
      await expectScreen(page, 'Form');
      assert.equal(await page.inputValue('#description'), t.description);
      await page.close();
    } finally {
      await app.stop();
      await server.stop();
    }
  });
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

test('a submission made while the server is down waits, then is sent by itself', async () => {
  const folder = tempDir('offline');
  const port = await freePort();
  const app = await startApp(folder, `http://127.0.0.1:${port}`);
  let server;
  try {
    const page = await phonePage(browser, app.url);
    await firstRun(page, 'en');
    await submit(page, 'en', 'complaint');
    await waitForText(page, '#confirm-state', /Saved on this phone/);
    // Kept on the phone is not done: no tick before the office has it.
    assert.equal(await page.locator('#confirmation [data-icon="check"]').count(), 0);
    assert.equal(await page.locator('#confirmation [data-icon="phone"]').count(), 1);
    await shot(page, 'en-confirmation-waiting');
    await page.click('#confirm-home');
    await waitForText(page, '#sync-line', /Offline — 1 waiting to send/);
    // Anyone can ask to send now; while the server is away it still waits.
    await page.click('#send-now');
    await waitForText(page, '#sync-line', /1 waiting to send/);
    await shot(page, 'en-home-offline');
    await page.click('#open-feedback');
    await waitForText(page, '#feedback', /Waiting to send/);
    assert.doesNotMatch(await page.textContent('#feedback'), /Sent|Received/);
    await page.click('#back');
    server = await startServer(folder, `127.0.0.1:${port}`);
    await waitForText(page, '#sync-line', /All sent/);
    assert.equal(await page.locator('#send-now').count(), 0, 'nothing waits: no "Send now"');
    await page.click('#open-feedback');
    await waitForText(page, '#feedback', /Received by the office/);
  } finally {
    await app.stop();
    if (server) await server.stop();
  }
});

test('each state a citizen follows has its own word and icon, in both languages', async () => {
  const folder = tempDir('states');
  const listen = `127.0.0.1:${await freePort()}`;
  const consoleArgs = ['--cookie-secure', 'false'];
  const adminPassword = 'admin password 1';
  const officerPassword = 'officer password 1';
  createAdmin(folder, adminPassword);
  const app = await startApp(folder, `http://${listen}`);
  const office = await (await browser.newContext()).newPage();
  let server;
  const states = {
    waiting: { en: /^Waiting to send$/, km: /^កំពុងរង់ចាំផ្ញើ$/, icon: 'phone' },
    received: { en: /^Received by the office$/, km: /^ការិយាល័យបានទទួល$/, icon: 'check' },
    in_progress: { en: /^In progress$/, km: /^កំពុងដោះស្រាយ$/, icon: 'clock' },
    awaiting_citizen: { en: /^The office has a question$/, km: /^ការិយាល័យមានសំណួរ$/, icon: 'ask' },
    answered: { en: /^Answered$/, km: /^បានឆ្លើយតប$/, icon: 'speech' },
    closed_resolved: { en: /^Closed — resolved$/, km: /^បានបិទ — បានដោះស្រាយ$/, icon: 'closed' },
  };
  try {
    const page = await phonePage(browser, app.url);
    await firstRun(page, 'en');
    let lang = 'en';
    /** The case screen shows `state`: its word in each language, and its icon. */
    const expectState = async (state) => {
      await page.evaluate(() => window.dispatchEvent(new Event('ourvoice-online')));
      await page.waitForSelector(`#detail-state[data-state="${state}"]`, { timeout: 45000 });
      for (const next of [lang, lang === 'en' ? 'km' : 'en']) {
        if (next !== lang) {
          await page.click('#switch-language');
          lang = next;
        }
        await waitForText(page, '#detail-state', states[state][lang]);
        assert.equal(await page.getAttribute('#detail-state svg', 'data-icon'), states[state].icon, state);
        await shot(page, `${lang}-state-${state}`);
      }
    };
    const code = await submit(page, 'en', 'complaint');
    await page.click('#confirm-feedback');
    await page.click(`[data-code="${code}"]`);
    await expectScreen(page, 'Detail');
    await expectState('waiting');
    server = await startServer(folder, listen, consoleArgs);
    await expectState('received');
    await officerOf(office, server.url, { adminPassword, officerPassword });
    await Promise.all([office.waitForNavigation(), office.click(`text=${code}`)]);
    const act = async (form) => Promise.all([office.waitForNavigation(), office.click(`${form} button[type=submit]`)]);
    await office.selectOption('#to-state', 'in_progress');
    await act('#state-form');
    await expectState('in_progress');
    await office.fill('#text', 'Which village?');
    await office.selectOption('#reply-kind', 'question');
    await act('form[action$="/reply"]');
    await expectState('awaiting_citizen');
    await office.fill('#text', 'It is repaired.');
    await office.selectOption('#reply-kind', 'answer');
    await act('form[action$="/reply"]');
    await expectState('answered');
    await office.selectOption('#to-state', 'closed_resolved');
    await act('#state-form');
    await expectState('closed_resolved');
  } finally {
    await office.context().close();
    await app.stop();
    if (server) await server.stop();
  }
});

test("an answer to the office's question given while the server is down waits on the phone, then is delivered", async () => {
  const folder = tempDir('answer');
  const listen = `127.0.0.1:${await freePort()}`;
  const consoleArgs = ['--cookie-secure', 'false'];
  const adminPassword = 'admin password 1';
  const officerPassword = 'officer password 1';
  createAdmin(folder, adminPassword);
  let server = await startServer(folder, listen, consoleArgs);
  const app = await startApp(folder, server.url);
  const office = await (await browser.newContext()).newPage();
  try {
    const page = await phonePage(browser, app.url);
    await firstRun(page, 'en');
    const code = await submit(page, 'en', 'complaint');
    await waitForText(page, '#confirm-state', /^Sent\./);

    // The office (an officer of the OWSO the complaint went to) asks the citizen a question;
    // the administrator gave the OWSO's telephone and hours, which the app then shows.
    await officerOf(office, server.url, { adminPassword, officerPassword, phone: '023 123 456', hours: 'Mon–Fri 7:30–17:00' });
    await Promise.all([office.waitForNavigation(), office.click(`text=${code}`)]);
    const item = office.url();
    await office.fill('#text', 'Which village is the office in?');
    await office.selectOption('#reply-kind', 'question');
    await Promise.all([office.waitForNavigation(), office.click('form[action$="/reply"] button[type=submit]')]);

    // The phone gets the question with its next sync (a network coming up asks for one): a
    // new reply is marked on the home screen and in the list until the citizen opens it.
    await page.click('#confirm-home');
    await page.evaluate(() => window.dispatchEvent(new Event('ourvoice-online')));
    await waitForText(page, '#unread-badge', /^1$/);
    await shot(page, 'en-home-unread');
    await page.click('#open-feedback');
    await waitForText(page, `[data-code="${code}"]`, /New reply/);
    await page.click(`[data-code="${code}"]`);
    await expectScreen(page, 'Detail');
    await waitForText(page, '#conversation', /Which village is the office in\?/);
    await page.waitForSelector('#citizen-answer');
    // What happens next, and how to reach the office: the deadline the server gave (day
    // first), where a late answer goes, the office's telephone and hours.
    await page.waitForSelector('#answer-deadline');
    const deadline = await page.textContent('#answer-deadline');
    assert.match(deadline, /The office should answer by \d{1,2} [A-Z][a-z]+ \d{4}\./);
    assert.match(deadline, /Citizens' Office/);
    await waitForText(page, '#office-phone', /023 123 456/);
    assert.match(await page.textContent('#office-hours'), /Mon–Fri 7:30–17:00/);
    await page.click('#back');
    await expectScreen(page, 'Feedback');
    assert.doesNotMatch(await page.textContent(`[data-code="${code}"]`), /New reply/);
    await page.click('#back');
    await page.waitForSelector('#unread-badge', { state: 'detached' });
    await page.click('#open-feedback');
    await page.click(`[data-code="${code}"]`);
    await expectScreen(page, 'Detail');
    // Someone comes near: one tap leaves the case for the home screen, with no way back to it.
    await page.click('#quick-exit');
    await expectScreen(page, 'Home');
    assert.equal(await page.locator('#back').count(), 0);
    await page.click('#open-feedback');
    await page.click(`[data-code="${code}"]`);
    await expectScreen(page, 'Detail');

    // The server goes down; the citizen answers anyway: kept on the phone, shown as waiting.
    await server.stop();
    await page.fill('#citizen-answer', 'Boeng Keng Kang village');
    await page.click('#citizen-reply-send');
    await waitForText(page, '#conversation', /Waiting to be sent|Sending/);
    assert.match(await page.textContent('#conversation'), /Boeng Keng Kang village/);
    assert.doesNotMatch(await page.textContent('#conversation'), /was sent/);
    await page.waitForSelector('#citizen-answer', { state: 'detached' });
    await waitForText(page, '#conversation', /Waiting to be sent/);
    await shot(page, 'en-detail-answer-waiting');

    // The server comes back: the phone delivers the answer by itself, once.
    server = await startServer(folder, listen, consoleArgs);
    await waitForText(page, '#conversation', /Your answer was sent/);
    await waitForText(page, '#detail-state', /In progress/);
    // One conversation, in order, saying who said what.
    const said = await page.$$eval('#conversation li', (items) => items.map((li) => `${li.dataset.from}:${li.dataset.kind}`));
    assert.deepEqual(said, ['office:question', 'citizen:answer']);
    await shot(page, 'en-detail-answer-sent');
    await office.goto(item);
    const seen = await office.textContent('main');
    assert.equal(seen.split('Boeng Keng Kang village').length - 1, 1, 'the office reads the answer once');

    // The office answers; the citizen, now reading in Khmer, rates it 2 of 5 with the server
    // down: kept and shown as waiting in Khmer, then delivered, which reopens the item.
    await office.fill('#text', 'The office is on Street 51.');
    await office.selectOption('#reply-kind', 'answer');
    await Promise.all([office.waitForNavigation(), office.click('form[action$="/reply"] button[type=submit]')]);
    await page.click('#switch-language');
    await page.evaluate(() => window.dispatchEvent(new Event('ourvoice-online')));
    await waitForText(page, '#conversation', /Street 51/);
    await page.waitForSelector('#rate-answer');
    await server.stop();
    await page.click('#rate-answer [data-stars="2"]');
    await page.click('#citizen-reply-send');
    await waitForText(page, '#conversation', /កំពុងរង់ចាំផ្ញើ/);
    await page.waitForSelector('#rate-answer', { state: 'detached' });
    await shot(page, 'km-detail-rating-waiting');
    server = await startServer(folder, listen, consoleArgs);
    await waitForText(page, '#detail-state', /កំពុងដោះស្រាយ/);
    // The low rating's effect is said, not left to a silent change of state.
    await waitForText(page, '#reopened-by-rating', /ពិនិត្យរឿងនេះម្តងទៀត/);
    const all = await page.$$eval('#conversation li', (items) => items.map((li) => `${li.dataset.from}:${li.dataset.kind}`));
    assert.deepEqual(all, ['office:question', 'citizen:answer', 'office:answer', 'citizen:rating']);
    await shot(page, 'km-detail-rating-sent');
    await office.goto(item);
    assert.match(await office.textContent('main'), /In progress|កំពុងដោះស្រាយ/, 'reopened for the office');

    // How to reach the office shows where the citizen chooses it too, before writing anything.
    await page.click('#quick-exit');
    await expectScreen(page, 'Home');
    await page.click('#start-complaint');
    await page.fill('#place-search', texts.en.search);
    await page.click('#place-results [data-code="OWSO-1201"]');
    await expectScreen(page, 'Form');
    await waitForText(page, '#form #office-phone', /023 123 456/);
    assert.match(await page.textContent('#form #office-hours'), /Mon–Fri 7:30–17:00/);
    await shot(page, 'km-form-office-contact');
  } finally {
    await office.context().close();
    await app.stop();
    await server.stop();
  }
});

test('an invalid form shows the errors next to the fields and keeps the text; switching language keeps the screen', async () => {
  const folder = tempDir('invalid');
  const server = await startServer(folder);
  const app = await startApp(folder, server.url);
  try {
    const page = await phonePage(browser, app.url);
    await firstRun(page, 'km');
    await page.click('#start-complaint');
    await page.fill('#place-search', 'តាកែវ');
    await page.click('#place-results [data-code="OWSU-21"]');
    await page.click('#privacy-confidential');
    await page.fill('#name', 'សុខ ដារ៉ា');
    await page.fill('#phone', '123');
    // The day of the visit is chosen as day, month and year in the citizen's words; a day
    // alone is not a date. It is optional, folded away until opened, like "about you".
    assert.equal(await page.isVisible('#incident-day'), false);
    assert.equal(await page.isVisible('#gender-female'), false);
    await page.click('#fold-date summary');
    await page.selectOption('#incident-day', '31');
    await page.click('#form-continue');
    await expectScreen(page, 'Form');
    await waitForText(page, '#incident-date [data-error="malformed"]', /ថ្ងៃ ខែ និងឆ្នាំ/);
    await page.waitForSelector('[data-error="phone_invalid"]');
    await page.waitForSelector('[data-error="description_required"]');
    await page.waitForSelector('[data-error="category_unknown"]');
    await waitForText(page, '[data-error="phone_invalid"]', /លេខទូរសព្ទកម្ពុជា/);
    await shot(page, 'km-form-errors');
    await page.fill('#description', 'ផ្លូវខូច');
    await page.click('#form-continue');
    await page.waitForSelector('[data-error="description_required"]', { state: 'detached' });
    assert.equal(await page.inputValue('#description'), 'ផ្លូវខូច');
    assert.equal(await page.inputValue('#name'), 'សុខ ដារ៉ា');
    // Switch language: same screen, same text, errors now in English.
    await page.click('#switch-language');
    await waitForText(page, '[data-error="phone_invalid"]', /not a Cambodian phone number/);
    await expectScreen(page, 'Form');
    assert.equal(await page.inputValue('#description'), 'ផ្លូវខូច');
    await shot(page, 'en-form-errors');
    await page.fill('#phone', '012 345 678');
    await page.click('#category-land');
    // The 31st of November is no day; the 30th is.
    const year = await page.locator('#incident-year option').nth(2).getAttribute('value');
    await page.selectOption('#incident-month', '11');
    await page.selectOption('#incident-year', year);
    assert.match(await page.textContent('#incident-month'), /November/);
    await page.click('#form-continue');
    await expectScreen(page, 'Form');
    await waitForText(page, '#incident-date [data-error="malformed"]', /a day that exists/);
    await page.selectOption('#incident-day', '30');
    await page.click('#form-continue');
    await expectScreen(page, 'Review');
    await waitForText(page, '#review-privacy', /\+85512345678/);
    await waitForText(page, '#review-date', new RegExp(`^30 November ${year}$`));
  } finally {
    await app.stop();
    await server.stop();
  }
});

test('nothing is cut off at 360 px', async () => {
  const folder = tempDir('narrow');
  const server = await startServer(folder);
  const app = await startApp(folder, server.url);
  try {
    for (const lang of ['km', 'en']) {
      const page = await phonePage(browser, app.url, 360);
      await page.waitForSelector('[data-screen]');
      if ((await screen(page)) === 'Welcome') await firstRun(page, lang);
      const overflow = async (name) => {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= 360, `${name} (${lang}) is ${wide}px wide`);
        await shot(page, `${lang}-360-${name}`);
      };
      if ((await page.textContent('#switch-language')).trim() !== (lang === 'km' ? 'English' : 'ខ្មែរ')) {
        await page.click('#switch-language');
        await waitForText(page, '#switch-language', lang === 'km' ? /English/ : /ខ្មែរ/);
      }
      await overflow('home');
      await page.click('#start-evaluation');
      await page.fill('#place-search', 'OWSO');
      await page.waitForSelector('#place-results button');
      await overflow('place');
      await page.click('#place-results button >> nth=0');
      await overflow('form');
      await page.close();
    }
  } finally {
    await app.stop();
    await server.stop();
  }
});

test("the system's back button goes back one screen, and a tester cannot save a non-web server address", async () => {
  const folder = tempDir('system');
  const server = await startServer(folder);
  const app = await startApp(folder, server.url);
  try {
    const page = await phonePage(browser, app.url);
    await firstRun(page, 'en');
    // What android/MainActivity.kt calls on Back, installed by src/platform.rs.
    await page.waitForFunction(() => typeof window.ourvoiceBack === 'function');
    await page.click('#open-feedback');
    await expectScreen(page, 'Feedback');
    await page.evaluate(() => window.ourvoiceBack());
    await expectScreen(page, 'Home');
    // On the first screen there is nothing to go back to: the app stays (Android then leaves it).
    await page.evaluate(() => window.ourvoiceBack());
    await page.click('#open-settings');
    await expectScreen(page, 'Settings');
    for (let i = 0; i < 5; i++) await page.click('#version');
    await page.fill('#testers-server', 'ftp://127.0.0.1:8080');
    await page.click('#testers-save');
    await waitForText(page, '#testers-refused', /starts with http:\/\/ or https:\/\//);
    await page.fill('#testers-server', server.url);
    await page.click('#testers-save');
    await page.waitForSelector('#testers-refused', { state: 'detached' });
    await page.evaluate(() => window.ourvoiceBack());
    await expectScreen(page, 'Home');
  } finally {
    await app.stop();
    await server.stop();
  }
});

/** Presses `digits` on the PIN pad `pad`, then its confirming key. */
async function pressPin(page, pad, digits) {
  for (const digit of digits) await page.click(`#${pad}-key-${digit}`);
  await page.click(`#${pad}-ok`);
}

const shared = {
  km: { staff: 'មន្ត្រីនៅបង្អួចលេខ ២ សុំលុយខ្ញុំ ២០០០០ រៀល ទើបព្រមធ្វើលិខិតឱ្យ។', hidden: /បានលាក់នៅលើទូរសព្ទនេះ/, saved: /បានរក្សាទុកលេខសម្ងាត់/, wrong: /លេខសម្ងាត់មិនត្រូវទេ/, digits: /១.*២.*៣/s, again: /ម្តងទៀត/ },
  en: { staff: 'The clerk at window 2 asked me for 20000 riel before he would write the letter.', hidden: /Your text is hidden on this phone/, saved: /PIN saved/, wrong: /Wrong PIN/, digits: /1.*2.*3/s, again: /same PIN again/ },
};

for (const lang of ['km', 'en']) {
  test(`on a shared phone in ${lang}: a complaint about staff is hidden once received, and a PIN locks the app`, async () => {
    const t = shared[lang];
    const folder = tempDir(`shared-${lang}`);
    const server = await startServer(folder);
    const app = await startApp(folder, server.url);
    try {
      let page = await phonePage(browser, app.url);
      await firstRun(page, lang);

      // A complaint about the office's staff: hidden on this phone by default, said on the review.
      await page.click('#start-complaint');
      await page.fill('#place-search', texts[lang].search);
      await page.click('#place-results [data-code="OWSO-1201"]');
      await expectScreen(page, 'Form');
      await page.click('#category-business_licence');
      await page.fill('#description', t.staff);
      assert.equal(await page.isChecked('#hide-text'), false, 'off for other complaints');
      await page.click('#about-staff');
      // On for a complaint about staff.
      await page.waitForFunction(() => document.querySelector('#hide-text').checked);
      await shot(page, `${lang}-form-hide-text`);
      await page.click('#form-continue');
      await expectScreen(page, 'Review');
      assert.equal(await page.getAttribute('#review-hide', 'data-hide'), 'true');
      await page.click('#review-send');
      await waitForText(page, '#confirm-state', new RegExp('^' + texts[lang].sentPrefix.replace('.', '\\.')));
      await page.click('#confirm-feedback');
      await page.click('#feedback .list-row');
      await expectScreen(page, 'Detail');
      await waitForText(page, '#detail-text-hidden', t.hidden);
      assert.ok(!(await page.textContent('main')).includes(t.staff.slice(0, 20)), 'the text is not on the screen');
      await shot(page, `${lang}-detail-hidden`);

      // A PIN, pressed twice the same.
      await page.click('#quick-exit');
      await page.click('#open-settings');
      await page.click('#lock-set');
      await page.waitForSelector('#lock-settings-pad');
      await shot(page, `${lang}-settings-pin-choose`);
      await pressPin(page, 'lock-settings-pad', '2580');
      await waitForText(page, '#lock-settings-pad-prompt', t.again);
      await pressPin(page, 'lock-settings-pad', '2580');
      await waitForText(page, '#lock-said', t.saved);
      await shot(page, `${lang}-settings-pin-set`);

      // The app opens again (the page reloaded): locked, nothing of the feedback reachable.
      await page.reload();
      await expectScreen(page, 'Lock');
      assert.match(await page.textContent('.keys'), t.digits);
      assert.equal(await page.locator('#open-feedback, #back, #detail').count(), 0);
      await shot(page, `${lang}-lock`);
      await pressPin(page, 'lock-pad', '1111');
      await waitForText(page, '#lock-refused', t.wrong);
      await expectScreen(page, 'Lock');
      await page.click('#lock-forgot');
      await page.waitForSelector('#lock-forgot-help');
      await shot(page, `${lang}-lock-wrong`);
      await pressPin(page, 'lock-pad', '2580');
      await expectScreen(page, 'Home');
      // A quick exit locks it again.
      await page.click('#open-feedback');
      await page.click('#feedback .list-row');
      await page.click('#quick-exit');
      await expectScreen(page, 'Lock');
      await page.close();

      // At 360 px: the lock screen, then the hidden text and the PIN card.
      page = await phonePage(browser, app.url, 360);
      await expectScreen(page, 'Lock');
      const narrow = async (name) => {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= 360, `${name} (${lang}) is ${wide}px wide`);
        await shot(page, `${lang}-360-${name}`);
      };
      await narrow('lock');
      await pressPin(page, 'lock-pad', '2580');
      await expectScreen(page, 'Home');
      await page.click('#open-feedback');
      await page.click('#feedback .list-row');
      await waitForText(page, '#detail-text-hidden', t.hidden);
      await narrow('detail-hidden');
      await page.click('#quick-exit');
      await pressPin(page, 'lock-pad', '2580');
      await expectScreen(page, 'Home');
      await page.click('#open-settings');
      await page.click('#lock-remove');
      await page.waitForSelector('#lock-remove-pad');
      await narrow('settings-pin-remove');
      await pressPin(page, 'lock-remove-pad', '2580');
      await page.waitForSelector('[data-pin="off"]');
      await page.reload();
      await expectScreen(page, 'Home');
      await page.close();
    } finally {
      await app.stop();
      await server.stop();
    }
  });
}

/** An Exif block as a phone camera writes one: the camera's make and model, and where the
 * photo was taken (GPS latitude N 11° 33'), in a little-endian TIFF. */
function cameraExif() {
  const make = Buffer.from('SpyCam\0');
  const model = Buffer.from('Model-X99\0');
  const ifd0 = 8;
  const gps = ifd0 + 2 + 3 * 12 + 4;
  const data = gps + 2 + 2 * 12 + 4;
  const rationals = data + make.length + model.length;
  const tiff = Buffer.alloc(rationals + 24);
  const entry = (at, tag, type, count, value) => {
    tiff.writeUInt16LE(tag, at); tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4); tiff.writeUInt32LE(value, at + 8);
  };
  tiff.write('II', 0); tiff.writeUInt16LE(42, 2); tiff.writeUInt32LE(ifd0, 4);
  tiff.writeUInt16LE(3, ifd0);
  entry(ifd0 + 2, 0x010f, 2, make.length, data);
  entry(ifd0 + 14, 0x0110, 2, model.length, data + make.length);
  entry(ifd0 + 26, 0x8825, 4, 1, gps);
  tiff.writeUInt16LE(2, gps);
  tiff.writeUInt16LE(0x0001, gps + 2); tiff.writeUInt16LE(2, gps + 4); tiff.writeUInt32LE(2, gps + 6);
  tiff.write('N\0', gps + 10);
  entry(gps + 14, 0x0002, 5, 3, rationals);
  make.copy(tiff, data);
  model.copy(tiff, data + make.length);
  [[11, 1], [33, 1], [0, 1]].forEach(([n, d], i) => {
    tiff.writeUInt32LE(n, rationals + i * 8); tiff.writeUInt32LE(d, rationals + i * 8 + 4);
  });
  const body = Buffer.concat([Buffer.from('Exif\0\0'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

/** A photo as a phone's camera leaves it: a busy picture of `width`×`height` drawn in the page,
 * a JPEG with the camera's Exif block (make, model, GPS) right after its start marker. */
async function cameraPhoto(page, width, height, hue) {
  const base64 = await page.evaluate(([w, h, hue]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const g = canvas.getContext('2d');
    g.fillStyle = `hsl(${hue} 60% 70%)`; g.fillRect(0, 0, w, h);
    for (let i = 0; i < 300; i++) {
      g.fillStyle = `hsl(${(hue + i * 37) % 360} 70% 45%)`;
      g.fillRect((i * 97) % w, (i * 61) % h, w / 12, h / 14);
    }
    return canvas.toDataURL('image/jpeg', 0.92).split(',')[1];
  }, [width, height, hue]);
  const jpeg = Buffer.from(base64, 'base64');
  return Buffer.concat([jpeg.subarray(0, 2), cameraExif(), jpeg.subarray(2)]);
}

/** The camera's details and place, as bytes that must not leave the phone. */
const cameraMarkers = ['Exif', 'SpyCam', 'Model-X99'];

/** Starts a complaint at OWSO-1201 and fills the form up to its photos and voice. */
async function complaintForm(page, lang) {
  await page.click('#start-complaint');
  await expectScreen(page, 'Place');
  await page.fill('#place-search', texts[lang].search);
  await page.click('#place-results [data-code="OWSO-1201"]');
  await expectScreen(page, 'Form');
  await page.click('#category-business_licence');
}

/** Adds two camera photos (one from each button), checks that a file that is no photo is
 * refused in words with nothing lost, and records a voice message. */
async function addEvidence(page, folder, name) {
  const first = join(folder, 'receipt.jpg');
  const second = join(folder, 'road.jpg');
  writeFileSync(first, await cameraPhoto(page, 2400, 1800, 30));
  writeFileSync(second, await cameraPhoto(page, 1200, 1600, 200));
  await page.setInputFiles('#photo-gallery', first);
  await page.waitForSelector('#evidence-photos li:nth-child(1) img');
  await page.setInputFiles('#photo-camera', second);
  await page.waitForSelector('#evidence-photos li:nth-child(2) img');
  // What the form shows is the prepared photo: at most 1600 px, with no camera details.
  const shown = await page.getAttribute('#evidence-photos li:nth-child(1) img', 'src');
  const shownBytes = Buffer.from(shown.split(',')[1], 'base64');
  for (const marker of cameraMarkers) assert.ok(!shownBytes.includes(marker), `the form's photo has no ${marker}`);
  const size = await page.evaluate(() => { const img = document.querySelector('#evidence-photos li img'); return [img.naturalWidth, img.naturalHeight]; });
  assert.deepEqual(size, [1600, 1200]);

  const notPhoto = join(folder, 'notes.txt');
  writeFileSync(notPhoto, 'this is not a photo');
  await page.setInputFiles('#photo-gallery', notPhoto);
  await page.waitForSelector('#evidence-problem[data-error="evidence-error-not-media"]');
  assert.equal(await page.locator('#evidence-photos li').count(), 2);

  // A voice message of about two seconds, from Chromium's fake microphone (a steady tone).
  await page.click('#voice-record');
  await page.waitForSelector('#voice-recording');
  if (name) await shot(page, `${name}-recording`);
  await page.waitForTimeout(2500);
  await page.click('#voice-stop');
  await page.waitForSelector('#voice-playback');
  await page.waitForSelector('#evidence-problem', { state: 'detached' });
  const voice = Buffer.from((await page.getAttribute('#voice-playback', 'src')).split(',')[1], 'base64');
  assert.ok(voice.length > 1000, `a voice message of ${voice.length} bytes`);
  if (name) await shot(page, `${name}-form`);
}

for (const [lang, width, received] of [['km', 360, 'បានទទួល'], ['en', 390, 'Received by the office']]) {
test(`a complaint told with two camera photos and a voice message instead of text goes end to end on a ${width} px phone in ${lang}: prepared on the phone, reviewed, sent, received`, async () => {
  const folder = tempDir(`evidence-${lang}`);
  const server = await startServer(folder);
  const app = await startApp(folder, server.url);
  try {
    const page = await phonePage(browser, app.url, width);
    await firstRun(page, lang);
    await complaintForm(page, lang);
    await addEvidence(page, folder, `${lang}-evidence`);
    assert.deepEqual(await unfit(page), []);
    await page.click('#form-continue');
    await expectScreen(page, 'Review');
    assert.equal(await page.locator('#review-evidence img').count(), 2);
    await page.waitForSelector('#review-voice');
    assert.equal(await page.getAttribute('#review-evidence-who', 'data-public'), 'false');
    await shot(page, `${lang}-evidence-review`);
    await page.click('#review-send');
    await expectScreen(page, 'Confirmation');
    await page.click('#confirm-home');
    await page.click('#open-feedback');
    await page.click('.list .list-row[data-code]');
    await expectScreen(page, 'Detail');
    await page.waitForSelector('#attachments');
    await waitForText(page, '#attachments', new RegExp(`${received}[\\s\\S]*${received}[\\s\\S]*${received}`));
    await shot(page, `${lang}-evidence-detail`);
  } finally {
    await app.stop();
    await server.stop();
  }
});
}
