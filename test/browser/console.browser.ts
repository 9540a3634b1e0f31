// The web console (examples/web) in headless Chromium, started as `npm run web` starts it
// (scripts/web.mjs: the built-in target, a bridge process with a fresh token and the console's
// origin only, a static server): discover, list targets and LUNs, hex dump of sector 0, logout
// with its progress bar. A screenshot goes to build/web-console.png, or with UPDATE_SCREENSHOT=1
// to docs/web-console.png. Vitest under Node only (see chromium.browser.ts for the name).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BrowserHarness, openBrowser } from '../helpers/browser.ts';
import { bundle } from '../peers/bridge.ts';
import { until } from '../helpers/env.ts';
import { DEMO_LABEL, DEMO_TARGET, type RunningWeb, SCRATCH_TARGET, startWeb } from '../../scripts/web.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const screenshot = join(root, process.env.UPDATE_SCREENSHOT === '1' ? 'docs' : 'build', 'web-console.png');

describe('the web console (npm run web) in Chromium', () => {
  let web: RunningWeb;
  let b: BrowserHarness;
  const bridgeLog: string[] = [];
  beforeAll(async () => {
    bundle();
    web = await startWeb({ log: (line) => bridgeLog.push(line) });
    b = await openBrowser({ url: web.url, ready: "document.querySelector('#discover')" });
    await b.page.setViewportSize({ width: 1024, height: 800 });
  }, 60000);
  afterEach(() => b?.assertClean());
  afterAll(async () => {
    await b?.close();
    await web?.stop();
  });

  it('the fragment fills the form; the token never goes into a URL the server sees', async () => {
    const { page } = b;
    expect(await page.inputValue('#bridge')).toBe(web.bridge);
    expect(await page.inputValue('#token')).toBe(web.token);
    expect(await page.inputValue('#portal')).toBe(web.portal);
    expect(new URL(web.url).search).toBe('');
  });

  it('discovers both targets, lists their LUNs, shows sector 0 as a hex dump and logs out', async () => {
    const { page } = b;
    await page.click('#discover');
    const demo = page.locator(`tr[data-target="${DEMO_TARGET}"]`);
    const scratch = page.locator(`tr[data-target="${SCRATCH_TARGET}"]`);
    await demo.locator('button.sector0').waitFor({ timeout: 15000 });
    await scratch.locator('button.sector0').waitFor({ timeout: 15000 });
    expect(await page.textContent('#status')).toBe(`2 target(s) at ${web.portal} (Wasm core: simd)`);
    expect(await demo.locator('td').nth(1).textContent()).toContain(web.portal);
    expect(await demo.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^LUN 0: disk, \S+ .+, 32768 × 512 B \(16\.0 MiB\)/),
    ]);
    expect(await scratch.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^LUN 0: disk, .+, 16384 × 512 B \(8\.0 MiB\)/),
    ]);

    await demo.locator('button.sector0').click();
    await page.waitForFunction("document.querySelector('#dump').textContent.includes('55 aa')", undefined, {
      timeout: 10000,
    });
    expect(await page.textContent('#dump-title')).toBe(`Sector 0 of LUN 0, ${DEMO_TARGET} (512 bytes)`);
    const lines = (await page.textContent('#dump'))!.split('\n');
    expect(lines).toHaveLength(32);
    expect(lines[0]).toBe('000000  69 73 63 73 69 2d 61 64  61 70 74 65 72 20 77 65  |iscsi-adapter we|');
    expect(lines.map((l) => /\|(.*)\|$/.exec(l)![1]).join('')).toContain(DEMO_LABEL);
    expect(lines[8]).toBe('000080  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|');
    expect(lines[31]).toBe('0001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|');

    expect(web.sessions()).toBe(2);
    await demo.locator('button.logout').click();
    await page.waitForFunction("/S_OK/.test(document.querySelector('#logout-status').textContent)", undefined, {
      timeout: 15000,
    });
    expect(await page.textContent('#logout-status')).toBe(`${DEMO_TARGET}: S_OK, 1 session(s) logged-out`);
    expect(await page.getAttribute('#progress', 'max')).toBe('100');
    expect(await page.evaluate("document.querySelector('#progress').value")).toBe(100);
    expect(await demo.locator('td').last().textContent()).toBe('logged out');
    expect(await page.isHidden('#error')).toBe(true);
    await until(() => web.sessions() === 1, 5000, 'the demo target to see its session end');

    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });

    await scratch.locator('button.logout').click();
    await page.waitForFunction(
      `document.querySelector('#logout-status').textContent.startsWith(${JSON.stringify(SCRATCH_TARGET)})`,
      undefined,
      { timeout: 15000 },
    );
    expect(await page.textContent('#logout-status')).toBe(`${SCRATCH_TARGET}: S_OK, 1 session(s) logged-out`);
    await until(() => web.sessions() === 0, 5000, 'the built-in target to have no session left');
    expect(bridgeLog.filter((l) => /refused/.test(l))).toEqual([]);
  });

  it('a wrong token is shown in the page as the bridge refusal, not swallowed', async () => {
    const { page } = b;
    await page.fill('#token', 'not-the-token');
    await page.click('#discover');
    await page.waitForSelector('#error:not([hidden])', { timeout: 15000 });
    expect(await page.textContent('#error')).toMatch(/^IscsiError: .*4401 bad-token/);
    // The page also logs it to the console; that is the one problem expected here.
    expect(b.problems.splice(0)).toEqual([expect.stringMatching(/^console\.error at .*IscsiError/)]);
  });
});
