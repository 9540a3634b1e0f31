// key=value\0 text for the own target.
export function parseText(b: Uint8Array): Map<string, string> {
  const m = new Map<string, string>();
  for (const pair of new TextDecoder().decode(b).split('\0')) {
    const i = pair.indexOf('=');
    if (i > 0) m.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return m;
}
export function buildText(pairs: [string, string][]): Uint8Array {
  return new TextEncoder().encode(pairs.map(([k, v]) => `${k}=${v}\0`).join(''));
}
export const hex = (b: Uint8Array): string => '0x' + [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
export function unhex(s: string): Uint8Array {
  const h = s.replace(/^0x/i, '');
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}
