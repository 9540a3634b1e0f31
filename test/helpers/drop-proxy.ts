// A loopback TCP proxy whose drop() destroys every connection through it, on both sides, at once:
// for the adapter a connection that just fails (as a NAT timeout or a reset link does), while the
// target behind it stays up. node:net, so it runs under Node, Deno and Bun.
import net from 'node:net';

export interface DropProxy {
  portal: string;
  /** Connections the proxy has accepted so far. */
  accepted(): number;
  /** Destroys every open client and upstream socket. */
  drop(): void;
  close(): Promise<void>;
}

export function startDropProxy(upstreamHost: string, upstreamPort: number): Promise<DropProxy> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  const track = (s: net.Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
  };
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect({ host: upstreamHost, port: upstreamPort });
    track(client);
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => client.write(d));
    // One side gone: so is the other.
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        portal: `127.0.0.1:${port}`,
        accepted: () => accepted,
        drop: () => {
          for (const s of [...open]) s.destroy();
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of [...open]) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
