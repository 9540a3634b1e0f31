// A loopback TCP proxy that writes down every byte each side sent, and how each side ended
// (FIN or RST), per connection in the order connections arrived. It stands between the adapter
// and a target so the wire corpus can see what really crossed the sockets, under any runtime:
// node:net is what Node, Deno and Bun all provide.
import net from 'node:net';

export interface Direction {
  bytes: Uint8Array[];
  /** How this side ended its half: 'FIN', 'RST', or undefined while it is still open. */
  end?: 'FIN' | 'RST';
}
export interface ProxiedConnection {
  /** initiator -> target */
  out: Direction;
  /** target -> initiator */
  in: Direction;
  closed: boolean;
}
export interface RecordingProxy {
  portal: string;
  connections: ProxiedConnection[];
  /** Resolves once every connection is closed on both sides, or rejects after ms. */
  settled(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** `listenPort`: a fixed port (a bridge's allowlist names it before the proxy starts); 0 for any. */
export function startProxy(upstreamHost: string, upstreamPort: number, listenPort = 0): Promise<RecordingProxy> {
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const rec: ProxiedConnection = { out: { bytes: [] }, in: { bytes: [] }, closed: false };
    connections.push(rec);
    const upstream = net.connect({ host: upstreamHost, port: upstreamPort, allowHalfOpen: true });
    track(client);
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let open = 2;
    const closedOne = () => {
      if (--open === 0) rec.closed = true;
    };
    // Half-closes pass through as half-closes and resets as resets, so each peer sees what the
    // other did.
    const pipe = (from: net.Socket, to: net.Socket, dir: Direction) => {
      from.on('data', (b: Uint8Array) => {
        dir.bytes.push(new Uint8Array(b));
        to.write(b);
      });
      from.on('end', () => {
        dir.end ??= 'FIN';
        to.end();
      });
      from.on('error', () => {
        dir.end ??= 'RST';
        const reset = (to as { resetAndDestroy?: () => void }).resetAndDestroy;
        if (reset) reset.call(to);
        else to.destroy();
      });
      from.on('close', closedOne);
    };
    pipe(client, upstream, rec.out);
    pipe(upstream, client, rec.in);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        portal: `127.0.0.1:${port}`,
        connections,
        async settled(ms) {
          const end = Date.now() + ms;
          while (connections.some((c) => !c.closed)) {
            if (Date.now() > end) throw new Error(`proxied connections still open after ${ms} ms`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        close() {
          for (const s of sockets) s.destroy();
          return new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}
