// What a browser host and `iscsi-adapter bridge` say to each other over one WebSocket, which
// carries one TCP connection to one iSCSI portal (docs/bridge.md). Payload bytes are never
// looked at on either side: binary frames are the TCP byte stream, in order, both ways.

/** The subprotocol both sides name, so a bridge of another version refuses at the upgrade. */
export const BRIDGE_SUBPROTOCOL = 'iscsi-bridge.v1';

/** The client's first frame (text, JSON): nothing reaches a target before it is checked. The
 *  token travels here, not in the URL, so no proxy or access log records it. */
export interface BridgeHello {
  token: string;
  /** `host:port` (`[v6]:port`), which must be on the bridge's allowlist exactly as written. */
  portal: string;
}

/** The largest binary frame a client sends and the bridge accepts (1009 past it): a bound on what
 *  one connection can make the bridge hold, small beside a PDU's 256 KiB data segments. */
export const BRIDGE_MAX_FRAME = 1 << 20;

/** Text frames from the bridge: the TCP connection is up; the target sent its FIN. */
export const BRIDGE_OPEN = 'open';
export const BRIDGE_END = 'end';

/** How the bridge ends a WebSocket. 1000 follows the target's orderly close; every other code
 *  says why, and the ones below 4500 are given before any TCP connect is tried. */
export const BRIDGE_CLOSE = {
  NORMAL: 1000,
  BAD_HELLO: 4400,
  BAD_TOKEN: 4401,
  PORTAL_NOT_ALLOWED: 4403,
  ORIGIN_NOT_ALLOWED: 4405,
  TIMEOUT: 4408,
  TOO_MANY_CONNECTIONS: 4429,
  CONNECT_FAILED: 4502,
  TARGET_RESET: 4503,
  SHUTTING_DOWN: 4504,
} as const;
export type BridgeCloseCode = (typeof BRIDGE_CLOSE)[keyof typeof BRIDGE_CLOSE];

// RFC 6455's own codes that reach either side, named as ours are.
const STANDARD: [number, string][] = [[1001, 'going-away'], [1005, 'no-status'], [1006, 'abnormal'], [1009, 'too-big']];
const NAMES = new Map<number, string>([
  ...Object.entries(BRIDGE_CLOSE).map(([k, v]): [number, string] => [v, k.toLowerCase().replaceAll('_', '-')]),
  ...STANDARD,
]);
/** `4403` → `portal-not-allowed`; a code the bridge does not send → `code-N`. */
export const bridgeCloseName = (code: number): string => NAMES.get(code) ?? `code-${code}`;
