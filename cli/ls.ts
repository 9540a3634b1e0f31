// `ls iscsi://host[:port] [--show-luns]`: the portal's targets, and with --show-luns each LUN's
// type and size, in iscsi-ls's lines (one Target line per portal, its LUNs below it).
import { ScsiError, type Session, SUCCEEDED } from '../hosts/node/mod.ts';
import { discoveryAuthOf, EXIT } from './args.ts';
import { type DiskRun, login, logout, thrown } from './disk.ts';
import { failureExit, failureLine, type Outcome } from './outcome.ts';
import { deviceTypeName } from './scsi-names.ts';

interface LunRow {
  lun: number;
  deviceType: number;
  type: string;
  blocks?: bigint;
  blockSize?: number;
  bytes?: bigint;
  noMedia?: boolean;
}

export async function ls(r: DiskRun): Promise<Outcome> {
  const { adapter, o } = r;
  // The URL's credentials are the targets' (--show-luns logs in to each); CHAP never falls back to
  // None, so they would fail a portal whose discovery takes none, the usual setup.
  const { hr, output } = await adapter.discover(o.portals[0], {
    auth: o.discoveryUser ? discoveryAuthOf(o) : undefined,
    connectTimeoutMs: o.connectTimeoutMs,
    timeoutMs: o.loginTimeoutMs,
  }).wait();
  if (!SUCCEEDED(hr)) {
    return {
      code: failureExit(hr, output.result),
      json: {
        url: o.url,
        error: failureLine(`discovery on ${output.portal}`, hr, output) +
          (output.result === 'auth-failed' && !o.discoveryUser ? ' (discovery CHAP: --discovery-chap-user)' : ''),
      },
    };
  }
  const failures: Outcome[] = [];
  const targets = [];
  for (const t of output.targets) {
    const portals = [];
    for (const portal of t.portals) {
      if (r.interrupted.aborted) break;
      const tag = t.portalGroupTags[portal];
      r.say(`Target:${t.name} Portal:${portal}${tag === undefined ? '' : `,${tag}`}`);
      const row: Record<string, unknown> = { portal, tag };
      portals.push(row);
      if (!o.showLuns) continue;
      const luns = await lunsAt(r, t.name, portal);
      if (Array.isArray(luns)) row.luns = luns;
      else failures.push(luns);
    }
    targets.push({ name: t.name, portals });
  }
  const json = { url: o.url, portal: output.portal, targets };
  if (!failures.length) return { code: EXIT.ok, json };
  const errors = failures.map((f) => f.json.error as string);
  return { code: failures[0].code, json: { ...json, error: errors.join('; '), errors } };
}

/** Logs in to `target` at `portal`, says each LUN's line, logs out. */
async function lunsAt(r: DiskRun, target: string, portal: string): Promise<LunRow[] | Outcome> {
  const disk = await login(r, target, portal);
  if ('code' in disk) return disk;
  const rows: LunRow[] = [];
  let out: Outcome;
  try {
    for (const lun of await disk.reportLuns()) {
      if (r.interrupted.aborted) break;
      const row = await describe(disk, lun);
      rows.push(row);
      r.say(
        `Lun:${String(lun).padEnd(4)} Type:${row.type}${
          row.bytes === undefined ? '' : ` (Size:${sizeText(row.bytes)})`
        }${row.noMedia ? ' (No media loaded)' : ''}`,
      );
    }
    out = { code: EXIT.ok, json: {} };
  } catch (e) {
    const failed = thrown(e, { target, portal });
    out = { ...failed, json: { ...failed.json, error: `${target} at ${portal}: ${failed.json.error}` } };
  }
  out = await logout(r, target, out);
  return out.code === EXIT.ok ? rows : out;
}

/** TEST UNIT READY (a unit attention is passed), INQUIRY, and the capacity of a disk with a medium. */
async function describe(disk: Session, lun: number): Promise<LunRow> {
  let noMedia = false;
  for (let attempt = 0;; attempt++) {
    try {
      await disk.testUnitReady(lun);
      break;
    } catch (e) {
      if (!(e instanceof ScsiError)) throw e;
      if (e.senseKey === 6 && attempt < 3) continue; // UNIT ATTENTION: reported once, then gone
      if (e.senseKey === 2 && e.asc === 0x3a) {
        noMedia = true; // MEDIUM NOT PRESENT: a drive without a disc, not a failure
        break;
      }
      throw e;
    }
  }
  const { peripheralType } = await disk.inquiry(lun);
  const row: LunRow = { lun, deviceType: peripheralType, type: deviceTypeName(peripheralType) };
  if (noMedia) row.noMedia = true;
  else if (peripheralType === 0) {
    const cap = await disk.readCapacity(lun);
    Object.assign(row, { blocks: cap.blocks, blockSize: cap.blockSize, bytes: cap.blocks * BigInt(cap.blockSize) });
  }
  return row;
}

/** iscsi-ls's size: whole units, divided by 1024 while above 1024, up to T (16777216 -> "16M"). */
function sizeText(bytes: bigint): string {
  const units = [' ', 'k', 'M', 'G', 'T'];
  let u = 0;
  while (u < 4 && bytes > 1024n) [bytes, u] = [bytes / 1024n, u + 1];
  return `${bytes}${units[u]}`;
}
