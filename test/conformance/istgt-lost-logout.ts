// istgt now and then ends the connection with its Logout Response still queued for its sender
// thread (docs/testing.md, "istgt now and then closes the connection instead of answering a
// Logout"). Our bytes are the same either way; only the outcome differs. This tells that one case
// from every other difference, so a scenario against istgt may be run once more for it, and only
// for it: the second run is held to the transcript as strictly as the first.
export function istgtLostLogout(on: string, diff: string, got: string): boolean {
  return on === 'istgt' &&
    /\n {2}want: logout: S_OK\n {2}got: {2}logout: VDS_E_ISCSI_LOGOUT_FAILED$/.test(diff) &&
    got.includes('connection-lost-before-response');
}
