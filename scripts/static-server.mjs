// A tiny static HTTP server for the browser pieces (`npm run web`, test/helpers/browser.ts):
// GET and HEAD only, on a loopback address, URL prefixes mapped to directories, nothing served
// from outside them, no listing, no caching (a rebuilt bundle is what the next load gets), and
// core.wasm as application/wasm, which WebAssembly.compileStreaming() insists on.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves `mounts` ({ '/dist/': dir, '/': dir }: the longest matching prefix wins) on
 *  `host`:`port` (0: a free port). Resolves { origin, close() } once listening. */
export function startStaticServer(mounts, { host = '127.0.0.1', port = 0 } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET or HEAD only\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad path\n');
    }
    const prefix = prefixes.find((p) => path.startsWith(p));
    if (!prefix) return send(404, 'not found\n');
    const dir = mounts[prefix];
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return send(403, 'outside\n');
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return send(404, 'not found\n');
    send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port } = server.address();
      resolve({
        origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        close: () =>
          new Promise((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
      });
    });
  });
}
