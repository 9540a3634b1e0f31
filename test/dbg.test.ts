import { it } from 'vitest';
import { createAdapter, hrName } from 'iscsi-adapter';
import { startTgtd } from './peers/tgtd.ts';
it('dbg', async () => {
  const t = await startTgtd([{ tid: 2, name: 'iqn.2026-11.test:chap', chap: { user: 'alice', secret: 'Secret4Initiator' } }]);
  console.log('PORT', t.port);
  await new Promise(r => setTimeout(r, 1500));
  const a = createAdapter();
  const r = await a.loginToTarget({ target: 'iqn.2026-11.test:chap', portal: t.portals[0], auth: { method: 'chap', user: 'alice', secret: 'Secret4Initiator' } }).wait();
  console.log(hrName(r.hr), JSON.stringify(r.output));
  await a.close(); t.stop();
});
