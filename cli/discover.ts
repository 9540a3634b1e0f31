// `discover`: SendTargets on one portal, every target with its portals (like iscsi-ls).
import { type Adapter, SUCCEEDED } from '../hosts/node/mod.ts';
import { type CliOptions, discoveryAuthOf, EXIT } from './args.ts';
import { failureExit, failureLine, type Outcome } from './outcome.ts';

export async function discover(adapter: Adapter, o: CliOptions, say: (s: string) => void): Promise<Outcome> {
  const { hr, output } = await adapter.discover(o.portals[0], {
    auth: discoveryAuthOf(o),
    connectTimeoutMs: o.connectTimeoutMs,
    timeoutMs: o.loginTimeoutMs,
  }).wait();
  if (!SUCCEEDED(hr)) {
    return {
      code: failureExit(hr, output.result),
      json: { portal: output.portal, error: failureLine(`discovery on ${output.portal}`, hr, output) },
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
