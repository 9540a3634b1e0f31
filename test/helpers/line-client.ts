// A bare client of the daemon's socket for the bad-input tests: raw lines out, parsed answers in.
import net from 'node:net';
import { bounded } from './env.ts';

export interface LineClient {
  send(text: string): void;
  /** The next message the daemon sends, within 5 s. */
  next(): Promise<Record<string, unknown>>;
  /** Resolves when the daemon has closed the connection, within 5 s. */
  ended(): Promise<void>;
  close(): Promise<void>;
}

export function lineClient(path: string): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ path });
    const got: Record<string, unknown>[] = [];
    const waiting: ((m: Record<string, unknown>) => void)[] = [];
    let text = '';
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('data', (d: Uint8Array) => {
      text += new TextDecoder().decode(d);
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
        const m = JSON.parse(text.slice(0, nl));
        text = text.slice(nl + 1);
        const w = waiting.shift();
        if (w) w(m);
        else got.push(m);
      }
    });
    sock.once('error', reject);
    sock.once('connect', () =>
      resolve({
        send: (t) => void sock.write(t),
        next: () =>
          bounded(
            got.length ? Promise.resolve(got.shift()!) : new Promise((r) => waiting.push(r)),
            5000,
            'an answer from the daemon',
          ),
        ended: () => bounded(closed, 5000, 'the daemon to close the connection'),
        close: () => {
          sock.destroy();
          return closed;
        },
      }));
  });
}

export const request = (id: number, method: string, params: object = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n';
export const HELLO = request(0, 'hello', { version: 1 });
