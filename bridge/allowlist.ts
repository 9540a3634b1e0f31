// Which portals a client may reach: exact `host:port` entries, compared after the one
// normalisation a client cannot use to slip past (case of a name, brackets of an IPv6 address).

export interface Portal {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port` to its parts, or undefined when it is not one. */
export function parsePortal(s: string): Portal | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]).toLowerCase(), port };
}

const key = (p: Portal) => `${p.host}|${p.port}`;

/** A check for the given entries; an entry that is not a portal is refused at start. */
export function allowlist(entries: string[]): (portal: string) => Portal | undefined {
  const allowed = new Set<string>();
  for (const e of entries) {
    const p = parsePortal(e.trim());
    if (!p) throw new Error(`--allow: "${e}" is not host:port`);
    allowed.add(key(p));
  }
  return (portal) => {
    const p = parsePortal(portal);
    return p && allowed.has(key(p)) ? p : undefined;
  };
}
