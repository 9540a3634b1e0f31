// Sequential writes to a real target with Q commands in flight, for S seconds, in the running
// runtime. Usage: write.ts --portal HOST:PORT --target IQN --block-bytes B --queue Q --seconds S
// Prints one JSON line with the fields of bench/read.ts's ("bench":"write").
import { sequential } from './sequential.ts';

// The same bytes as the C writer's, so the target stores the same thing whoever writes; one
// buffer for every slot.
let data: Uint8Array | undefined;
await sequential('write', (disk, lun, blockBytes) => {
  data ??= Uint8Array.from({ length: blockBytes }, (_, i) => (i * 31 + 7) & 0xff);
  const bytes = data;
  return (lba) => disk.write(lun, lba, bytes);
});
