// --origin entries as a browser sends its Origin header (scheme://host[:port], lower case, no
// path), so `https://Console.example/` matches what Chromium sends for that page.
export function normalizeOrigins(entries: string[]): string[] {
  return entries.map((e) => {
    let origin = 'null';
    try {
      origin = new URL(e.trim()).origin;
    } catch { /* refused below */ }
    if (origin === 'null') {
      throw new TypeError(`--origin: "${e}" is not an http(s) origin such as https://console.example`);
    }
    return origin;
  });
}
