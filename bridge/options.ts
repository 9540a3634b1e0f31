// What `iscsi-adapter bridge` is told, and its limits when not told (docs/bridge.md, "Limits").
import { BRIDGE_MAX_FRAME } from '../hosts/web/bridge-protocol.ts';

export interface BridgeOptions {
  /** Where to listen: a loopback address by default, a port (0: any free one). */
  host?: string;
  port?: number;
  /** The only portals a client may reach, `host:port` as the client names them. */
  allow: string[];
  /** The shared secret every client sends in its hello. */
  token: string;
  /** When given, the only page origins a browser client may come from. */
  origins?: string[];
  /** WebSockets open at once, counted from the upgrade; past it a new one is closed at once. */
  maxConnections?: number;
  /** WebSockets open at once from one client address (`maxConnections` when absent): one host
   *  cannot take every slot. Behind a proxy every client has the proxy's address. */
  maxPerAddress?: number;
  /** A relay with no bytes either way for this long is closed. */
  idleMs?: number;
  /** The client's hello must arrive within this. */
  helloMs?: number;
  /** A TCP connect to a portal must succeed within this. */
  connectMs?: number;
  /** Bytes queued toward one side before the other side is paused: a slow browser or a slow
   *  target holds the bridge to about twice this per connection. */
  highWater?: number;
  /** One line per connection event (never payload bytes); none when absent. */
  log?: (line: string) => void;
}

export const BRIDGE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  maxConnections: 64,
  idleMs: 15 * 60_000,
  helloMs: 5000,
  connectMs: 10_000,
  highWater: 1 << 20,
} as const;

/** The largest WebSocket frame a client may send, as the web host cuts them (ws closes 1009 past it). */
export const MAX_FRAME = BRIDGE_MAX_FRAME;

export type ResolvedBridgeOptions = Required<Omit<BridgeOptions, 'origins' | 'log' | 'maxPerAddress'>> & BridgeOptions;
/** The defaults under what was given; an option given as undefined keeps its default. */
export const resolveBridgeOptions = (o: BridgeOptions): ResolvedBridgeOptions => ({
  ...BRIDGE_DEFAULTS,
  ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
} as ResolvedBridgeOptions);
