// The command a storage admin runs (`iscsi-adapter`), run as built, as a user would: stdout,
// stderr and the exit status of each case (cli/args.ts lists them).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { bundle, cli, type Ran, runCli } from './helpers/cli-run.ts';
import { startTarget } from 'iscsi-adapter/target';
import { until } from './helpers/env.ts';

const run = runCli;
const noTrace = (r: Ran) => expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |TypeError|ReferenceError/);

describe('iscsi-adapter (the command)', () => {
  beforeAll(() => {
    bundle();
  }, 60000);

  it('demo --json: reads and writes in flight are drained, every session logs out, one JSON object', async () => {
    const r = await run(['demo', '--json', '--sessions', '2']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      hrName: 'S_OK',
      loginFailures: [],
      io: ['write ok', 'write ok', 'read ok', 'read ok', 'write ok', 'write ok', 'read ok', 'read ok'],
    });
    expect(out.sessions.map((s: { commandsDrained: number }) => s.commandsDrained)).toEqual([4, 4]);
  });

  it('demo --drop: the first read loses its connection, the session recovers, every read and write ends ok', async () => {
    const r = await run(['demo', '--sessions', '2', '--drop']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/lost its connection \(transport\); recovering/);
    expect(r.stderr).toMatch(/recovered at 127\.0\.0\.1:\d+, TSIH \d+, after 1 attempt\(s\)/);
    expect(r.stdout).toMatch(/^I\/O: 4 write ok, 4 read ok$/m);
    expect(r.stdout).toMatch(/^result: S_OK \(0x00000000\)/m);
  });

  it('--drop is for demo only: bad usage (2)', async () => {
    const r = await run(['logout-test', '--portal', '127.0.0.1:1', '--drop']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--drop is for demo/);
    noTrace(r);
  });

  it('no command is bad usage (2), said in one line, no stack trace', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a command is needed/);
    noTrace(r);
  });

  it('logout-test without --portal is bad usage, never a silent switch to the built-in target', async () => {
    const r = await run(['logout-test', '--target', 'iqn.2026-11.real:t1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --portal/);
  });

  it('--json prints one JSON object for a usage error too', async () => {
    const r = await run(['probe', '--json', '--sessions', 'many']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatch(/--sessions must be a whole number/);
  });

  it('an unreachable portal exits 5 and says so', async () => {
    const r = await run([
      'logout-test',
      '--portal',
      '127.0.0.1:1',
      '--target',
      'iqn.2026-11.x:y',
      '--connect-timeout=2000',
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/connect-failed: ECONNREFUSED 127\.0\.0\.1:1$/m);
    expect(r.stderr).not.toMatch(/target status/); // the target never said anything
    expect(r.stderr.trim().split('\n')).toHaveLength(1); // one line, not one per session and a summary
    noTrace(r);
  });

  it('a target that is not an iSCSI name is bad usage (2), and the line says why', async () => {
    const r = await run(['logout-test', '--portal', '127.0.0.1:1', '--target', 'disk1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid-argument: target is not an iSCSI name \(iqn\.\/eui\.\/naa\.\): disk1$/m);
    noTrace(r);
  });

  it('a port out of range is bad usage (2), and the line says why', async () => {
    const r = await run(['discover', '--portal', '127.0.0.1:99999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid-argument: portal is not host\[:port\] with a port from 1 to 65535/);
    noTrace(r);
  });

  it('discover authenticates with --chap-user when the portal asks for CHAP', async () => {
    const t = await startTarget({
      targets: [{ name: 'iqn.2026-11.dev.cli:disc-chap' }],
      discoveryChap: { user: 'disco', secret: 'DiscoSecret12' },
    });
    const without = await run(['discover', '--portal', t.portal]);
    const withChap = await run(['discover', '--portal', t.portal, '--chap-user', 'disco', '--json'], {
      ISCSI_CHAP_SECRET: 'DiscoSecret12',
    });
    await t.close();
    expect(without.code).toBe(3);
    expect(withChap.code).toBe(0);
    expect(JSON.parse(withChap.stdout).targets.map((x: { name: string }) => x.name)).toEqual([
      'iqn.2026-11.dev.cli:disc-chap',
    ]);
  });

  it('mutual CHAP: --chap-target-user with ISCSI_CHAP_TARGET_SECRET logs in and out', async () => {
    const t = await startTarget({
      targets: [{
        name: 'iqn.2026-11.dev.cli:mutual',
        chap: { user: 'alice', secret: 'AliceSecret12', targetUser: 'tgt', targetSecret: 'TargetSecret12' },
      }],
    });
    const r = await run([
      'logout-test',
      '--portal',
      t.portal,
      '--target',
      'iqn.2026-11.dev.cli:mutual',
      '--chap-user',
      'alice',
      '--chap-target-user',
      'tgt',
      '--json',
    ], { ISCSI_CHAP_SECRET: 'AliceSecret12', ISCSI_CHAP_TARGET_SECRET: 'TargetSecret12' });
    await t.close();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ hrName: 'S_OK', loginFailures: [] });
  });

  it('mutual CHAP: a target that proves the wrong secret exits 3', async () => {
    const t = await startTarget({
      targets: [{
        name: 'iqn.2026-11.dev.cli:mutual-bad',
        chap: { user: 'alice', secret: 'AliceSecret12', targetUser: 'tgt', targetSecret: 'NotWhatWeHold1' },
      }],
    });
    const r = await run([
      'logout-test',
      '--portal',
      t.portal,
      '--target',
      'iqn.2026-11.dev.cli:mutual-bad',
      '--chap-user',
      'alice',
      '--chap-target-user',
      'tgt',
    ], { ISCSI_CHAP_SECRET: 'AliceSecret12', ISCSI_CHAP_TARGET_SECRET: 'TargetSecret12' });
    await t.close();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/mutual-auth-failed/);
  });

  it('logins that fail alike are said once with their count, and the sessions that did log in are logged out', async () => {
    const name = 'iqn.2026-11.dev.cli:some-silent';
    const t = await startTarget({ targets: [{ name, fault: 'silent-logins' }] });
    const r = await run([
      'logout-test',
      '--portal',
      t.portal,
      '--target',
      name,
      '--sessions',
      '4',
      '--login-timeout',
      '1000',
    ]);
    await t.close();
    expect(r.code).toBe(1);
    const failures = r.stderr.split('\n').filter((l) => l.includes('failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /^3 logins: login to 127\.0\.0\.1:\d+ failed: VDS_E_ISCSI_LOGIN_FAILED \(0x80042708\): timeout: the target did not finish the login within loginTimeoutMs \(\d+ ms\)$/,
    );
    expect(r.stdout).toMatch(/^result: S_OK/m);
  });

  it('--chap-target-user without its secret is bad usage (2)', async () => {
    const r = await run(['discover', '--portal', '127.0.0.1:1', '--chap-user', 'a', '--chap-target-user', 't'], {
      ISCSI_CHAP_SECRET: 'AliceSecret12',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ISCSI_CHAP_TARGET_SECRET/);
  });

  it('a wrong CHAP secret exits 3 and names the target status, instead of going on to the logout', async () => {
    const t = await startTarget({
      targets: [{ name: 'iqn.2026-11.dev.cli:chap', chap: { user: 'alice', secret: 'RightSecret12' } }],
    });
    const r = await run([
      'logout-test',
      '--portal',
      t.portal,
      '--target',
      'iqn.2026-11.dev.cli:chap',
      '--chap-user',
      'alice',
    ], {
      ISCSI_CHAP_SECRET: 'WrongSecret12',
    });
    await t.close();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/auth-failed, target status 0x0201/);
    expect(r.stdout).not.toMatch(/LogoutFromTarget/);
  });

  it('an unknown target exits 4', async () => {
    const t = await startTarget({ targets: [{ name: 'iqn.2026-11.dev.cli:known' }] });
    const r = await run(['logout-test', '--portal', t.portal, '--target', 'iqn.2026-11.dev.cli:unknown']);
    await t.close();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not-found/);
  });

  it('discover lists the targets of a portal', async () => {
    const t = await startTarget({ targets: [{ name: 'iqn.2026-11.dev.cli:a' }, { name: 'iqn.2026-11.dev.cli:b' }] });
    const r = await run(['discover', '--portal', t.portal, '--json']);
    await t.close();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).targets.map((x: { name: string }) => x.name)).toEqual([
      'iqn.2026-11.dev.cli:a',
      'iqn.2026-11.dev.cli:b',
    ]);
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('Ctrl-C during a logout that hangs exits 130, bounded, saying what it does', async () => {
    const t = await startTarget({ targets: [{ name: 'iqn.2026-11.dev.cli:hang', fault: 'no-response' }] });
    const child = spawn('node', [
      cli,
      'logout-test',
      '--portal',
      t.portal,
      '--target',
      'iqn.2026-11.dev.cli:hang',
      '--logout-timeout',
      '600000',
    ]);
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? -1)));
    await until(() => t.received.some((p) => p.opcode === 0x06), 20000, 'the Logout to reach the target');
    process.kill(child.pid!, 'SIGINT'); // as a terminal's Ctrl-C does (child.kill makes Deno report the signal, not the exit status)
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted: logging out what is open/);
    await t.close();
  }, 30000);

  it(
    'Ctrl-C while logins are running: they are cancelled, the one that completed is logged out, one line says so',
    async () => {
      const name = 'iqn.2026-11.dev.cli:slow-logins';
      const t = await startTarget({ targets: [{ name, fault: 'silent-logins' }] });
      const child = spawn('node', [cli, 'logout-test', '--portal', t.portal, '--target', name, '--sessions', '4']);
      let stdout = '', stderr = '';
      child.stdout.on('data', (b) => (stdout += b));
      child.stderr.on('data', (b) => (stderr += b));
      const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? -1)));
      const logins = () => t.received.filter((p) => p.opcode === 0x03);
      const isids = () => new Set(logins().map((p) => Buffer.from(p.bhs.subarray(8, 14)).toString('hex'))).size;
      // The first session's last Login Request (T, NSG 3) was answered; the other three wait.
      await until(() => isids() === 4 && logins().some((p) => (p.bhs[1] & 0x83) === 0x83), 20000, 'four logins');
      await new Promise((r) => setTimeout(r, 300)); // the answer to reach the initiator
      process.kill(child.pid!, 'SIGINT');
      expect(await exited).toBe(130);
      await t.close();
      expect(t.received.filter((p) => p.opcode === 0x06)).toHaveLength(1); // the one session's Logout
      expect(stdout).not.toMatch(/E_INVALIDARG|LogoutFromTarget/);
      expect(stderr.trim().split('\n')).toEqual([
        'interrupted: logging out what is open (Ctrl-C again to quit at once)',
        'iscsi-adapter: interrupted: 3 login(s) cancelled; every session is logged out',
      ]);
    },
    30000,
  );
});
