// The wire corpus (test/conformance/wire-*.ts): scenarios played through the real adapter over
// loopback sockets against the built-in target and tgtd, recorded by a proxy in between. Each
// transcript must match the committed one line for line under Node, Deno and Bun alike;
// `npm run conformance -- --update` rewrites them on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createAdapter } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { WIRE_SCENARIOS } from './conformance/wire-scenarios.ts';
import { runWireScenario, TGTD_TARGETS } from './conformance/wire-corpus.ts';
import { firstDifference } from './conformance/corpus.ts';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { have } from './peers/daemon.ts';
import { runtime } from './helpers/env.ts';

const dir = new URL('./conformance/transcripts/wire/', import.meta.url);
const CHAP = { user: 'alice', secret: 'Secret4Initiator' };

describe('wire corpus', () => {
  let tgtd: Tgtd;
  beforeAll(async () => {
    if (!have('tgtd')) throw new Error("tgtd is not installed: run 'apt-get install -y tgt' (.ci/run does this)");
    tgtd = await startTgtd([{ tid: 1, name: TGTD_TARGETS.plain }, { tid: 2, name: TGTD_TARGETS.chap, chap: CHAP }]);
  });
  afterAll(() => tgtd?.stop());

  for (const name of Object.keys(WIRE_SCENARIOS)) {
    it(name, async () => {
      const got = await runWireScenario(name, { createAdapter, startTarget, tgtdPortal: tgtd.portals[0] });
      const diff = firstDifference(readFileSync(new URL(`${name}.txt`, dir), 'utf8'), got);
      if (diff) {
        throw new Error(
          `${name} differs from its wire transcript (${runtime}) at ${diff}\n(npm run conformance -- --update if the change is meant)`,
        );
      }
    });
  }

  it('holds at least 30 scenarios, tgtd among the targets', () => {
    const all = Object.values(WIRE_SCENARIOS);
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.filter((s) => s.on === 'tgtd').length).toBeGreaterThanOrEqual(5);
  });
});
