// Runs one wire scenario: starts its target (the built-in one, or a tgtd the caller started),
// puts a recording proxy in front of it, drives a fresh adapter through the scenario and returns
// the transcript: what the scenario said, the events, then each connection's PDUs both ways.
import type { Adapter, AdapterOptions } from 'iscsi-adapter';
import type { RunningTarget, TargetOptions } from 'iscsi-adapter/target';
import { startProxy } from './wire-proxy.ts';
import { connectionLines, Normalizer } from './wire-transcript.ts';
import { WIRE_SCENARIOS } from './wire-scenarios.ts';
import { type Driven, driveWireScenario } from './wire-drive.ts';

export const OWN_TARGET = 'iqn.2026-11.dev.iscsi-adapter:wire';
/** tgtd's two targets for the corpus: tid 1 without authentication, tid 2 with CHAP. */
export const TGTD_TARGETS = { plain: 'iqn.2026-11.test:wire-plain', chap: 'iqn.2026-11.test:wire-chap' };

export interface WireDeps {
  /** The adapter to drive in this process (unless `drive` says where else). */
  createAdapter?(opts?: AdapterOptions): Adapter;
  startTarget(opts: TargetOptions): Promise<RunningTarget>;
  /** host:port of a tgtd serving TGTD_TARGETS, for the 'tgtd' scenarios. */
  tgtdPortal?: string;
  /** An istgt and the name of its one unit, for the 'istgt' scenarios. */
  istgt?: { portal: string; target: string };
  /** Where the recording proxy listens (a bridge's allowlist names it up front); any port when absent. */
  proxyPort?: number;
  /** Drives the adapter somewhere else (a browser page); in this process when absent. */
  drive?: (name: string, portal: string, target: string) => Promise<Driven>;
}

const hostPort = (portal: string) => {
  const i = portal.lastIndexOf(':');
  return { host: portal.slice(0, i), port: Number(portal.slice(i + 1)) };
};

export async function runWireScenario(name: string, deps: WireDeps): Promise<string> {
  const sc = WIRE_SCENARIOS[name];
  let own: RunningTarget | undefined;
  let upstream: string, target: string;
  let settledProblem = '';
  if (sc.on === 'own') {
    own = await deps.startTarget({ targets: [{ name: OWN_TARGET, ...sc.spec }] });
    [upstream, target] = [own.portal, OWN_TARGET];
  } else if (sc.on === 'tgtd') {
    if (!deps.tgtdPortal) throw new Error(`${name} needs tgtd`);
    [upstream, target] = [deps.tgtdPortal, sc.spec?.chap ? TGTD_TARGETS.chap : TGTD_TARGETS.plain];
  } else {
    if (!deps.istgt) throw new Error(`${name} needs istgt`);
    [upstream, target] = [deps.istgt.portal, deps.istgt.target];
  }
  const { host, port } = hostPort(upstream);
  const proxy = await startProxy(host, port, deps.proxyPort);
  const drive = deps.drive ?? ((n: string, p: string, t: string) => driveWireScenario(n, deps.createAdapter!, p, t));
  let driven: Driven;
  try {
    driven = await drive(name, proxy.portal, target);
  } finally {
    try {
      await proxy.settled(3000);
    } catch (e) {
      settledProblem = String(e);
    }
    await proxy.close();
    await own?.close();
  }
  const n = new Normalizer();
  const lines = [`# wire: ${name} (${sc.on === 'own' ? 'built-in target' : sc.on})`];
  lines.push(...driven.said.map((s) => n.line(s)));
  if (settledProblem) lines.push(n.line(settledProblem));
  lines.push(...driven.events.map((e) => n.line(e)), ...connectionLines(proxy.connections, n, sc.looseEnds));
  return lines.join('\n') + '\n';
}
