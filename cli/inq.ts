// `inq URL [--evpd] [--page N]`: the standard INQUIRY page, or a VPD page, as iscsi-inq prints them.
import { ScsiError, type Session } from '../hosts/node/mod.ts';
import { inquiry } from '../hosts/scsi/cdb.ts';
import { EXIT } from './args.ts';
import { type DiskRun, withDisk } from './disk.ts';
import { standardInquiry, standardLines } from './inquiry-standard.ts';
import type { Outcome } from './outcome.ts';
import { vpdPageName } from './scsi-names.ts';
import { printerFor } from './vpd-pages.ts';

export function inq(r: DiskRun): Promise<Outcome> {
  const page = r.o.evpd ? r.o.page ?? 0 : undefined;
  return withDisk(r, async (disk, lun) => {
    const data = await fetchInquiry(disk, lun, page);
    const base = { url: r.o.url, target: r.o.target, lun };
    if (page === undefined) {
      const std = standardInquiry(data);
      for (const line of standardLines(std)) r.say(line);
      return {
        code: EXIT.ok,
        json: {
          ...base,
          standard: { ...std, vendor: std.vendor.trim(), product: std.product.trim(), revision: std.revision.trim() },
        },
      };
    }
    const printer = printerFor(page);
    for (const line of printer.lines(data)) r.say(line);
    return { code: EXIT.ok, json: { ...base, page, name: vpdPageName(page), ...printer.json(data) } };
  });
}

/** The standard INQUIRY data, or VPD page `page`, whole: asked once at 255 bytes, again at the
 *  length the answer gives when that is more (as iscsi-inq does). */
async function fetchInquiry(disk: Session, lun: number, page: number | undefined): Promise<Uint8Array> {
  const what = page === undefined ? 'INQUIRY' : `INQUIRY VPD page 0x${page.toString(16).padStart(2, '0')}`;
  const ask = async (alloc: number) => {
    const r = await disk.scsi(lun, inquiry(alloc, page).cdb, { dataIn: alloc });
    if (r.status !== 0) throw new ScsiError(r.status, r.sense ?? new Uint8Array(0), what);
    return r.data ?? new Uint8Array(0);
  };
  const first = await ask(255);
  const full = page === undefined ? (first[4] ?? 0) + 5 : (((first[2] ?? 0) << 8) | (first[3] ?? 0)) + 4;
  return full > first.length && first.length === 255 ? ask(Math.min(full, 0xffff)) : first;
}
