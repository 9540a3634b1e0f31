// What the client throws for the daemon's errors and for a daemon it cannot reach.

/** A JSON-RPC error the daemon answered (docs/daemon.md lists the codes), or the connection's end. */
export class DaemonError extends Error {
  constructor(readonly code: number | string, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'DaemonError';
  }
}

/** No daemon answers at the socket: it is absent, stale, or not ours to open (`code` says which). */
export class DaemonUnreachableError extends Error {
  constructor(readonly socket: string, readonly code: string | undefined) {
    super(
      code === 'EACCES' || code === 'EPERM'
        ? `not allowed to connect to the daemon at ${socket} (${code})`
        : `daemon not running at ${socket}${code ? ` (${code})` : ''}`,
    );
    this.name = 'DaemonUnreachableError';
  }
}
