// Wireshark's dissector as a second opinion on our bytes (docs/testing.md).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, kill, removeDir, spawnDetached, tempDir, waitFor } from './daemon.ts';

export interface Capture {
  file: string;
  stop(): Promise<void>;
  fields(port: number, filter: string, fields: string[]): string[][];
  dispose(): void;
}

export async function startCapture(port: number): Promise<Capture> {
  const dir = tempDir('iscsi-tshark-');
  const file = join(dir, 'cap.pcapng');
  const log = join(dir, 'tshark.log');
  const pid = spawnDetached('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file, '-a', 'duration:60'], log);
  await waitFor(
    () => /Capturing on/.test(readFileSync(log, 'utf8')) || !alive(pid),
    15000,
    'tshark to start capturing',
  );
  if (!alive(pid)) {
    const text = readFileSync(log, 'utf8');
    removeDir(dir);
    throw new Error(`tshark did not start: ${text}`);
  }
  // "Capturing on" is printed when dumpcap starts, a moment before its filter sees packets.
  await new Promise((r) => setTimeout(r, 1000));
  return {
    file,
    async stop() {
      await new Promise((r) => setTimeout(r, 500)); // let the last segments reach the capture
      kill(pid, 'SIGINT'); // tshark flushes and closes the file on SIGINT
      await waitFor(() => !alive(pid), 10000, 'tshark to stop');
    },
    fields(p, filter, fs) {
      const out = execFileSync('tshark', [
        '-r',
        file,
        '-d',
        `tcp.port==${p},iscsi`,
        '-Y',
        filter,
        '-T',
        'fields',
        ...fs.flatMap((f) => ['-e', f]),
      ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
    },
    dispose() {
      kill(pid, 'SIGKILL');
      removeDir(dir);
    },
  };
}
