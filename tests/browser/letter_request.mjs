// A resident asks for a letter from a phone in a real browser (Debian's
// Chromium, driven by playwright-core) at 390x844: sign in with NIK and PIN,
// open "Surat saya", choose Surat Keterangan Domisili, fill the purpose,
// attach a photo of the KTP through the file/camera input, send, and land on
// the status page with a tracking code. Screenshots of each step on the phone
// and of the status page on a desktop. Checks the pages fit a phone's width.
//
// usage: node letter_request.mjs <base-url> <nik> <pin> <photo.jpg> <outdir>
// Prints one JSON line on success; exits non-zero with a message otherwise.
// Started by tests/tests/browser.rs.

import { fail, fitsWidth, launch } from './common.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base, nik, pin, photo, outdir] = process.argv.slice(2);
if (!base || !nik || !pin || !photo || !outdir) {
  console.error('usage: node letter_request.mjs <base-url> <nik> <pin> <photo.jpg> <outdir>');
  process.exit(2);
}
async function main() {
  mkdirSync(outdir, { recursive: true });
  const browser = await launch();
  try {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID', isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    page.setDefaultTimeout(30000);
    await page.goto(`${base}/signin`);
    await page.fill('#nik', nik);
    await page.fill('#pin', pin);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/signin')),
      page.click('form[action="/signin/warga"] button[type="submit"]'),
    ]);

    await page.goto(`${base}/surat`);
    await fitsWidth(page, '/surat');
    await page.screenshot({ path: join(outdir, 'letters-home-phone.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/surat\/ajukan\/domisili$/), page.click('a[href="/surat/ajukan/domisili"]')]);
    await fitsWidth(page, 'the request form');
    await page.fill('#keperluan', 'melamar pekerjaan');
    await page.setInputFiles('#photos', photo);
    await page.screenshot({ path: join(outdir, 'letter-form-phone.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/surat\/srt[0-9a-f]/),
      page.click('form[enctype="multipart/form-data"] button[type="submit"]'),
    ]);
    await fitsWidth(page, 'the status page');
    const tracking = (await page.locator('dd').first().textContent()).trim();
    if (!/^[A-Z0-9]{8}$/.test(tracking)) fail(`no tracking code on the status page (got ${JSON.stringify(tracking)})`);
    await page.screenshot({ path: join(outdir, 'letter-status-phone.png'), fullPage: true });

    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
    const d = await desktop.newPage();
    await d.goto(`${base}/lacak?kode=${tracking}`);
    await d.screenshot({ path: join(outdir, 'letter-track-desktop.png'), fullPage: true });
    const body = await d.textContent('main');
    if (!body.includes('Surat Keterangan Domisili')) fail('the tracking page does not show the request');
    console.log(JSON.stringify({ ok: true, tracking, url: page.url() }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
