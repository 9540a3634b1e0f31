// Headless Chromium for the browser tests (Node only): a tiny static HTTP server on a free
// loopback port (scripts/static-server.mjs) serving the web bundle, its core.wasm (as
// application/wasm, which compileStreaming needs), the test pages and the console
// (examples/web), and one Chromium page on it. Everything it opened is
// closed by close(), each step bounded; console errors and uncaught page errors are collected and
// put in the message of any failure that goes through inPage(), and assertClean() fails on them.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserServer, chromium, type Page } from 'playwright-core';
import { startStaticServer as startServer, type StaticServer } from '../../scripts/static-server.mjs';
export type { StaticServer };

const root = resolve(new URL('../..', import.meta.url).pathname);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As root on a closed network: no sandbox, and none of Chromium's own outbound connections.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** URL prefix → directory. The default: the console at /, the bundle at /dist/, test pages at /test/. */
export type Mounts = Record<string, string>;
export const DEFAULT_MOUNTS: Mounts = {
  '/dist/': join(root, 'dist'),
  '/test/': join(root, 'test/browser/pages'),
  '/': join(root, 'examples/web'),
};

/** scripts/static-server.mjs on 127.0.0.1, a free port, its close() bounded. */
export async function startStaticServer(mounts: Mounts = DEFAULT_MOUNTS): Promise<StaticServer> {
  const s = await startServer(mounts);
  return { ...s, close: () => bounded(s.close(), 5000, 'the static server to close') };
}

export interface BrowserHarness {
  page: Page;
  /** The first page's origin: our static server's, or that of the `url` given. */
  origin: string;
  /** Our static server; undefined when a `url` was given. */
  server?: StaticServer;
  browser: Browser;
  /** Console errors and uncaught page errors of every page opened here, in order. */
  problems: string[];
  /** Another page in the same browser (watched for problems too), at `url`. */
  newPage(url: string): Promise<Page>;
  /** page.evaluate(fn, arg), failing with the page's problems in the message. */
  inPage<A, R>(fn: (arg: A) => R | Promise<R>, arg: A, page?: Page): Promise<R>;
  /** Throws when a console error or page error was collected (then forgets them). */
  assertClean(): void;
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** Open this page instead, served by someone else: no static server of our own. */
  url?: string;
  mounts?: Mounts;
  /** Where the first page goes; default `/test/` (a page that loads the bundle as `window.iscsi`). */
  path?: string;
  /** Waited for in the page after it loads (a function body returning truthy); default `window.iscsi`. */
  ready?: string;
}

/** The static server, Chromium and one page; fails at once (with what to install) without Chromium. */
export async function openBrowser(o: BrowserOptions = {}): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run 'apt-get install -y chromium' (.ci/run does this)`);
  }
  const problems: string[] = [];
  const opened: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    const errors: unknown[] = [];
    for (const c of opened.splice(0).reverse()) await c().catch((e) => errors.push(e));
    if (errors.length) throw new AggregateError(errors, 'closing the browser harness');
  };
  try {
    const server = o.url ? undefined : await startStaticServer(o.mounts);
    if (server) opened.push(() => server.close());
    // A browser server of our own, so close() can kill its process when a polite close hangs.
    const bs: BrowserServer = await bounded(
      chromium.launchServer({ executablePath: CHROMIUM, args: ARGS, timeout: 30000 }),
      35000,
      'Chromium to start',
    );
    opened.push(() =>
      bounded(bs.close(), 5000, 'Chromium to exit').catch(async (e) => {
        await bs.kill();
        throw e;
      })
    );
    const browser = await bounded(
      chromium.connect(bs.wsEndpoint(), { timeout: 15000 }),
      20000,
      'the connection to Chromium',
    );
    opened.push(() => bounded(browser.close(), 5000, 'the Chromium connection to close'));
    const watch = (p: Page) => {
      p.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error at ${p.url()}: ${m.text()}`);
      });
      p.on('pageerror', (e) => problems.push(`page error at ${p.url()}: ${e.stack ?? e.message}`));
      return p;
    };
    const newPage = async (url: string) => {
      const p = watch(await browser.newPage());
      await p.goto(url, { timeout: 15000 });
      return p;
    };
    const withProblems = (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      if (problems.length) err.message += `\nproblems in the page:\n  ${problems.join('\n  ')}`;
      return err;
    };
    const url = o.url ?? `${server!.origin}${o.path ?? '/test/'}`;
    const page = await newPage(url);
    await page.waitForFunction(o.ready ?? 'window.iscsi', undefined, { timeout: 15000 }).catch((e) => {
      throw withProblems(e);
    });
    return {
      page,
      origin: new URL(url).origin,
      server,
      browser,
      problems,
      newPage,
      async inPage<A, R>(fn: (arg: A) => R | Promise<R>, arg: A, p = page): Promise<R> {
        try {
          // deno-lint-ignore no-explicit-any
          return await p.evaluate(fn as any, arg) as R;
        } catch (e) {
          throw withProblems(e);
        }
      },
      assertClean() {
        const seen = problems.splice(0);
        if (seen.length) throw new Error(`problems in the page:\n  ${seen.join('\n  ')}`);
      },
      close: closeAll,
    };
  } catch (e) {
    await closeAll().catch(() => {});
    throw e;
  }
}

/** `p`, or a rejection naming `what` after `ms`. */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
