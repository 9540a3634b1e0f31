// createAdapter's options, checked when the adapter is made (README, "When something goes wrong"):
// an option name we do not know or a value of the wrong type throws a TypeError, and a number out
// of its range a RangeError, each naming the option. Unchecked, a bad default surfaced only at
// some later login or logout, as an E_INVALIDARG that said nothing of where it came from.
import { CODE } from './codes.ts';
import { delaysProblem, LEAST, RECONNECT_NUMBERS } from './arguments.ts';

const MAX = 0x7fffffff;
const range = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, [LEAST[n], MAX] as const]));
/** Each number option's least and most value: durations and counts as every call takes them
 *  (LEAST), the pool sizes as the core can be sized. */
const NUMBERS: Record<string, readonly [number, number]> = {
  ...range(['logoutTimeoutMs', 'concurrency', 'graceMs', 'connectTimeoutMs', 'loginTimeoutMs']),
  maxSessions: [1, CODE.MAX_SESSIONS_LIMIT],
  maxCommands: [1, CODE.MAX_TASKS],
  maxCommandsPerSession: [1, CODE.MAX_TASKS],
  ...range(['taskManagementTimeoutMs', 'noopIntervalMs', 'noopTimeoutMs', 'replacementTimeoutMs']),
};
const RECONNECT = range(RECONNECT_NUMBERS);
const OTHERS: Record<string, string> = {
  initiatorName: 'string',
  recovery: 'boolean',
  onCallbackError: 'function',
  reconnect: 'object',
};

/** A number option: undefined, or a whole number in its range; throws otherwise. */
function checkNumber(name: string, v: unknown, [least, most]: readonly [number, number]): void {
  if (v === undefined) return;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(v) || v < least || v > most) {
    throw new RangeError(`${name} must be a whole number from ${least} to ${most}`);
  }
}

function checkKeys(o: Record<string, unknown>, known: string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (known.includes(k)) continue;
    const near = known.find((n) => [k.toLowerCase(), `${k.toLowerCase()}ms`].includes(n.toLowerCase()));
    throw new TypeError(`unknown option ${where}${k}${near ? ` (did you mean ${where}${near}?)` : ''}`);
  }
}

/** Throws unless `opts` is undefined or options createAdapter can use as they are. */
export function checkAdapterOptions(opts: unknown): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeError('createAdapter takes an object of options');
  }
  const o = opts as Record<string, unknown>;
  checkKeys(o, [...Object.keys(NUMBERS), ...Object.keys(OTHERS)], '');
  for (const [k, range] of Object.entries(NUMBERS)) checkNumber(k, o[k], range);
  for (const [k, type] of Object.entries(OTHERS)) {
    if (o[k] !== undefined && (typeof o[k] !== type || o[k] === null)) throw new TypeError(`${k} must be a ${type}`);
  }
  const sessions = (o.maxSessions as number | undefined) ?? CODE.DEFAULT_SESSIONS;
  if (o.concurrency !== undefined && (o.concurrency as number) > sessions) {
    throw new RangeError(`concurrency must be at most maxSessions (${sessions})`);
  }
  const commands = (o.maxCommands as number | undefined) ?? CODE.DEFAULT_TASKS;
  if (o.maxCommandsPerSession !== undefined && (o.maxCommandsPerSession as number) > commands) {
    throw new RangeError(`maxCommandsPerSession must be at most maxCommands (${commands})`);
  }
  const r = o.reconnect as Record<string, unknown> | undefined;
  if (r) {
    checkKeys(r, Object.keys(RECONNECT), 'reconnect.');
    for (const [k, range] of Object.entries(RECONNECT)) checkNumber(`reconnect.${k}`, r[k], range);
    const wrongWay = delaysProblem(
      (r.minDelayMs as number | undefined) ?? CODE.RECOVERY_DELAY_MIN_MS,
      (r.maxDelayMs as number | undefined) ?? CODE.RECOVERY_DELAY_MAX_MS,
    );
    if (wrongWay) throw new RangeError(wrongWay);
  }
}
