// Sequential reads from a real target with Q commands in flight, for S seconds, in the running
// runtime. Usage: read.ts --portal HOST:PORT --target IQN --block-bytes B --queue Q --seconds S
// Prints one JSON line in the format of docs/io.md ("bench":"read").
import { sequential } from './sequential.ts';

// Each slot reads into its own buffer, again and again: no allocation per command.
await sequential('read', (disk, lun, blockBytes) => {
  const into = new Uint8Array(blockBytes);
  return (lba, blocks) => disk.read(lun, lba, blocks, { into });
});
