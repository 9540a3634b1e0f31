// loadCore() against a local HTTP server, in every runtime: the shipped core compiles and is
// used; another Wasm file (the scalar build, here) or a missing one is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCore } from '../hosts/web/load-core.ts';
import { CORE_SCALAR_WASM_BASE64, CORE_WASM_BASE64 } from '../hosts/wasm/core-wasm.ts';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const FILES: Record<string, Uint8Array> = {
  '/core.wasm': bytes(CORE_WASM_BASE64),
  '/other.wasm': bytes(CORE_SCALAR_WASM_BASE64),
};

describe('loadCore()', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const body = FILES[req.url ?? ''];
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/wasm', connection: 'close' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('compiles the shipped core.wasm: the SIMD build', async () => {
    expect(await loadCore(`${base}/core.wasm`)).toBe('simd');
  });

  it('refuses a Wasm file that is not the core this bundle was built with', async () => {
    await expect(loadCore(`${base}/other.wasm`)).rejects.toThrow(/not the core this bundle was built with/);
  });

  it('refuses a download that fails, naming the status', async () => {
    await expect(loadCore(`${base}/missing.wasm`)).rejects.toThrow(/answered 404/);
  });
});
