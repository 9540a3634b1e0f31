// The one difference a wire scenario against istgt may be run again for (wire-conformance.test.ts).
import { describe, expect, it } from 'vitest';
import { firstDifference } from './conformance/corpus.ts';
import { istgtLostLogout } from './conformance/istgt-lost-logout.ts';

const want = 'login #1: S_OK\nread back equal: true\nlogout: S_OK\n  session #1: logged-out S_OK\n';
const lost = 'login #1: S_OK\nread back equal: true\nlogout: VDS_E_ISCSI_LOGOUT_FAILED\n' +
  '  session #1: connection-lost-before-response VDS_E_ISCSI_LOGOUT_FAILED\n';

describe('istgtLostLogout', () => {
  it('is the Logout that istgt left unanswered, on istgt', () => {
    expect(istgtLostLogout('istgt', firstDifference(want, lost)!, lost)).toBe(true);
  });
  it('is not it on another target', () => {
    expect(istgtLostLogout('tgtd', firstDifference(want, lost)!, lost)).toBe(false);
    expect(istgtLostLogout('own', firstDifference(want, lost)!, lost)).toBe(false);
  });
  it('is not a logout that failed for another reason', () => {
    const timedOut = lost.replace('connection-lost-before-response', 'timeout');
    expect(istgtLostLogout('istgt', firstDifference(want, timedOut)!, timedOut)).toBe(false);
  });
  it('is not any other first difference', () => {
    const earlier = lost.replace('read back equal: true', 'read back equal: false');
    expect(istgtLostLogout('istgt', firstDifference(want, earlier)!, earlier)).toBe(false);
    const otherCode = lost.replace('logout: VDS_E_ISCSI_LOGOUT_FAILED', 'logout: VDS_E_TIMEOUT');
    expect(istgtLostLogout('istgt', firstDifference(want, otherCode)!, otherCode)).toBe(false);
  });
});
