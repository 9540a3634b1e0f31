// npm run conformance [-- --update]: checks every scenario's transcript against the committed
// one (printing the first differing line), or with --update writes them anew; then prints which
// RFC 7143 §8.1 transitions the corpus exercised. The wire corpus (real sockets, the built-in
// target and tgtd) is checked or written the same way, under Node.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createAdapter } from '../../hosts/node/mod.ts';
import { startTarget } from '../../target/target.ts';
import { runWireScenario } from './wire-corpus.ts';
import { startWirePeers } from './wire-peers.ts';
import { WIRE_SCENARIOS } from './wire-scenarios.ts';
import { CLAIMED, exercised, firstDifference, runScenario } from './corpus.ts';
import { SCENARIOS } from './scenarios.ts';

const update = process.argv.includes('--update');
const dir = new URL('./transcripts/', import.meta.url);
const seen = new Set<string>();
let bad = 0;
for (const name of Object.keys(SCENARIOS)) {
  const { transcript, transitions } = runScenario(name);
  transitions.forEach((t) => seen.add(t));
  const file = new URL(`${name}.txt`, dir);
  if (update) {
    writeFileSync(file, transcript);
    continue;
  }
  let want = '';
  try {
    want = readFileSync(file, 'utf8');
  } catch { /* missing: a difference at line 1 */ }
  const diff = firstDifference(want, transcript);
  if (diff) {
    bad++;
    console.log(`${name}: ${diff}`);
  }
}
const wireDir = new URL('./transcripts/wire/', import.meta.url);
mkdirSync(wireDir, { recursive: true });
const peers = await startWirePeers();
let wireBad = 0;
try {
  for (const name of Object.keys(WIRE_SCENARIOS)) {
    const got = await runWireScenario(name, { createAdapter, startTarget, ...peers });
    const file = new URL(`${name}.txt`, wireDir);
    if (update) writeFileSync(file, got);
    else {
      let want = '';
      try {
        want = readFileSync(file, 'utf8');
      } catch { /* missing: a difference at line 1 */ }
      const diff = firstDifference(want, got);
      if (diff) {
        wireBad++;
        console.log(`wire ${name}: ${diff}`);
      }
    }
  }
} finally {
  await peers.stop();
}
bad += wireBad;
console.log(`${Object.keys(WIRE_SCENARIOS).length} wire scenarios${update ? ' written' : `, ${wireBad} differ`}`);
const ex = exercised(seen);
console.log(
  `${Object.keys(SCENARIOS).length} scenarios${update ? ' written' : `, ${bad} differ`}; transitions exercised: ${
    [...ex].sort().join(' ')
  }; claimed but not exercised: ${CLAIMED.filter((t) => !ex.has(t)).join(' ') || 'none'}`,
);
process.exitCode = bad ? 1 : 0;
