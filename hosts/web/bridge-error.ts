import { bridgeCloseName } from './bridge-protocol.ts';

/** The bridge refused a connection, or ended one (docs/bridge.md lists the codes). */
export class BridgeError extends Error {
  override name = 'BridgeError';
  /** The WebSocket close code, and its name (`portal-not-allowed`, ...). */
  readonly closeCode: number;
  readonly closeName: string;
  constructor(what: string, code: number, reason: string) {
    super(`${what}: ${code} ${bridgeCloseName(code)}${reason ? ` (${reason})` : ''}`);
    this.closeCode = code;
    this.closeName = bridgeCloseName(code);
  }
}
