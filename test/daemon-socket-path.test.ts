// Where the daemon listens by default: the same place for the daemon, the command and connectDaemon().
import { describe, expect, it } from 'vitest';
import { daemonSocket, defaultSocketPath } from '../hosts/remote/default-socket.ts';

describe('the default daemon socket', () => {
  it('root: /run/iscsi-adapter; a user: $XDG_RUNTIME_DIR, else a directory of their own under /tmp', () => {
    expect(defaultSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' }, 0)).toBe('/run/iscsi-adapter/daemon.sock');
    expect(defaultSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000/' }, 1000)).toBe(
      '/run/user/1000/iscsi-adapter/daemon.sock',
    );
    expect(defaultSocketPath({}, 1000)).toBe('/tmp/iscsi-adapter-1000/daemon.sock');
  });

  it('ISCSI_ADAPTER_SOCKET comes before the default', () => {
    const env: Record<string, string> = { ISCSI_ADAPTER_SOCKET: '/srv/a.sock', XDG_RUNTIME_DIR: '/run/user/7' };
    expect(daemonSocket({ env: (n) => env[n], uid: () => 7 })).toBe('/srv/a.sock');
    expect(daemonSocket({ env: (n) => (n === 'ISCSI_ADAPTER_SOCKET' ? '' : env[n]), uid: () => 7 })).toBe(
      '/run/user/7/iscsi-adapter/daemon.sock',
    );
  });
});
