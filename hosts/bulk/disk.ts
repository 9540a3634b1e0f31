// What a bulk transfer needs of a disk (a Session has all of it). Named here rather than taken
// from session.ts, which builds its streams from these modules: no import runs in a circle.
export interface BulkOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}
export interface BulkDisk {
  readCapacity(lun: number, opts?: BulkOptions): Promise<{ blocks: bigint; blockSize: number }>;
  read(
    lun: number,
    lba: number | bigint,
    blocks: number,
    opts?: BulkOptions & { into?: Uint8Array },
  ): Promise<Uint8Array>;
  write(lun: number, lba: number | bigint, data: Uint8Array, opts?: BulkOptions): Promise<void>;
}
