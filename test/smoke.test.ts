import { it, expect } from 'vitest';
import { createAdapter, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
it('smoke', async () => {
  const t = await startTarget({ targets: [{ name: 'iqn.2026-11.test:t1' }] });
  const a = createAdapter();
  const d = await a.discover(t.portal).wait({timeoutMs: 5000});
  console.log('discover', hrName(d.hr), JSON.stringify(d.output));
  for (let i = 0; i < 3; i++) {
    const r = await a.loginToTarget({ target: 'iqn.2026-11.test:t1', portal: t.portal }).wait({timeoutMs: 5000});
    console.log('login', hrName(r.hr), JSON.stringify(r.output));
  }
  console.log(JSON.stringify(a.queryTargets()));
  const op = a.logoutFromTarget('iqn.2026-11.test:t1');
  console.log(op.queryStatus());
  const r = await op.wait({timeoutMs: 5000});
  console.log('logout', hrName(r.hr), JSON.stringify(r.output));
  const r2 = await a.logoutFromTarget('iqn.2026-11.test:t1').wait();
  console.log('logout2', hrName(r2.hr));
  console.log(a.resources());
  await a.close(); await t.close();
});
