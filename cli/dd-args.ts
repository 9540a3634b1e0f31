// dd's two ends: an iSCSI URL (with the credentials its URL, our flags or the environment give)
// or a file path, and how much to copy.
import type { CliOptions, DdEnd, DdSpec } from './options.ts';
import { parseUrl } from './url.ts';
import { UsageError } from './usage-error.ts';

/** dd's own flags as given. */
export interface DdFlags {
  if?: string;
  of?: string;
  bs?: number;
  count?: number;
  depth?: number;
  verify: boolean;
}

/** What `--if`, `--of`, `--bs`, `--count`, `--depth` and `--verify` ask, checked. */
export function ddSpec(o: CliOptions, flags: DdFlags, env: Record<string, string | undefined>): DdSpec {
  if (!flags.if) throw new UsageError('dd needs --if URL|FILE (what to copy)');
  if (!flags.of) throw new UsageError('dd needs --of URL|FILE (where to copy it)');
  if (flags.count !== undefined && flags.bs === undefined) {
    throw new UsageError('dd --count counts --bs blocks: give --bs BYTES too');
  }
  const end = (raw: string): DdEnd => {
    if (!raw.startsWith('iscsi://') && !/^iser:\/\//i.test(raw)) return { kind: 'file', path: raw, shown: raw };
    const u = parseUrl(raw, 'disk');
    const user = u.user ?? o.user ?? env.LIBISCSI_CHAP_USERNAME;
    const auth = {
      user,
      secret: u.secret ?? o.secret ?? env.LIBISCSI_CHAP_PASSWORD,
      targetUser: u.targetUser ?? o.targetUser ?? env.LIBISCSI_CHAP_TARGET_USERNAME,
      targetSecret: u.targetSecret ?? o.targetSecret ?? env.LIBISCSI_CHAP_TARGET_PASSWORD,
      algorithms: u.algorithm ? [u.algorithm] : o.algorithms,
    };
    if (auth.user && !auth.secret) throw new UsageError(`CHAP user ${auth.user} has no secret for ${u.text}`);
    return { kind: 'lun', portal: u.portal, target: u.target!, lun: u.lun!, shown: u.text, auth };
  };
  const from = end(flags.if), to = end(flags.of);
  if (from.kind === 'file' && to.kind === 'file') {
    throw new UsageError('dd copies to or from an iSCSI LUN: --if or --of must be an iscsi:// URL');
  }
  return {
    from,
    to,
    bs: flags.bs,
    bytes: flags.count === undefined ? undefined : flags.bs! * flags.count,
    depth: flags.depth,
    verify: flags.verify,
  };
}
