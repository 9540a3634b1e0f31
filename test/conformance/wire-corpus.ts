// Runs one wire scenario: starts its target (the built-in one, or a tgtd the caller started),
// puts a recording proxy in front of it, drives a fresh adapter through the scenario and returns
// the transcript: what the scenario said, the events, then each connection's PDUs both ways.
import type { Adapter, AdapterOptions, LogoutOptions } from 'iscsi-adapter';
import type { RunningTarget, TargetOptions } from 'iscsi-adapter/target';
import { hrName } from '../../hosts/codes.ts';
import { startProxy } from './wire-proxy.ts';
import { connectionLines, Normalizer } from './wire-transcript.ts';
import { WIRE_SCENARIOS, type WireCtx } from './wire-scenarios.ts';

export const OWN_TARGET = 'iqn.2026-11.dev.iscsi-adapter:wire';
/** tgtd's two targets for the corpus: tid 1 without authentication, tid 2 with CHAP. */
export const TGTD_TARGETS = { plain: 'iqn.2026-11.test:wire-plain', chap: 'iqn.2026-11.test:wire-chap' };

export interface WireDeps {
  createAdapter(opts?: AdapterOptions): Adapter;
  startTarget(opts: TargetOptions): Promise<RunningTarget>;
  /** host:port of a tgtd serving TGTD_TARGETS, for the 'tgtd' scenarios. */
  tgtdPortal?: string;
  /** An istgt and the name of its one unit, for the 'istgt' scenarios. */
  istgt?: { portal: string; target: string };
}

const hostPort = (portal: string) => {
  const i = portal.lastIndexOf(':');
  return { host: portal.slice(0, i), port: Number(portal.slice(i + 1)) };
};

export async function runWireScenario(name: string, deps: WireDeps): Promise<string> {
  const sc = WIRE_SCENARIOS[name];
  let own: RunningTarget | undefined;
  let upstream: string, target: string;
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
  const proxy = await startProxy(host, port);
  // Without recovery: these transcripts show a dropped session end, as the library did before it.
  const adapter = deps.createAdapter({ initiatorName: 'iqn.2026-11.dev.iscsi-adapter:wire-corpus', recovery: false });
  const n = new Normalizer();
  const lines = [`# wire: ${name} (${sc.on === 'own' ? 'built-in target' : sc.on})`];
  const say = (s: string) => lines.push(n.line(s));
  const order = new Map<string, number>();
  const who = (id?: string) => (id && order.has(id) ? `#${order.get(id)}` : '?');
  const events: string[] = [];
  // An event as `type session #n field=value...`, its fields in the order the library gives them.
  adapter.on(({ type, sessionId, targetId: _, ...fields }) =>
    events.push(
      `event ${type} session ${who(sessionId)}${Object.entries(fields).map(([k, v]) => ` ${k}=${v}`).join('')}`,
    )
  );
  const ctx: WireCtx = {
    adapter,
    portal: proxy.portal,
    target,
    say,
    async login(auth) {
      const { hr, output } = await adapter.loginToTarget({ target, portal: proxy.portal, auth }).wait();
      if (output.sessionId) order.set(output.sessionId, order.size + 1);
      const keys = Object.entries(output.negotiated ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
      say(
        `login ${who(output.sessionId)}: ${hrName(hr)} ${output.result} status=0x${
          (output.status ?? 0).toString(16).padStart(4, '0')
        }${keys ? ` ${keys}` : ''}`,
      );
      return output;
    },
    async logout(opts?: LogoutOptions) {
      const { hr, output } = await adapter.logoutFromTarget(target, opts).wait();
      say(`logout: ${hrName(hr)}`);
      const rows = [...output.sessions].sort((a, b) => (order.get(a.sessionId) ?? 0) - (order.get(b.sessionId) ?? 0));
      for (const s of rows) {
        say(
          `  session ${
            who(s.sessionId)
          }: ${s.reason} ${s.hrName} T2W=${s.time2Wait} T2R=${s.time2Retain} drained=${s.commandsDrained} aborted=${s.commandsAborted}`,
        );
      }
      return output;
    },
  };
  try {
    await sc.run(ctx);
  } catch (e) {
    say(`scenario threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  } finally {
    await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
    const r = adapter.resources();
    if (r.sockets || r.timers) say(`left behind: ${JSON.stringify(r)}`);
    try {
      await proxy.settled(3000);
    } catch (e) {
      say(String(e));
    }
    await proxy.close();
    await own?.close();
  }
  lines.push(...events.map((e) => n.line(e)), ...connectionLines(proxy.connections, n, sc.looseEnds));
  return lines.join('\n') + '\n';
}
