// The adapter's event listeners (docs/events.md), as EventEmitter keeps them: each on() or once()
// is one registration, off() removes one, and a listener that throws stops no other listener.
import type { AdapterEvent } from './api.ts';
import { EVENT_NAMES, type EventType } from './codes.ts';
import { deliver, type Report } from './deliver.ts';

/** The event of one type, narrowed. */
export type EventOf<T extends EventType> = Extract<AdapterEvent, { type: T }>;
export type Listener = (e: AdapterEvent) => void;

interface Registration {
  /** undefined: every event. */
  type: EventType | undefined;
  fn: Listener;
  once: boolean;
  /** False once removed, so a listener removed during an emit is not called by it. */
  live: boolean;
}
const TYPES = new Set<string>(Object.values(EVENT_NAMES));

/** What on(), once() and off() were given, checked: the event type (undefined for every event)
 *  and the listener. Throws TypeError for an unknown event name or a listener that is not a function. */
export function listenerArgs(call: string, a: unknown, b: unknown): [EventType | undefined, Listener] {
  if (typeof a === 'function' && b === undefined) return [undefined, a as Listener];
  if (typeof a === 'string' && !TYPES.has(a)) {
    throw new TypeError(`${call}(): '${a}' is not an event; the events are ${[...TYPES].join(', ')}`);
  }
  if (typeof a !== 'string' || typeof b !== 'function') {
    throw new TypeError(
      `${call}() takes a listener function: ${call}((event) => ...) or ${call}('connection-lost', (event) => ...)`,
    );
  }
  return [a as EventType, b as Listener];
}

export class Listeners {
  #all: Registration[] = [];

  /** Adds one registration; the function returned removes it (and only it). */
  add(type: EventType | undefined, fn: Listener, once: boolean): () => void {
    const r: Registration = { type, fn, once, live: true };
    this.#all.push(r);
    return () => this.#drop(r);
  }

  /** Removes the latest registration of `fn` for `type`, as EventEmitter's off() does. */
  remove(type: EventType | undefined, fn: Listener): void {
    const r = this.#all.findLast((r) => r.type === type && r.fn === fn);
    if (r) this.#drop(r);
  }

  /** Calls each live registration for `e` in the order added; an error goes to `report`. */
  emit(e: AdapterEvent, report: Report): void {
    for (const r of [...this.#all]) {
      if (!r.live || (r.type !== undefined && r.type !== e.type)) continue;
      if (r.once) this.#drop(r);
      deliver(report, r.fn, e);
    }
  }

  #drop(r: Registration): void {
    if (!r.live) return;
    r.live = false;
    this.#all.splice(this.#all.indexOf(r), 1);
  }
}
