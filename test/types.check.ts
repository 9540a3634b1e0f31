// Compiled by `npm run typecheck`, never run: each @ts-expect-error line is a mistake the
// public types must catch (tsc fails if one of them compiles).
import type { AdapterEvent, Auth, LoginOutput, SessionOutcome } from 'iscsi-adapter';
import { createAdapter } from 'iscsi-adapter';

// @ts-expect-error a made-up login result
export const r: LoginOutput['result'] = 'made-up';
// @ts-expect-error a made-up per-session reason
export const reason: SessionOutcome['reason'] = 'gone-fishing';
// @ts-expect-error a made-up event type
export const ev: AdapterEvent['type'] = 'earthquake';
// @ts-expect-error CHAP without user and secret
export const auth: Auth = { method: 'chap' };
// @ts-expect-error mutual CHAP without the target's name and secret
export const mutual: Auth = { method: 'mutual-chap', user: 'u', secret: 's' };
// @ts-expect-error the handle's internals are not part of its surface
createAdapter().loginToTarget({ target: 'iqn.2026-11.x:y', portal: 'h' })._finish(0, 0);
// @ts-expect-error a logout policy that does not exist
createAdapter().logoutFromTarget('iqn.2026-11.x:y', { inflight: 'ignore' });

export const ok: Auth = { method: 'mutual-chap', user: 'u', secret: 's', targetUser: 't', targetSecret: 'x' };

// An event narrows by its type: its own fields are there, another type's are not.
export function eventFields(e: AdapterEvent): number {
  if (e.type === 'unit-attention') return e.asc + e.ascq;
  if (e.type === 'async-logout-request') {
    // @ts-expect-error a unit attention's field on a logout request
    return e.asc;
  }
  // @ts-expect-error the positional parameters are gone
  return e.p1;
}

// Node 20 lends `ws`'s client to the web host, as docs/hosts.md shows: its class must fit.
import { WebSocket as WsWebSocket } from 'ws';
import { createAdapter as createWebAdapter } from 'iscsi-adapter/web';
createWebAdapter({ bridge: 'ws://127.0.0.1:8080', token: 'a-token-of-16-chars', WebSocket: WsWebSocket });
// @ts-expect-error the web host needs its bridge's token
createWebAdapter({ bridge: 'ws://127.0.0.1:8080' });

// A custom host is handed the engine's ConnectAbort as `signal`; an AbortSignal fits the same
// type (docs/hosts.md), and so does a plain object that keeps the two fields.
import type { ConnectSignal } from 'iscsi-adapter';
export const fromController: ConnectSignal = new AbortController().signal;
export const plain: ConnectSignal = { aborted: false, onabort: () => {} };
// @ts-expect-error a signal without `aborted` is not one
export const partial: ConnectSignal = { onabort: null };
// A host written for an AbortSignal as `signal` does not compile: Host.connect is a property.
import type { Conn, ConnHandlers, Host } from 'iscsi-adapter';
declare const conn: Conn;
export const oldShape: Host = {
  ...({} as Host),
  // @ts-expect-error its opts.signal is an AbortSignal, which a ConnectSignal is not
  connect: (opts: { host: string; port: number; signal?: AbortSignal }, _h: ConnHandlers) =>
    Promise.resolve(opts.signal?.throwIfAborted() ?? conn),
};
// A logout's IscsiError carries each session's outcome, typed (no cast needed).
import { IscsiError as TypedError } from 'iscsi-adapter';
declare const failed: TypedError;
export const firstReason: string | undefined = failed.sessions?.[0]?.reason;
// @ts-expect-error an outcome has no `portals`
export const noSuchField = failed.sessions?.[0]?.portals;
