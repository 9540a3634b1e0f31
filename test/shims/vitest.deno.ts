// The vitest API over Deno.test, so the same test files run under `deno test` with Deno's
// op and resource sanitizers on. Only what the suite uses.
// deno-lint-ignore-file no-explicit-any
import { expect } from 'expect';
export { expect };

declare const Deno: any;
type Fn = () => unknown | Promise<unknown>;
interface Suite {
  name: string;
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
  tests: number;
  ran: number;
  parent?: Suite;
}
const root: Suite = { name: '', beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], tests: 0, ran: 0 };
let current = root;
const started = new WeakSet<Suite>();

function chain(s: Suite): Suite[] {
  const out: Suite[] = [];
  for (let x: Suite | undefined = s; x; x = x.parent) out.unshift(x);
  return out;
}

export function describe(name: string, fn: () => void): void {
  const s: Suite = {
    name,
    beforeAll: [],
    afterAll: [],
    beforeEach: [],
    afterEach: [],
    tests: 0,
    ran: 0,
    parent: current,
  };
  const prev = current;
  current = s;
  try {
    fn();
  } finally {
    current = prev;
  }
}
// Hook timeouts are vitest's business; deno test has none per hook, so the argument is accepted and unused.
export const beforeAll = (fn: Fn, _timeout?: number) => {
  current.beforeAll.push(fn);
};
export const afterAll = (fn: Fn, _timeout?: number) => {
  current.afterAll.push(fn);
};
export const beforeEach = (fn: Fn, _timeout?: number) => {
  current.beforeEach.push(fn);
};
export const afterEach = (fn: Fn, _timeout?: number) => {
  current.afterEach.push(fn);
};

export function it(name: string, fn: Fn, _timeout?: number): void {
  const suites = chain(current);
  for (const s of suites) s.tests++;
  const full = suites.map((s) => s.name).filter(Boolean).concat(name).join(' > ');
  Deno.test({ name: full, sanitizeOps: true, sanitizeResources: true }, async () => {
    for (const s of suites) {
      if (!started.has(s)) {
        started.add(s);
        for (const h of s.beforeAll) await h();
      }
    }
    for (const s of suites) for (const h of s.beforeEach) await h();
    try {
      await fn();
    } finally {
      for (const s of [...suites].reverse()) for (const h of s.afterEach) await h();
      for (const s of [...suites].reverse()) {
        s.ran++;
        if (s.ran === s.tests) { for (const h of s.afterAll) await h(); }
      }
    }
  });
}
export const test = it;
