// The real targets the wire corpus plays against: one tgtd with TGTD_TARGETS and one istgt with
// one unit, started together and stopped together.
import { startTgtd } from '../peers/tgtd.ts';
import { startIstgt } from '../peers/istgt.ts';
import { have } from '../peers/daemon.ts';
import { TGTD_TARGETS, type WireDeps } from './wire-corpus.ts';

export type WirePeers = Pick<WireDeps, 'tgtdPortal' | 'istgt'> & { stop(): Promise<void> };

export async function startWirePeers(): Promise<WirePeers> {
  for (const [cmd, pkg] of [['tgtd', 'tgt'], ['istgt', 'istgt']]) {
    if (!have(cmd)) throw new Error(`${cmd} is not installed: run 'apt-get install -y ${pkg}' (.ci/run does this)`);
  }
  const tgtd = await startTgtd([{ tid: 1, name: TGTD_TARGETS.plain }, {
    tid: 2,
    name: TGTD_TARGETS.chap,
    chap: { user: 'alice', secret: 'Secret4Initiator' },
  }]);
  try {
    const istgt = await startIstgt([{ name: 'wire', auth: 'Auto' }]);
    return {
      tgtdPortal: tgtd.portals[0],
      istgt: { portal: istgt.portal, target: istgt.targetName('wire') },
      async stop() {
        tgtd.stop();
        await istgt.stop();
      },
    };
  } catch (e) {
    tgtd.stop();
    throw e;
  }
}
