// iscsi:// URLs as libiscsi's tools take them (cli/url.ts), and the credentials a disk command
// ends up with from the URL, our flags and the environment (cli/disk-args.ts).
import { describe, expect, it } from 'vitest';
import { parseUrl, redactUrl } from '../cli/url.ts';
import { type CliOptions, parseArgs } from '../cli/args.ts';

const IQN = 'iqn.2026-11.dev.example:disk1';
const args = (argv: string[], env: Record<string, string> = {}) => parseArgs(argv, env) as CliOptions;

describe('iscsi:// URLs', () => {
  it('user%password, host, port, target name and LUN', () => {
    expect(parseUrl(`iscsi://alice%S3cret-pass@10.0.0.5:3261/${IQN}/2`, 'disk')).toMatchObject({
      portal: '10.0.0.5:3261',
      target: IQN,
      lun: 2,
      user: 'alice',
      secret: 'S3cret-pass',
      text: `iscsi://alice%***@10.0.0.5:3261/${IQN}/2`,
    });
  });

  it('the port defaults to 3260', () => {
    expect(parseUrl(`iscsi://storage.example/${IQN}/0`, 'disk').portal).toBe('storage.example:3260');
  });

  it('an IPv6 host stays in its brackets, with or without a port', () => {
    expect(parseUrl(`iscsi://[fe80::1]:3261/${IQN}/0`, 'disk').portal).toBe('[fe80::1]:3261');
    expect(parseUrl(`iscsi://[::1]/${IQN}/0`, 'disk').portal).toBe('[::1]:3260');
  });

  it('user:password is the same as user%password (libiscsi takes both)', () => {
    expect(parseUrl(`iscsi://alice:S3cret@h/${IQN}/0`, 'disk')).toMatchObject({ user: 'alice', secret: 'S3cret' });
  });

  it('a password may hold %, : and @; only the first % parts it from the user', () => {
    expect(parseUrl(`iscsi://alice%p%4:@x@h/${IQN}/0`, 'disk')).toMatchObject({
      user: 'alice',
      secret: 'p%4:@x',
      portal: 'h:3260',
    });
  });

  it('the target name is percent-decoded, the password is not (as libiscsi)', () => {
    const u = parseUrl('iscsi://alice%a%41b@h/iqn.2026-11.dev.example%3Adisk1/0', 'disk');
    expect(u.target).toBe(IQN);
    expect(u.secret).toBe('a%41b');
  });

  it('query parameters: mutual CHAP, the CHAP algorithm, digests', () => {
    const u = parseUrl(
      `iscsi://alice%S3cret@h/${IQN}/0?target_user=array&target_password=T4rget&auth=sha-256&header_digest=crc32c&data_digest=none`,
      'disk',
    );
    expect(u).toMatchObject({
      targetUser: 'array',
      targetSecret: 'T4rget',
      algorithm: 'sha256',
      headerDigest: true,
      dataDigest: false,
    });
    expect(u.text).toBe(
      `iscsi://alice%***@h/${IQN}/0?target_user=array&target_password=***&auth=sha-256&header_digest=crc32c&data_digest=none`,
    );
  });

  it('a portal URL (ls): host and port, a trailing slash allowed', () => {
    const u = parseUrl('iscsi://10.0.0.5:3261/', 'portal');
    expect([u.portal, u.target, u.lun]).toEqual(['10.0.0.5:3261', undefined, undefined]);
  });

  const BAD: [string, 'disk' | 'portal', RegExp][] = [
    ['http://h/iqn.x/0', 'disk', /^not an iSCSI URL \(it must start with iscsi:\/\/\)/],
    ['iser://h/iqn.x/0', 'disk', /^iSER is not supported/],
    ['iscsi:///iqn.x/0', 'disk', /^no host in the URL/],
    ['iscsi://h', 'disk', /^no target name in the URL/],
    ['iscsi://h/iqn.x', 'disk', /^no LUN after the target name/],
    ['iscsi://h/iqn.x/', 'disk', /^the LUN must be a whole number from 0 to 16383, not ""/],
    ['iscsi://h/iqn.x/1a', 'disk', /^the LUN must be a whole number from 0 to 16383, not "1a"/],
    ['iscsi://h/iqn.x/16384', 'disk', /^the LUN must be a whole number from 0 to 16383, not "16384"/],
    ['iscsi://h:70000/iqn.x/0', 'disk', /^the port must be a whole number from 1 to 65535, not "70000"/],
    ['iscsi://h:/iqn.x/0', 'disk', /^the port must be a whole number from 1 to 65535, not ""/],
    ['iscsi://fe80::1/iqn.x/0', 'disk', /^an IPv6 address must be in brackets \(\[fe80::1\]\)/],
    ['iscsi://@h/iqn.x/0', 'disk', /^no user before the @/],
    ['iscsi://h/iqn%zz/0', 'disk', /^a % that is not followed by two hex digits in the target name/],
    ['iscsi://h/iqn.x/0?auth=sha512', 'disk', /^auth must be md5, sha1, sha-256 or sha3-256, not "sha512"/],
    ['iscsi://h/iqn.x/0?header_digest=yes', 'disk', /^header_digest must be crc32c or none, not "yes"/],
    ['iscsi://h/iqn.x/0?force_usn=1', 'disk', /^an unknown parameter "force_usn"/],
    ['iscsi://h/iqn.x/0', 'portal', /^a target name where only a portal belongs/],
  ];
  for (const [url, kind, why] of BAD) {
    it(`${kind === 'portal' ? 'a portal URL ' : ''}${url} is refused, saying what is wrong`, () => {
      expect(() => parseUrl(url, kind)).toThrow(why);
    });
  }

  it('an error quotes the URL with its passwords as ***', () => {
    let message = '';
    try {
      parseUrl(`iscsi://alice%Pa55word-1@h/${IQN}/x?target_password=Pa55word-2`, 'disk');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/the LUN must be/);
    expect(message).toContain('iscsi://alice%***@h/');
    expect(message).toContain('target_password=***');
    expect(message).not.toMatch(/Pa55word/);
  });

  it('redactUrl leaves a URL without a password as it is', () => {
    expect(redactUrl(`iscsi://alice@h/${IQN}/0`)).toBe(`iscsi://alice@h/${IQN}/0`);
  });
});

describe('disk command credentials', () => {
  const url = `iscsi://h/${IQN}/1`;

  it('the URL sets portal, target and LUN; no credentials, no CHAP', () => {
    const o = args(['inq', url]);
    expect(o).toMatchObject({ portals: ['h:3260'], target: IQN, lun: 1, user: undefined, secret: undefined });
  });

  it("libiscsi's variables: LIBISCSI_CHAP_USERNAME and LIBISCSI_CHAP_PASSWORD, and the target's", () => {
    const o = args(['inq', url], {
      LIBISCSI_CHAP_USERNAME: 'alice',
      LIBISCSI_CHAP_PASSWORD: 'S3cret-one',
      LIBISCSI_CHAP_TARGET_USERNAME: 'array',
      LIBISCSI_CHAP_TARGET_PASSWORD: 'S3cret-two',
    });
    expect(o).toMatchObject({ user: 'alice', secret: 'S3cret-one', targetUser: 'array', targetSecret: 'S3cret-two' });
  });

  it("the URL's user and password come before the environment's", () => {
    const inq = args(['inq', `iscsi://alice%FromUrl1@h/${IQN}/1`], {
      LIBISCSI_CHAP_USERNAME: 'bob',
      LIBISCSI_CHAP_PASSWORD: 'FromLibiscsi',
      ISCSI_CHAP_SECRET: 'FromOurs1',
    });
    expect(inq).toMatchObject({ user: 'alice', secret: 'FromUrl1' });
  });

  it('ISCSI_CHAP_SECRET comes before LIBISCSI_CHAP_PASSWORD for a user without a password in the URL', () => {
    const o = args(['inq', `iscsi://alice@h/${IQN}/1`], {
      LIBISCSI_CHAP_PASSWORD: 'FromLibiscsi',
      ISCSI_CHAP_SECRET: 'FromOurs1',
    });
    expect(o).toMatchObject({ user: 'alice', secret: 'FromOurs1' });
  });

  it('a user with no secret anywhere is bad usage naming where the secret can come from', () => {
    expect(() => args(['inq', `iscsi://alice@h/${IQN}/1`])).toThrow(
      /CHAP user alice has no secret: give it in the URL \(user%secret@host\), ISCSI_CHAP_SECRET or LIBISCSI_CHAP_PASSWORD/,
    );
  });

  it('--chap-user naming another user than the URL is bad usage', () => {
    expect(() => args(['inq', `iscsi://alice%S3cret-one@h/${IQN}/1`, '--chap-user', 'bob'])).toThrow(
      /the URL names CHAP user alice and --chap-user bob/,
    );
  });

  it('--chap-target-user with ISCSI_CHAP_TARGET_SECRET makes mutual CHAP with the URL user', () => {
    const o = args(['readcap', `iscsi://alice%S3cret-one@h/${IQN}/1`, '--chap-target-user', 'array'], {
      ISCSI_CHAP_TARGET_SECRET: 'S3cret-two',
    });
    expect(o).toMatchObject({ user: 'alice', targetUser: 'array', targetSecret: 'S3cret-two' });
  });

  it('a disk command without its URL is bad usage', () => {
    expect(() => args(['readcap'])).toThrow(/readcap needs a URL iscsi:\/\/host\[:port\]\/target-name\/lun/);
  });

  it('--portal with a disk command is bad usage: the URL says the portal', () => {
    expect(() => args(['inq', url, '--portal', 'h'])).toThrow(/takes the portal and target from its URL/);
  });

  it('read needs --lba and --blocks; write needs --lba and a FILE', () => {
    expect(() => args(['read', url, '--blocks', '1'])).toThrow(/read needs --lba N/);
    expect(() => args(['read', url, '--lba', '0'])).toThrow(/read needs --blocks N/);
    expect(() => args(['write', url, '--lba', '0'])).toThrow(/write needs the FILE to write/);
  });

  it('read --json without --out is bad usage: stdout carries the JSON', () => {
    expect(() => args(['read', url, '--lba', '0', '--blocks', '1', '--json'])).toThrow(/read --json needs --out FILE/);
  });

  it('a flag of another command is bad usage naming the commands it is for', () => {
    expect(() => args(['inq', url, '--show-luns'])).toThrow(/--show-luns is for ls/);
    expect(() => args(['probe', '--portal', 'h', '--lba', '1'])).toThrow(/--lba is for read and write/);
  });

  it('--page takes decimal or hex and implies --evpd', () => {
    expect(args(['inq', url, '--page', '0x80'])).toMatchObject({ evpd: true, page: 0x80 });
    expect(args(['inq', url, '--page', '131'])).toMatchObject({ evpd: true, page: 0x83 });
    expect(() => args(['inq', url, '--page', '0x100'])).toThrow(/--page must be a page code from 0 to 255/);
  });

  it('--lba takes a 64-bit LBA', () => {
    expect(args(['read', url, '--lba', '18446744073709551615', '--blocks', '1']).lba).toBe(18446744073709551615n);
    expect(() => args(['read', url, '--lba', '18446744073709551616', '--blocks', '1'])).toThrow(/--lba must be/);
  });
});
