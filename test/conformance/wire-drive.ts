// The part of a wire scenario that drives the adapter: runtime-neutral, with no sockets of its
// own, so it runs in Node, Deno, Bun and, bundled, in a browser page behind the bridge. It says
// what the scenario said and the events, un-normalised; wire-corpus.ts writes the transcript.
import type { Adapter, AdapterOptions, LogoutOptions } from 'iscsi-adapter';
import { hrName } from '../../hosts/codes.ts';
import { WIRE_SCENARIOS, type WireCtx } from './wire-scenarios.ts';

export interface Driven {
  said: string[];
  events: string[];
}

export async function driveWireScenario(
  name: string,
  createAdapter: (opts?: AdapterOptions) => Adapter,
  portal: string,
  target: string,
): Promise<Driven> {
  const sc = WIRE_SCENARIOS[name];
  // Without recovery: these transcripts show a dropped session end, as the library did before it.
  const adapter = createAdapter({ initiatorName: 'iqn.2026-11.dev.iscsi-adapter:wire-corpus', recovery: false });
  const said: string[] = [];
  const say = (s: string) => void said.push(s);
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
    portal,
    target,
    say,
    async login(auth) {
      const { hr, output } = await adapter.loginToTarget({ target, portal, auth }).wait();
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
  }
  return { said, events };
}
