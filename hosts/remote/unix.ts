// How a runtime connects to a Unix domain socket: each runtime entry supplies its own.
import type { Conn, ConnHandlers } from '../types.ts';

/** Rejects with an Error whose `code` is the OS's (ENOENT, ECONNREFUSED, EACCES, ...). */
export type UnixConnect = (path: string, h: ConnHandlers) => Promise<Conn>;
