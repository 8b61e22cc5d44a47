// The queue board in a real browser (Debian's Chromium, driven by
// playwright-core): open /antrian/papan at TV size, take a ticket and call it
// through the JSON API, and see the number appear on the board without a
// reload, with the spoken call fetched as a WAV. Screenshots of the board,
// the kiosk and the ticket on a phone (390x844) and at 1920px, and of the
// ticket as printed on 80 mm and 58 mm receipt paper.
//
// usage: node queue_board.mjs <base-url> <bearer token> <outdir>
// Prints one JSON line on success; exits non-zero with a message otherwise.
// Started by tests/tests/queue.rs.

import { request } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fail, fitsWidth, launch } from './common.mjs';

const [base, token, outdir] = process.argv.slice(2);
if (!base || !token || !outdir) {
  console.error('usage: node queue_board.mjs <base-url> <bearer token> <outdir>');
  process.exit(2);
}

async function apiPost(api, path, data) {
  const r = await api.post(path, { data });
  if (!r.ok()) fail(`POST ${path} answered ${r.status()}: ${await r.text()}`);
  return r.json();
}

async function main() {
  mkdirSync(outdir, { recursive: true });
  // A TV left on the board plays calls without anyone clicking first.
  const browser = await launch(['--autoplay-policy=no-user-gesture-required']);
  const api = await request.newContext({
    baseURL: base,
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  const shots = [];
  try {
    const tv = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'id-ID' });
    const board = await tv.newPage();
    board.setDefaultTimeout(30000);
    let loads = 0;
    board.on('load', () => loads++);
    const sounds = [];
    board.on('response', (r) => {
      if (r.url().includes('/antrian/announcements/')) sounds.push({ status: r.status(), type: r.headers()['content-type'] });
    });
    const resp = await board.goto(`${base}/antrian/papan`);
    if (!resp || resp.status() !== 200) fail(`GET /antrian/papan answered ${resp && resp.status()}`);
    await board.waitForSelector('body[data-live="1"]');
    const loadsBefore = loads;

    const ticket = await apiPost(api, '/api/v1/queue/tickets', { service: 'B' });
    await board.waitForFunction(
      () => Array.prototype.some.call(document.querySelectorAll('#waiting li'), (li) =>
        li.querySelector('.w-prefix').textContent === 'B' && li.querySelector('.w-count').textContent === '1'),
    );
    const called = await apiPost(api, '/api/v1/queue/call', { counter: 2 });
    if (!called.ticket || called.ticket.id !== ticket.id) fail(`the call did not name ticket ${ticket.label}: ${JSON.stringify(called)}`);
    await board.waitForFunction((label) => document.getElementById('now-label').textContent === label, ticket.label);
    const counterText = await board.locator('#now-counter').innerText();
    if (counterText !== 'Loket 2') fail(`the board says "${counterText}", not "Loket 2"`);
    const row = await board.locator('#counters li').nth(1).innerText();
    if (!row.includes(ticket.label)) fail(`counter 2's row reads "${row}"`);
    if (loads !== loadsBefore) fail('the board reloaded instead of updating live');
    const deadline = Date.now() + 15000;
    while (!sounds.length && Date.now() < deadline) await board.waitForTimeout(100);
    if (!sounds.length) fail('the board did not fetch the spoken call');
    if (sounds[0].status !== 200 || sounds[0].type !== 'audio/wav') fail(`the spoken call: ${JSON.stringify(sounds[0])}`);
    await board.waitForTimeout(3200); // let the highlight end before the picture
    await board.screenshot({ path: join(outdir, 'board-tv.png') });
    shots.push('board-tv.png');

    // A second ticket still waiting, for the ticket pictures.
    const waiting = await apiPost(api, '/api/v1/queue/tickets', { service: 'A' });
    const waitingUrl = `${base}/antrian/tickets/${waiting.id}`;

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'id-ID',
    });
    const mobile = await phone.newPage();
    mobile.setDefaultTimeout(30000);
    for (const [url, file] of [
      [`${base}/antrian`, 'kiosk-phone.png'],
      [waitingUrl, 'ticket-phone.png'],
      [`${base}/antrian/papan`, 'board-phone.png'],
    ]) {
      const r = await mobile.goto(url);
      if (!r || r.status() !== 200) fail(`phone: ${url} answered ${r && r.status()}`);
      await fitsWidth(mobile, `phone ${file}`);
      await mobile.screenshot({ path: join(outdir, file), fullPage: true });
      shots.push(file);
    }

    // The counter page, as the operator whose token this is (the guard
    // takes a bearer token on pages too).
    for (const [viewport, file] of [[{ width: 390, height: 844 }, 'desk-phone.png'], [{ width: 1920, height: 1080 }, 'desk-1920.png']]) {
      const staff = await browser.newContext({ viewport, locale: 'id-ID', extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
      const desk = await staff.newPage();
      const r = await desk.goto(`${base}/antrian/loket?counter=2`);
      if (!r || r.status() !== 200) fail(`the counter page answered ${r && r.status()}`);
      if (!(await desk.locator('main').innerText()).includes(ticket.label)) fail('the counter page lacks its ticket');
      await fitsWidth(desk, file);
      await desk.screenshot({ path: join(outdir, file), fullPage: true });
      shots.push(file);
      await staff.close();
    }

    const wide = await tv.newPage();
    for (const [url, file] of [
      [`${base}/antrian`, 'kiosk-1920.png'],
      [waitingUrl, 'ticket-1920.png'],
    ]) {
      await wide.goto(url);
      await wide.screenshot({ path: join(outdir, file), fullPage: true });
      shots.push(file);
    }
    // Receipt printers: 80 mm paper prints about 72 mm (272 px), 58 mm about 48 mm (181 px).
    for (const [width, file] of [[272, 'ticket-print-80mm.png'], [181, 'ticket-print-58mm.png']]) {
      const paper = await browser.newContext({ viewport: { width, height: 600 } });
      const p = await paper.newPage();
      await p.emulateMedia({ media: 'print' });
      await p.goto(waitingUrl);
      await fitsWidth(p, file);
      const hidden = await p.locator('.q-ticket-actions').isHidden();
      if (!hidden) fail(`${file}: the buttons would be printed`);
      await p.screenshot({ path: join(outdir, file), fullPage: true });
      shots.push(file);
      await paper.close();
    }
    console.log(JSON.stringify({ ok: true, label: ticket.label, sound: sounds[0], screenshots: shots }));
  } finally {
    await api.dispose();
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`queue board test failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
