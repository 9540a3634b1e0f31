// `discover`: SendTargets on one portal, every target with its portals (like iscsi-ls).
import { type Adapter, hrHex, hrName, SUCCEEDED } from '../hosts/node/mod.ts';
import { type CliOptions, EXIT } from './args.ts';
import { loginExit, type Outcome } from './outcome.ts';

export async function discover(adapter: Adapter, o: CliOptions, say: (s: string) => void): Promise<Outcome> {
  const { hr, output } = await adapter.discover(o.portals[0], {
    connectTimeoutMs: o.connectTimeoutMs,
    timeoutMs: o.loginTimeoutMs,
  }).wait();
  if (!SUCCEEDED(hr)) {
    const error = `discovery on ${output.portal} failed: ${hrName(hr)} (${hrHex(hr)}): ${output.result ?? 'no answer'}`;
    return {
      code: hrName(hr) === 'VDS_E_TIMEOUT' ? EXIT.timeout : loginExit(output.result),
      json: { portal: output.portal, error },
    };
  }
  for (const t of output.targets) say(`Target:${t.name} Portals:${t.portals.join(' ')}`);
  if (!output.targets.length) say(`no targets on ${output.portal}`);
  return {
    code: EXIT.ok,
    json: { portal: output.portal, targets: output.targets.map(({ name, portals }) => ({ name, portals })) },
  };
}

/** The target a command works on: --target, or the first the portal offers. */
export async function pickTarget(adapter: Adapter, o: CliOptions, say: (s: string) => void): Promise<string | Outcome> {
  if (o.target) return o.target;
  const d = await discover(adapter, o, () => {});
  if (d.code !== EXIT.ok) return d;
  const names = (d.json.targets as { name: string }[]).map((t) => t.name);
  if (!names.length) {
    return { code: EXIT.notFound, json: { portal: o.portals[0], error: `no targets on ${o.portals[0]}` } };
  }
  say(`discovered ${names.join(', ')}; using ${names[0]}`);
  return names[0];
}
