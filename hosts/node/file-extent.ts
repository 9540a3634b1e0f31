// A file as one end of a copy. node:fs/promises in all three runtimes (Deno and Bun carry it):
// a copy keeps several reads or writes going at their own offsets, which needs positional I/O,
// and Deno's own FsFile has only a shared cursor.
import { open } from 'node:fs/promises';
import type { Extent } from '../bulk/extent.ts';

export async function openFileExtent(path: string, write: boolean): Promise<Extent> {
  const fh = await open(path, write ? 'w' : 'r');
  const bytes = write ? Infinity : (await fh.stat()).size;
  return {
    name: path,
    bytes,
    unit: 1,
    async read(offset, into) {
      for (let at = 0; at < into.length;) {
        const { bytesRead } = await fh.read(into, at, into.length - at, offset + at);
        if (bytesRead === 0) throw new RangeError(`${path} ended at byte ${offset + at}`);
        at += bytesRead;
      }
    },
    async writev(offset, parts) {
      let rest = parts, at = offset;
      while (rest.length) {
        const { bytesWritten } = await fh.writev(rest, at);
        at += bytesWritten;
        // A short writev: drop what went, and the written part of the part it stopped in.
        let n = bytesWritten;
        while (rest.length && n >= rest[0].length) [n, rest] = [n - rest[0].length, rest.slice(1)];
        if (n) rest = [rest[0].subarray(n), ...rest.slice(1)];
      }
    },
    async write(offset, data) {
      for (let at = 0; at < data.length;) {
        const { bytesWritten } = await fh.write(data, at, data.length - at, offset + at);
        at += bytesWritten;
      }
    },
    // A character device or a pipe (/dev/null) has nothing to make durable and says EINVAL.
    flush: () => fh.datasync().catch((e) => (e as { code?: string }).code === 'EINVAL' ? undefined : Promise.reject(e)),
    close: () => fh.close(),
  };
}
