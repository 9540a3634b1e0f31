// Writes the framing benchmark's streams for the C reference (the same seeds as bench/pdu.ts).
import { writeFileSync } from 'node:fs';
import { makeStream } from '../test/helpers/stream.ts';
const dir = process.argv[2];
writeFileSync(`${dir}/bench-mixed.bin`, makeStream({ pdus: 4000, seed: 1, kind: 'mixed' }));
writeFileSync(`${dir}/bench-bhs48.bin`, makeStream({ pdus: 100000, seed: 2, kind: 'bhs48' }));
