// Login latency and LogoutFromTarget at scale against tgtd: this project under Node, Deno and
// Bun, beside libiscsi (C) logging out one session after another and all at once.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';

const json = process.argv.includes('--json');
const sizes = [1, 16, 64, 256];
const T = 'iqn.2026-11.dev.bench:logout';
const tgtd = await startTgtd([{ tid: 1, name: T }]);
const rows: Record<string, number | string>[] = [];
const run = (cmd: string, args: string[]) => {
  const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (line) rows.push(JSON.parse(line));
};
let peer = true;
try {
  execFileSync('cc', ['-O2', '-o', 'build/libiscsi-logout', 'bench/c/libiscsi-logout.c', '-liscsi'], {
    stdio: 'ignore',
  });
} catch {
  peer = false;
}
try {
  for (const n of sizes) {
    const args = ['--portal', tgtd.portals[0], '--target', T, '--sessions', String(n)];
    run('node', ['build/bench-logout.mjs', ...args]);
    run('node_modules/.bin/deno', ['run', '-A', 'bench/logout.ts', ...args]);
    run('node_modules/.bin/bun', ['bench/logout.ts', ...args]);
    if (peer) {
      for (const mode of ['sync', 'async']) run('build/libiscsi-logout', [tgtd.portals[0], T, String(n), mode]);
    }
    if (tgtd.sessions(T) !== 0) throw new Error(`tgtd still holds ${tgtd.sessions(T)} sessions after n=${n}`);
  }
} finally {
  tgtd.stop();
}

if (json) rows.forEach((r) => console.log(JSON.stringify(r)));
const lines = [
  '| sessions | impl | runtime | login, mean per session | LogoutFromTarget (all sessions) |',
  '|---|---|---|---|---|',
];
for (const r of rows) {
  lines.push(
    `| ${r.sessions} | ${r.impl} | ${r.runtime} | ${Number(r.loginMeanMs).toFixed(2)} ms | ${
      Number(r.logoutMs).toFixed(1)
    } ms |`,
  );
}
const section = writeSection(
  'logout',
  [
    '## Login latency and LogoutFromTarget at scale (tgtd on loopback)',
    '',
    `Command: \`npm run bench:logout\` (needs tgt; the peer needs libiscsi-dev), ${
      new Date().toISOString().slice(0, 10)
    }.`,
    machineLine(),
    'Sessions log in one after another; the logout is one call for all of them. libiscsi-sync logs out',
    'session by session (iscsi_logout_sync), libiscsi-async sends every Logout then services all sockets.',
    peer ? '' : '**libiscsi-dev was not installed: no peer rows.**',
    '',
    ...lines,
  ].join('\n'),
);
if (!json) console.log(section);
