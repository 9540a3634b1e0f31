// The built-in target's logical unit: blocks in memory, or in a file when asked.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

export interface LunSpec {
  /** Bytes (default 8 MiB); with `file`, the file is made this long when shorter. */
  size?: number;
  blockSize?: number;
  /** Keep the blocks in this file instead of memory. */
  file?: string;
}

export interface Lun {
  blockSize: number;
  blocks: number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, data: Uint8Array): void;
  flush(): void;
  close(): void;
}

export function openLun(spec: LunSpec = {}): Lun {
  const blockSize = spec.blockSize ?? 512;
  const size = spec.size ?? 8 << 20;
  if (!spec.file) {
    const mem = new Uint8Array(size);
    return {
      blockSize,
      blocks: Math.floor(size / blockSize),
      read: (o, n) => mem.slice(o, o + n),
      write: (o, d) => mem.set(d, o),
      flush: () => {},
      close: () => {},
    };
  }
  const fd = openSync(spec.file, 'r+');
  if (fstatSync(fd).size < size) ftruncateSync(fd, size);
  const bytes = fstatSync(fd).size;
  return {
    blockSize,
    blocks: Math.floor(bytes / blockSize),
    read: (o, n) => {
      const b = new Uint8Array(n);
      readSync(fd, b, 0, n, o);
      return b;
    },
    write: (o, d) => void writeSync(fd, d, 0, d.length, o),
    flush: () => fsyncSync(fd),
    close: () => closeSync(fd),
  };
}
