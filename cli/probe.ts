// `probe`: log in, list every LUN with its type, vendor, product, serial and capacity, log out.
import { type Adapter, IscsiError, ScsiError } from '../hosts/node/mod.ts';
import { authOf, type CliOptions, EXIT } from './args.ts';
import { failureExit, failureLine, type Outcome } from './outcome.ts';
import { pickTarget } from './discover.ts';

const TYPES: Record<number, string> = {
  0: 'disk',
  1: 'tape',
  5: 'cd/dvd',
  7: 'optical',
  0x0c: 'controller',
  0x0d: 'enclosure',
};
const size = (bytes: bigint) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Number(bytes), u = 0;
  while (v >= 1024 && u < units.length - 1) [v, u] = [v / 1024, u + 1];
  return `${v % 1 ? v.toFixed(1) : v} ${units[u]}`;
};

export async function probe(adapter: Adapter, o: CliOptions, say: (s: string) => void): Promise<Outcome> {
  const target = await pickTarget(adapter, o, say);
  if (typeof target !== 'string') return target;
  const login = await adapter.loginToTarget({
    target,
    portal: o.portals[0],
    auth: authOf(o),
    connectTimeoutMs: o.connectTimeoutMs,
    loginTimeoutMs: o.loginTimeoutMs,
  }).wait();
  if (!login.output.sessionId) {
    return {
      code: failureExit(login.hr, login.output.result),
      json: { target, error: failureLine(`login to ${login.output.portal}`, login.hr, login.output) },
    };
  }
  const disk = adapter.session(login.output.sessionId)!;
  const luns = [];
  try {
    for (const lun of await disk.reportLuns()) {
      const inq = await disk.inquiry(lun);
      const row: Record<string, unknown> = {
        lun,
        type: TYPES[inq.peripheralType] ?? `type ${inq.peripheralType}`,
        ...inq,
      };
      delete row.peripheralType;
      if (inq.peripheralType === 0) {
        const cap = await disk.readCapacity(lun);
        Object.assign(row, {
          blocks: cap.blocks.toString(),
          blockSize: cap.blockSize,
          bytes: (cap.blocks * BigInt(cap.blockSize)).toString(),
        });
      }
      luns.push(row);
      say(
        `Lun:${lun} Type:${row.type} Vendor:${inq.vendor} Product:${inq.product} Revision:${inq.revision} Serial:${
          inq.serial ?? '-'
        }` +
          (row.bytes
            ? ` Blocks:${row.blocks} BlockSize:${row.blockSize} Size:${size(BigInt(row.bytes as string))}`
            : ''),
      );
    }
  } catch (e) {
    const error = e instanceof ScsiError || e instanceof IscsiError ? e.message : String(e);
    return { code: EXIT.failed, json: { target, portal: o.portals[0], error, luns } };
  } finally {
    await adapter.logoutFromTarget(target).wait();
  }
  return { code: EXIT.ok, json: { target, portal: o.portals[0], luns } };
}
