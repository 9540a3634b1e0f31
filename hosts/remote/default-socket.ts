// Where the daemon listens when no one says otherwise, the same for the daemon, the command and
// connectDaemon(): ISCSI_ADAPTER_SOCKET, else $XDG_RUNTIME_DIR/iscsi-adapter/daemon.sock, for root
// /run/iscsi-adapter/daemon.sock, else a directory of the user's own under /tmp.
export function defaultSocketPath(env: Record<string, string | undefined>, uid: number): string {
  if (uid === 0) return '/run/iscsi-adapter/daemon.sock';
  if (env.XDG_RUNTIME_DIR) return `${env.XDG_RUNTIME_DIR.replace(/\/+$/, '')}/iscsi-adapter/daemon.sock`;
  return `/tmp/iscsi-adapter-${uid}/daemon.sock`;
}

/** The runtime's view of its environment and user, for the default above. */
export interface Whoami {
  env(name: string): string | undefined;
  uid(): number;
}

/** ISCSI_ADAPTER_SOCKET when set, else the default place. */
export function daemonSocket(w: Whoami): string {
  const env = (n: string) => w.env(n);
  return env('ISCSI_ADAPTER_SOCKET') || defaultSocketPath({ XDG_RUNTIME_DIR: env('XDG_RUNTIME_DIR') }, w.uid());
}
