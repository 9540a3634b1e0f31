// The bridge ending a WebSocket: the reason cut to what a close frame carries (123 bytes of
// UTF-8; ws throws past it, and the reason can hold a client's Origin or portal), and the socket
// cut off a moment later if the client does not answer, so a silent client does not hold a
// connection slot for ws's 30 s closing timeout.
import type { WebSocket } from 'ws';

const MAX_REASON = 123;
/** How long a client has to answer our close frame. */
export const CUT_AFTER_MS = 1000;

export function fitReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON) return reason;
  let r = reason;
  while (Buffer.byteLength(r) > MAX_REASON - 3) r = r.slice(0, -1);
  return `${r}...`;
}

/** Closes `ws` with `code`; `stopReading`: nothing more from this client is read (a refusal). */
export function closeClient(ws: WebSocket, code: number, reason: string, stopReading = false): void {
  if (ws.readyState === ws.CLOSED) return;
  try {
    ws.close(code, fitReason(reason));
  } catch {
    ws.terminate();
    return;
  }
  if (stopReading) ws.pause();
  const cut = setTimeout(() => ws.terminate(), CUT_AFTER_MS);
  ws.once('close', () => clearTimeout(cut));
}
