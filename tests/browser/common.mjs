// What every browser script shares: Debian's Chromium started the way this
// machine's closed network needs, and the checks a phone page must pass.

import { chromium } from 'playwright-core';

export function fail(message) {
  throw new Error(message);
}

// `extraArgs`: flags one script needs on top (e.g. the board's autoplay).
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.BALAI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Only for these local tests: the daemon's certificate comes from its own
      // CA, which this throwaway browser profile does not trust. The Rust tests
      // check the certificate chain itself with a client that trusts only that CA.
      '--ignore-certificate-errors',
      ...extraArgs,
    ],
  });
}

// A phone page must not scroll sideways.
export async function fitsWidth(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  if (scroll > inner + 1) fail(`${what}: the page is ${scroll}px wide in a ${inner}px viewport (sideways scrolling on a phone)`);
}
