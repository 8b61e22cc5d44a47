// A person's path through Balai in a real browser (Debian's Chromium, driven
// by playwright-core): open the sign-in page, sign in as a staff user, search
// the register for a resident by name, open the record; screenshots of the
// landing page, the resident list and a resident's page on a phone (390x844)
// and a desktop (1280x800). Also checks the pages fit a phone's width.
//
// usage: node search.mjs <base-url> <username> <password> <outdir> <resident name>
// Prints one JSON line on success; exits non-zero with a message otherwise.
// Started by tests/tests/browser.rs.

import { fail, fitsWidth, launch } from './common.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base, username, password, outdir, name] = process.argv.slice(2);
if (!base || !username || !password || !outdir || !name) {
  console.error('usage: node search.mjs <base-url> <username> <password> <outdir> <resident name>');
  process.exit(2);
}
async function shoot(page, file) {
  await page.screenshot({ path: join(outdir, file), fullPage: true });
  return file;
}

async function main() {
  mkdirSync(outdir, { recursive: true });
  const browser = await launch();
  const shots = [];
  try {
    // Desktop: sign in, search, open the record.
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
    const page = await desktop.newPage();
    page.setDefaultTimeout(30000);

    let resp = await page.goto(`${base}/`);
    if (!resp || resp.status() !== 200) fail(`GET / answered ${resp && resp.status()}`);
    shots.push(await shoot(page, 'landing-desktop.png'));

    resp = await page.goto(`${base}/signin`);
    if (!resp || resp.status() !== 200) fail(`GET /signin answered ${resp && resp.status()}`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/signin')),
      page.click('form[action="/signin/staff"] button[type="submit"]'),
    ]);
    if (new URL(page.url()).pathname !== '/dashboard') fail(`after signing in the browser is at ${page.url()}`);

    await page.goto(`${base}/residents`);
    await page.fill('#q', name);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/residents' && u.searchParams.get('q') === name),
      page.click('form.filters button[type="submit"]'),
    ]);
    const link = page.locator('main a[href^="/residents/"]', { hasText: name }).first();
    if ((await link.count()) === 0) fail(`searching /residents for "${name}" did not list that resident`);
    shots.push(await shoot(page, 'residents-desktop.png'));
    const listUrl = page.url();

    await Promise.all([page.waitForURL((u) => /^\/residents\/[^/]+$/.test(u.pathname)), link.click()]);
    const detailUrl = page.url();
    const main = await page.locator('main').innerText();
    if (!main.includes(name)) fail(`the resident page ${detailUrl} does not show "${name}"`);
    shots.push(await shoot(page, 'resident-desktop.png'));

    // Phone: the same session, the same three pages.
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'id-ID',
      storageState: await desktop.storageState(),
    });
    const mobile = await phone.newPage();
    mobile.setDefaultTimeout(30000);
    for (const [url, file, what] of [
      [`${base}/`, 'landing-phone.png', 'landing page'],
      [listUrl, 'residents-phone.png', 'resident list'],
      [detailUrl, 'resident-phone.png', 'resident page'],
    ]) {
      const r = await mobile.goto(url);
      if (!r || r.status() !== 200) fail(`phone: ${url} answered ${r && r.status()}`);
      await fitsWidth(mobile, `phone ${what}`);
      shots.push(await shoot(mobile, file));
    }
    if (!(await mobile.locator('main').innerText()).includes(name)) fail('phone: the resident page lacks the name');

    console.log(JSON.stringify({ ok: true, found: name, detail: new URL(detailUrl).pathname, screenshots: shots }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`browser test failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
