// The wire corpus (test/conformance/wire-*.ts): scenarios played through the real adapter over
// loopback sockets against the built-in target, tgtd and istgt, recorded by a proxy in between. Each
// transcript must match the committed one line for line under Node, Deno and Bun alike;
// `npm run conformance -- --update` rewrites them on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createAdapter } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { WIRE_SCENARIOS } from './conformance/wire-scenarios.ts';
import { runWireScenario } from './conformance/wire-corpus.ts';
import { startWirePeers, type WirePeers } from './conformance/wire-peers.ts';
import { firstDifference } from './conformance/corpus.ts';
import { istgtLostLogout } from './conformance/istgt-lost-logout.ts';
import { runtime } from './helpers/env.ts';

const dir = new URL('./conformance/transcripts/wire/', import.meta.url);

describe('wire corpus', () => {
  let peers: WirePeers;
  beforeAll(async () => {
    peers = await startWirePeers();
  });
  afterAll(async () => await peers?.stop());

  for (const name of Object.keys(WIRE_SCENARIOS)) {
    it(name, async () => {
      const want = readFileSync(new URL(`${name}.txt`, dir), 'utf8');
      let got = await runWireScenario(name, { createAdapter, startTarget, ...peers });
      let diff = firstDifference(want, got);
      if (diff && istgtLostLogout(WIRE_SCENARIOS[name].on, diff, got)) {
        console.warn(`${name}: istgt closed instead of answering the Logout (docs/testing.md); run once more`);
        got = await runWireScenario(name, { createAdapter, startTarget, ...peers });
        diff = firstDifference(want, got);
      }
      if (diff) {
        throw new Error(
          `${name} differs from its wire transcript (${runtime}) at ${diff}\n(npm run conformance -- --update if the change is meant)`,
        );
      }
    });
  }

  it('holds at least 30 scenarios, tgtd and istgt among the targets', () => {
    const all = Object.values(WIRE_SCENARIOS);
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.filter((s) => s.on === 'tgtd').length).toBeGreaterThanOrEqual(5);
    expect(all.filter((s) => s.on === 'istgt').length).toBeGreaterThanOrEqual(3);
  });
});
