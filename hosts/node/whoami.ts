// The environment and user id the default daemon socket depends on (Node and Bun).
import type { Whoami } from '../remote/default-socket.ts';

export const whoami: Whoami = {
  env: (name) => process.env[name],
  uid: () => process.getuid?.() ?? 0,
};
