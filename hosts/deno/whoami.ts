// The environment and user id the default daemon socket depends on, under Deno: reading them
// needs --allow-env and --allow-sys, so a refusal says what to give instead.
import type { Whoami } from '../remote/default-socket.ts';

declare const Deno: { env: { get(name: string): string | undefined }; uid(): number | null };

const asked = <T>(what: () => T): T => {
  try {
    return what();
  } catch (e) {
    throw new TypeError(
      `connectDaemon() without { socket } reads ISCSI_ADAPTER_SOCKET, XDG_RUNTIME_DIR and the user id: ${
        (e as Error).message
      } (give { socket } or --allow-env and --allow-sys)`,
    );
  }
};

export const whoami: Whoami = {
  env: (name) => asked(() => Deno.env.get(name)),
  uid: () => asked(() => Deno.uid() ?? 0),
};
