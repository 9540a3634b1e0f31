// Calls a user's callback from inside the engine's action loop. A callback that throws must not
// stop the loop (the actions after it would be lost: a socket never closed, a handle never
// resolved), so its error goes to `report` instead: the adapter's onCallbackError, or by default
// thrown again on its own, as EventTarget does with a listener's error.
export type Report = (err: unknown) => void;
export const rethrowLater: Report = (err) =>
  queueMicrotask(() => {
    throw err;
  });

export function deliver<A extends unknown[]>(report: Report, fn: (...args: A) => void, ...args: A): void {
  try {
    fn(...args);
  } catch (e) {
    report(e);
  }
}
