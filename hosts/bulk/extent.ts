// One end of a copy: a LUN from some block on, or a file. Offsets and lengths are bytes, always
// a whole number of `unit`; the copy picks a command size both ends can take.
export interface Extent {
  /** For errors: "LUN 1", a file's path. */
  readonly name: string;
  /** Bytes there are from the start: to read (a source) or room for (a destination; Infinity for a file). */
  readonly bytes: number;
  /** Every offset and length is a multiple of it (the LUN's block size; 1 for a file). */
  readonly unit: number;
  /** Fills `into` from `offset`; fewer bytes than asked is an error, not a short read. */
  read(offset: number, into: Uint8Array, signal: AbortSignal): Promise<void>;
  write(offset: number, data: Uint8Array, signal: AbortSignal): Promise<void>;
  /** Parts that follow each other, written from `offset` in one call (a file's writev). */
  writev?(offset: number, parts: Uint8Array[], signal: AbortSignal): Promise<void>;
  /** What was written is on the medium once it resolves (SYNCHRONIZE CACHE, fsync). */
  flush(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Opens a file as an extent: for reading, or created/truncated for writing. Each runtime's own. */
export type OpenFile = (path: string, write: boolean) => Promise<Extent>;
