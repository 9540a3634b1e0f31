// How far a copy is: the bytes below which every byte is copied (commands end out of order, so
// this is the count a copy could be resumed from), and the whole.
export interface CopyProgress {
  bytes: number;
  total: number;
}

/** Turns chunks ending in any order into the contiguous count, reported each time it moves. */
export function progressCounter(total: number, report: (p: CopyProgress) => void): {
  done(offset: number, length: number): void;
  readonly bytes: number;
} {
  let bytes = 0;
  const ended = new Map<number, number>();
  return {
    done(offset, length) {
      ended.set(offset, length);
      const before = bytes;
      for (let l; (l = ended.get(bytes)) !== undefined;) {
        ended.delete(bytes);
        bytes += l;
      }
      if (bytes !== before) report({ bytes, total });
    },
    get bytes() {
      return bytes;
    },
  };
}
