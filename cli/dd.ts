// `dd --if URL|FILE --of URL|FILE [--bs BYTES] [--count N] [--depth N] [--verify]`: copy() between
// a LUN and a file or two LUNs (docs/io.md, "Bulk transfers"), a progress line on a terminal.
// Each URL is logged in to with its own credentials and logged out of when the copy ends.
import { copy, type CopyEnd } from '../hosts/node/mod.ts';
import { EXIT } from './args.ts';
import { type DiskRun, login, logout, thrown } from './disk.ts';
import type { Outcome } from './outcome.ts';
import { Progress, type ProgressStream } from './progress.ts';
import type { DdEnd } from './options.ts';

export async function dd(r: DiskRun, stderr: ProgressStream): Promise<Outcome> {
  const o = r.o, spec = o.dd!;
  const base = { if: spec.from.shown, of: spec.to.shown };
  const opened: string[] = [];
  let out: Outcome;
  try {
    const ends: CopyEnd[] = [];
    for (const end of [spec.from, spec.to]) {
      const e = await open(r, end, opened);
      if (typeof e === 'object' && 'code' in e) {
        return await closeAll(r, opened, { ...e, json: { ...base, ...e.json } });
      }
      ends.push(e);
    }
    const progress = new Progress({ stream: stderr, enabled: !o.json, label: 'dd', total: spec.bytes });
    const started = performance.now();
    const result = await copy(ends[0], ends[1], {
      blockSize: spec.bs,
      bytes: spec.bytes,
      depth: spec.depth,
      verify: spec.verify,
      signal: r.interrupted,
      onProgress: (p) => progress.update(p.bytes),
    }).finally(() => progress.end());
    const seconds = (performance.now() - started) / 1000;
    const rate = result.bytes / Math.max(seconds, 1e-6);
    r.say(
      `${result.bytes} bytes (${(result.bytes / 2 ** 20).toFixed(1)} MiB) copied${
        result.verified ? ' and verified' : ''
      }, ${seconds.toFixed(2)} s, ${(rate / 2 ** 20).toFixed(1)} MiB/s`,
    );
    out = { code: EXIT.ok, json: { ...base, ...result, seconds, bytesPerSec: Math.round(rate) } };
  } catch (e) {
    out = thrown(e, { ...base, bytes: (e as { bytes?: number }).bytes ?? 0 });
  }
  return closeAll(r, opened, out);
}

// A URL's LUN as a copy end (logged in, the LUN checked), a file as its path, or why not.
async function open(r: DiskRun, end: DdEnd, opened: string[]): Promise<CopyEnd | Outcome> {
  if (end.kind === 'file') return end.path;
  const disk = await login({ ...r, o: { ...r.o, ...end.auth } }, end.target, end.portal);
  if (!('read' in disk)) return disk;
  opened.push(end.target);
  const luns = await disk.reportLuns();
  if (!luns.includes(end.lun)) {
    return {
      code: EXIT.notFound,
      json: { error: `LUN ${end.lun} does not exist on ${end.target} (its LUNs: ${luns.join(', ') || 'none'})` },
    };
  }
  return { disk, lun: end.lun };
}

async function closeAll(r: DiskRun, targets: string[], out: Outcome): Promise<Outcome> {
  for (const t of new Set(targets)) out = await logout(r, t, out);
  return out;
}
