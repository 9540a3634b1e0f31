// `iscsi-adapter bridge`: runs the WebSocket-to-TCP relay (bridge/server.ts) until SIGINT or
// SIGTERM. One line on stdout once listening; one line per connection event on stderr.
import { readFileSync, statSync } from 'node:fs';
import { startBridge } from '../bridge/server.ts';
import { parseBridgeArgs } from './bridge-args.ts';
import { EXIT } from './args.ts';
import { UsageError } from './usage-error.ts';

function readToken(file: string): string {
  const st = statSync(file);
  // As ssh does with a key: a token others can read is not a secret any more.
  if ((st.mode & 0o077) !== 0) {
    throw new UsageError(
      `--token-file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return readFileSync(file, 'utf8').trim();
}

export async function bridgeCli(argv: string[]): Promise<number> {
  let bridge;
  try {
    const o = parseBridgeArgs(argv);
    bridge = await startBridge({
      host: o.host,
      port: o.port,
      allow: o.allow,
      token: readToken(o.tokenFile),
      origins: o.origins,
      maxConnections: o.maxConnections,
      maxPerAddress: o.maxPerAddress,
      idleMs: o.idleMs,
      connectMs: o.connectMs,
      log: o.quiet ? undefined : (line) => void process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    console.log(`bridge listening on ${bridge.url}, allowing ${o.allow.join(', ')}`);
  } catch (e) {
    console.error(`iscsi-adapter bridge: ${(e as Error).message}`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
  const running = bridge;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(EXIT.interrupted);
      stopping = true;
      running.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.ok;
}
