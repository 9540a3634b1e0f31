// createAdapter's options are checked when the adapter is made (README, "When something goes
// wrong"): a bad one throws at once, naming it, instead of failing some later login or logout.
import { describe, expect, it } from 'vitest';
import { createAdapter } from 'iscsi-adapter';

type Bad = [what: string, opts: unknown, error: typeof TypeError | typeof RangeError, message: string | RegExp];

describe('createAdapter options', () => {
  const cases: Bad[] = [
    ['options that are not an object', 'x', TypeError, 'createAdapter takes an object of options'],
    ['a timeout given as text', { loginTimeoutMs: 'abc' }, TypeError, 'loginTimeoutMs must be a number'],
    ['a connect timeout of 0', { connectTimeoutMs: 0 }, RangeError, 'connectTimeoutMs must be a whole number from 1'],
    ['a negative logout timeout', { logoutTimeoutMs: -1 }, RangeError, 'logoutTimeoutMs must be a whole number from 1'],
    ['a negative grace', { graceMs: -5 }, RangeError, 'graceMs must be a whole number from 0'],
    ['a concurrency of 0', { concurrency: 0 }, RangeError, 'concurrency must be a whole number from 1'],
    ['a concurrency above maxSessions', { maxSessions: 8, concurrency: 9 }, RangeError, 'at most maxSessions (8)'],
    ['a fractional maxSessions', { maxSessions: 1.5 }, RangeError, 'maxSessions must be a whole number from 1'],
    ['recovery as text', { recovery: 'yes' }, TypeError, 'recovery must be a boolean'],
    ['more per session than in all', { maxCommandsPerSession: 3000 }, RangeError, 'at most maxCommands (2048)'],
    ['a callback that is not a function', { onCallbackError: 1 }, TypeError, 'onCallbackError must be a function'],
    ['an unknown reconnect option', { reconnect: { tries: 3 } }, TypeError, 'unknown option reconnect.tries'],
    ['reconnect delays the wrong way round', { reconnect: { minDelayMs: 9000 } }, RangeError, /minDelayMs \(9000\)/],
  ];
  for (const [what, opts, error, message] of cases) {
    it(`${what} throws ${error.name}`, () => {
      const make = () => createAdapter(opts as never);
      expect(make).toThrow(error);
      expect(make).toThrow(message);
    });
  }

  it('an unknown option throws, suggesting the one it is closest to', () => {
    expect(() => createAdapter({ loginTimeout: 5 } as never)).toThrow(
      new TypeError('unknown option loginTimeout (did you mean loginTimeoutMs?)'),
    );
  });

  it('every documented option, each in range, makes an adapter', async () => {
    const a = createAdapter({
      initiatorName: 'iqn.2026-11.dev.test:options',
      logoutTimeoutMs: 1,
      concurrency: 4,
      graceMs: 0,
      connectTimeoutMs: 1,
      loginTimeoutMs: 1,
      maxSessions: 4,
      maxCommands: 8,
      maxCommandsPerSession: 8,
      taskManagementTimeoutMs: 1,
      onCallbackError: () => {},
      noopIntervalMs: 0,
      noopTimeoutMs: 1,
      recovery: false,
      replacementTimeoutMs: 1,
      reconnect: { minDelayMs: 1, maxDelayMs: 1, maxAttempts: 0 },
    });
    await a.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  });
});
