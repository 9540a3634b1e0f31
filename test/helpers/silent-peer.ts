// A TCP peer that accepts and never says a word: the target that makes an initiator wait.
import net from 'node:net';

export async function silentPeer(): Promise<{ portal: string; accepted(): number; close(): Promise<void> }> {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => {
    held.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    portal: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    accepted: () => held.length,
    close: async () => {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
