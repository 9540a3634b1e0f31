// The console's script: plain DOM over `iscsi-adapter/web` (the page's import map points it at
// the bundle). The bridge address, token and portal come from the form, which the URL fragment
// (#bridge=...&token=...&portal=...) can fill: a fragment is never sent to a server.
import { createAdapter, hrName, loadCore } from 'iscsi-adapter/web';

const $ = (id) => document.getElementById(id);
/** A new element with properties and children (strings become text). */
function h(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

let adapter; // one adapter per discovery; its sessions are the targets' rows
let core; // loadCore() once: the SIMD build compiled while it downloads, beside the bundle

/** Every error ends up here, in the page (and in the console, with its stack). */
function showError(e) {
  const out = e?.output;
  const detail = [out?.result, out?.error].filter(Boolean).join(': ');
  $('error').textContent = `${e?.name ?? 'Error'}: ${e?.message ?? e}${detail ? ` (${detail})` : ''}`;
  $('error').hidden = false;
  console.error(e);
}
const clearError = () => {
  $('error').hidden = true;
  $('error').textContent = '';
};
addEventListener('unhandledrejection', (ev) => showError(ev.reason));
addEventListener('error', (ev) => showError(ev.error ?? ev.message));

/** Runs an action from a button, showing its error; the button is disabled meanwhile. */
async function act(button, fn) {
  clearError();
  button.disabled = true;
  try {
    await fn();
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
  }
}
const status = (text) => void ($('status').textContent = text);

// The fragment fills the form.
const given = new URLSearchParams(location.hash.slice(1));
for (const k of ['bridge', 'token', 'portal']) if (given.get(k)) $(k).value = given.get(k);

/** 16 bytes a line: offset, hex in two groups of 8, the printable ASCII. */
function hexDump(bytes) {
  const lines = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = [...bytes.subarray(at, at + 16)];
    const hex = row.map((b) => b.toString(16).padStart(2, '0'));
    const text = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(
      `${at.toString(16).padStart(6, '0')}  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  |${text}|`,
    );
  }
  return lines.join('\n');
}

const DEVICE_TYPES = { 0: 'disk', 5: 'CD/DVD', 0x0c: 'controller', 0x0d: 'enclosure' };

/** One row per target: logged in, its LUNs listed, each disk with a button for its sector 0. */
async function showTarget(tbody, t, portal) {
  const luns = h('td', {}, 'logging in ...');
  const action = h('td');
  const row = h('tr', {}, h('td', {}, h('code', {}, t.name)), h('td', {}, t.portals.join(', ')), luns, action);
  row.dataset.target = t.name;
  tbody.append(row);
  const a = adapter;
  const { sessionId } = await a.loginToTarget({ target: t.name, portal }).result();
  const session = a.session(sessionId);
  const list = h('ul');
  for (const lun of await session.reportLuns()) {
    const item = h('li', {}, `LUN ${lun}: `);
    list.append(item);
    try {
      const inq = await session.inquiry(lun);
      item.append(`${DEVICE_TYPES[inq.peripheralType] ?? `type ${inq.peripheralType}`}, ${inq.vendor} ${inq.product}`);
      if (inq.peripheralType !== 0) continue;
      const cap = await session.readCapacity(lun);
      const bytes = cap.blocks * BigInt(cap.blockSize);
      item.append(`, ${cap.blocks} × ${cap.blockSize} B (${(Number(bytes) / 2 ** 20).toFixed(1)} MiB) `);
      const show = h('button', { type: 'button', className: 'sector0', textContent: 'Sector 0' });
      show.dataset.lun = String(lun);
      show.onclick = () =>
        act(show, async () => {
          const data = await session.read(lun, 0, 1);
          $('dump-title').textContent = `Sector 0 of LUN ${lun}, ${t.name} (${data.length} bytes)`;
          $('dump').textContent = hexDump(data);
        });
      item.append(show);
    } catch (e) {
      item.append(` (${e.name}: ${e.message})`); // this LUN's error in its line; the others still listed
    }
  }
  luns.replaceChildren(list);
  const out = h('button', { type: 'button', className: 'logout', textContent: 'Log out' });
  out.onclick = () => act(out, () => logout(a, t.name, row));
  action.append(out);
}

/** LogoutFromTarget, commands in flight drained, the bar following the handle's progress. */
async function logout(a, name, row) {
  const bar = $('progress');
  const op = a.logoutFromTarget(name, { inflight: 'drain' });
  bar.value = op.queryStatus().percentCompleted;
  $('logout-status').textContent = `logging out of ${name} ...`;
  op.onProgress((p) => void (bar.value = p));
  const { hr, output } = await op.wait();
  bar.value = op.queryStatus().percentCompleted;
  const reasons = output.sessions.map((s) => s.reason).join(', ');
  $('logout-status').textContent = `${name}: ${hrName(hr)}, ${output.sessions.length} session(s) ${reasons}`;
  if (hr !== 0) throw Object.assign(new Error(`LogoutFromTarget ended ${hrName(hr)}`), { output });
  for (const b of row.querySelectorAll('button')) b.remove();
  row.lastElementChild.textContent = 'logged out';
}

$('connect').addEventListener('submit', (ev) => {
  ev.preventDefault();
  act($('discover'), async () => {
    const [bridge, token, portal] = ['bridge', 'token', 'portal'].map((k) => $(k).value.trim());
    if (adapter) {
      status('closing the previous adapter ...');
      await adapter.close();
    }
    // A failed download is forgotten, so the next Discover tries again.
    core ??= loadCore(new URL('core.wasm', import.meta.resolve('iscsi-adapter/web'))).catch((e) => {
      core = undefined;
      throw e;
    });
    const build = await core;
    status(`discovering at ${portal} ...`);
    adapter = createAdapter({ bridge, token });
    const { targets } = await adapter.discover(portal).result();
    const tbody = $('targets').tBodies[0];
    tbody.replaceChildren();
    if (!targets.length) tbody.append(h('tr', {}, h('td', { colSpan: 4 }, `${portal} offers no target.`)));
    status(`${targets.length} target(s) at ${portal} (Wasm core: ${build})`);
    for (const t of targets) await showTarget(tbody, t, portal);
  });
});
