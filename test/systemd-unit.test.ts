// examples/iscsi-adapter.service (docs/daemon.md): systemd takes it without a warning, its
// ExecStart is a daemon command line our CLI parses, and the directories it gives the service are
// where root's daemon keeps its socket and its node records.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDaemonArgs } from '../cli/daemon-args.ts';
import { defaultSocketPath } from '../hosts/remote/default-socket.ts';
import { defaultNodesFile } from '../daemon/node-records.ts';

const path = new URL('../examples/iscsi-adapter.service', import.meta.url).pathname;
const unit = readFileSync(path, 'utf8');
const key = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];

describe('the systemd unit', () => {
  it('passes systemd-analyze verify with nothing printed (a warning is a failure too)', () => {
    const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect({ status: r.status, said: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, said: '' });
  });

  it('its ExecStart is a daemon command line the CLI parses, kept in the foreground', () => {
    const line = /^\/usr\/bin\/env iscsi-adapter (.*)$/.exec(key('ExecStart') ?? '')?.[1];
    expect(line).toBeDefined();
    expect(parseDaemonArgs(line!.split(/\s+/))).toMatchObject({ command: 'daemon', foreground: true });
  });

  it("its RuntimeDirectory holds root's default socket, and its configuration directory the node records", () => {
    expect(`/run/${key('RuntimeDirectory')}`).toBe(dirname(defaultSocketPath({}, 0)));
    const records = dirname(defaultNodesFile({}, 0));
    expect(`/etc/${key('ConfigurationDirectory')}`).toBe(records);
    expect(key('ReadWritePaths')).toBe(`-${records}`);
  });
});
