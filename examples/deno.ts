// Deno: deno run --allow-net examples/deno.ts (in your project: 'npm:iscsi-adapter')
import { createAdapter, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';

const target = 'iqn.2026-11.dev.example:disk';
const own = await startTarget({ targets: [{ name: target }] }); // a built-in target on 127.0.0.1
const adapter = createAdapter();
const login = await adapter.loginToTarget({ target, portal: own.portal }).result();
const disk = adapter.session(login.sessionId!)!;
const { blockSize } = await disk.readCapacity(0);
await disk.write(0, 0, new Uint8Array(blockSize).fill(7));
const back = await disk.read(0, 0, 1);
const { hr, output } = await adapter.logoutFromTarget(target).wait();
console.log(`read ${back[0]}, logout ${hrName(hr)}, ${output.sessions.length} session(s)`);
await adapter.close();
await own.close();
