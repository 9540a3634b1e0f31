// A built-in target serving one target, and an adapter logged in to it `sessions` times: the
// disk the I/O suites test against, and its teardown that checks nothing was left behind.
import { expect } from 'vitest';
import { type Adapter, type AdapterOptions, createAdapter, type Session } from 'iscsi-adapter';
import { type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';

export async function ownDisk(name: string, spec: Partial<TargetSpec> = {}, sessions = 1, opts: AdapterOptions = {}) {
  const target = await startTarget({ targets: [{ name, ...spec }] });
  const adapter = createAdapter(opts);
  const disks: Session[] = [];
  for (let i = 0; i < sessions; i++) {
    const output = await adapter.loginToTarget({ target: name, portal: target.portal }).result();
    disks.push(adapter.session(output.sessionId!)!);
  }
  return { target, adapter, disk: disks[0], disks };
}

export async function done(env: { target: RunningTarget; adapter: Adapter }) {
  await env.adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  await env.target.close();
}
