// The disk commands' command line (ls, inq, readcap, read, write): the URL, the credentials from
// the URL, our flags and the environment, and the flags each command takes.
import type { CliOptions, Command } from './options.ts';
import { parseUrl, redactUrl } from './url.ts';
import { UsageError } from './usage-error.ts';

export const DISK_COMMANDS: Command[] = ['ls', 'inq', 'readcap', 'read', 'write'];

/** The flags only some disk commands take, with those commands. */
const ONLY: Record<string, { given: (o: CliOptions) => boolean; for: Command[] }> = {
  '--show-luns': { given: (o) => o.showLuns, for: ['ls'] },
  '--evpd': { given: (o) => o.evpd, for: ['inq'] },
  '--page': { given: (o) => o.page !== undefined, for: ['inq'] },
  '--lba': { given: (o) => o.lba !== undefined, for: ['read', 'write'] },
  '--blocks': { given: (o) => o.blocks !== undefined, for: ['read'] },
  '--out': { given: (o) => o.out !== undefined, for: ['read'] },
};

/** Throws for a command-specific flag given to a command that does not take it. */
export function checkFlagsFit(o: CliOptions): void {
  for (const [flag, rule] of Object.entries(ONLY)) {
    if (rule.given(o) && !rule.for.includes(o.command)) {
      throw new UsageError(`${flag} is for ${rule.for.join(' and ')}`);
    }
  }
}

/** Fills `o` from the positional arguments (the URL, and write's FILE) and checks it. Credentials:
 *  the URL first, then --chap-user and ISCSI_CHAP_*, then libiscsi's LIBISCSI_CHAP_* variables. */
export function diskOptions(o: CliOptions, args: string[], env: Record<string, string | undefined>): CliOptions {
  const c = o.command;
  const wants = c === 'ls' ? 'a portal URL iscsi://host[:port]' : 'a URL iscsi://host[:port]/target-name/lun';
  if (!args.length) throw new UsageError(`${c} needs ${wants}`);
  if (o.portals.length || o.target) {
    throw new UsageError(`${c} takes the portal and target from its URL, not --portal or --target`);
  }
  const u = parseUrl(args[0], c === 'ls' ? 'portal' : 'disk');
  const extra = args.slice(c === 'write' ? 2 : 1);
  if (extra.length) {
    throw new UsageError(
      `${c} takes ${c === 'write' ? 'a URL and a FILE' : 'one URL'}; "${redactUrl(extra[0])}" is one too many`,
    );
  }
  if (c === 'write') {
    if (args.length < 2) throw new UsageError('write needs the FILE to write: write URL --lba N FILE');
    o.file = args[1];
  }
  if ((c === 'read' || c === 'write') && o.lba === undefined) throw new UsageError(`${c} needs --lba N`);
  if (c === 'read' && o.blocks === undefined) throw new UsageError('read needs --blocks N');
  if (c === 'read' && o.json && o.out === undefined) {
    throw new UsageError('read --json needs --out FILE: stdout carries the JSON');
  }
  if (o.user && u.user && o.user !== u.user) {
    throw new UsageError(`the URL names CHAP user ${u.user} and --chap-user ${o.user}: give one`);
  }
  if (o.targetUser && u.targetUser && o.targetUser !== u.targetUser) {
    throw new UsageError(`the URL names target_user ${u.targetUser} and --chap-target-user ${o.targetUser}: give one`);
  }
  Object.assign(o, {
    url: u.text,
    portals: [u.portal],
    target: u.target,
    lun: u.lun,
    headerDigest: u.headerDigest,
    dataDigest: u.dataDigest,
    algorithms: u.algorithm ? [u.algorithm] : undefined,
    user: u.user ?? o.user ?? env.LIBISCSI_CHAP_USERNAME,
    secret: u.secret ?? o.secret ?? env.LIBISCSI_CHAP_PASSWORD,
    targetUser: u.targetUser ?? o.targetUser ?? env.LIBISCSI_CHAP_TARGET_USERNAME,
    targetSecret: u.targetSecret ?? o.targetSecret ?? env.LIBISCSI_CHAP_TARGET_PASSWORD,
  });
  if (o.user && !o.secret) {
    throw new UsageError(
      `CHAP user ${o.user} has no secret: give it in the URL (user%secret@host), ISCSI_CHAP_SECRET or LIBISCSI_CHAP_PASSWORD`,
    );
  }
  if (o.targetUser && !o.user) throw new UsageError('mutual CHAP (a target user) needs a CHAP user too');
  if (o.targetUser && !o.targetSecret) {
    throw new UsageError(
      `mutual CHAP target user ${o.targetUser} has no secret: give it as ?target_password=, ISCSI_CHAP_TARGET_SECRET or LIBISCSI_CHAP_TARGET_PASSWORD`,
    );
  }
  return o;
}
