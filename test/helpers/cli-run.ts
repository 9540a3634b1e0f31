// The command as the tests run it: dist/cli.mjs, bundled from the sources, in a child process.
import { execFile, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
export const cli = join(root, 'dist/cli.mjs');

/** Builds dist/cli.mjs from the sources. */
export const bundle = () => execFileSync('node', [join(root, 'scripts/bundle.mjs')], { cwd: root });

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs the command without blocking this process (a target in this process must keep answering). */
export const runCli = (args: string[], env: Record<string, string> = {}, timeoutMs = 60000): Promise<Ran> =>
  new Promise((done) =>
    execFile(
      'node',
      [cli, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => done({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr }),
    )
  );
