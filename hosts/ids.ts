// VDS_OBJECT_IDs are GUIDs, stable for the adapter's life only (MS-VDS §3.4.3).
export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISCSI_NAME_RE = /^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9a-f]{16}|naa\.[0-9a-f]{16,32})$/i;

// One GUID per login: a table lookup per byte instead of a string per byte (it showed in profiles).
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function newGuid(random: (n: number) => Uint8Array): string {
  const b = random(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i++) s += HEX[b[i]];
    return s;
  };
  return `${h(0, 4)}-${h(4, 6)}-${h(6, 8)}-${h(8, 10)}-${h(10, 16)}`;
}

export interface Portal {
  host: string;
  port: number;
}
/** `host:port`, `[v6]:port` or `host` (3260). Returns null when it is not one. */
export function parsePortal(s: string): Portal | null {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+))(?::(\d{1,5}))?$/.exec(s.trim());
  if (!m) return null;
  const port = m[3] === undefined ? 3260 : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2], port };
}
export const portalText = (
  p: Portal,
): string => (p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`);
