// ACT_EVENT as the public event it is (docs/events.md): the core's positional parameters get
// the names RFC 7143 gives them (§11.9 for AsyncEvent parameters), one shape per type.
import {
  type Action,
  CODE,
  EVENT_NAMES,
  type EventType,
  FRAMING_ERROR_NAMES,
  REASON_NAMES,
  type SessionReason,
} from './codes.ts';
import type { AdapterEvent, RecoveryCause } from './api.ts';

type EventAction = Extract<Action, { kind: 'event' }>;
const CAUSES: Record<number, RecoveryCause> = {
  [CODE.RC_TRANSPORT]: 'transport',
  [CODE.RC_PING_TIMEOUT]: 'ping-timeout',
  [CODE.RC_TASK_MANAGEMENT]: 'task-management',
  [CODE.RC_PROTOCOL_ERROR]: 'protocol-error',
  [CODE.RC_TARGET_DROP]: 'target-drop',
};
type Body = AdapterEvent extends infer E ? E extends { type: EventType } ? Omit<E, 'sessionId' | 'targetId'> : never
  : never;

/** `portals`: the session's portals as its login gave them to the core (recovered events name one). */
function body(a: EventAction, portals?: string[]): Body {
  const { p1, p2, p3, p4 } = a;
  switch (a.event) {
    case CODE.EV_ASYNC_LOGOUT_REQUEST:
      return { type: 'async-logout-request', withinSeconds: p3 };
    case CODE.EV_ASYNC_DROP_CONNECTION:
      return { type: 'async-drop-connection', cid: p1, time2Wait: p2, time2Retain: p3 };
    case CODE.EV_ASYNC_DROP_ALL:
      return { type: 'async-drop-all', time2Wait: p2, time2Retain: p3 };
    case CODE.EV_ASYNC_RENEGOTIATE:
      return { type: 'async-renegotiate', withinSeconds: p3 };
    case CODE.EV_ASYNC_OTHER:
      return { type: 'async-other', asyncEvent: p1, parameter1: p2, parameter2: p3, parameter3: p4 };
    case CODE.EV_REJECT:
      return { type: 'reject', reason: p1 };
    case CODE.EV_NOP_ANSWERED:
      return { type: 'nop-answered', targetTransferTag: p1 };
    case CODE.EV_SESSION_LOGGED_OUT:
      return {
        type: 'session-logged-out',
        reason: REASON_NAMES[p1] as SessionReason,
        time2Wait: p2,
        time2Retain: p3,
      };
    case CODE.EV_PROTOCOL_ERROR:
      return { type: 'protocol-error', error: FRAMING_ERROR_NAMES[-p1] };
    case CODE.EV_UNIT_ATTENTION:
      return { type: 'unit-attention', asc: p1, ascq: p2 };
    case CODE.EV_TASK_MANAGEMENT_FAILED:
      return {
        type: 'task-management-failed',
        function: p1 === 5 ? 'lun-reset' : 'abort-task',
        response: p2 > 255 ? 'no-answer' : p2,
      };
    case CODE.EV_LUN_RESET:
      return { type: 'lun-reset', lun: p1 };
    case CODE.EV_LATE_PDU_DROPPED:
      return { type: 'late-pdu-dropped', opcode: p1 };
    case CODE.EV_SESSION_RECOVERING:
      return { type: 'session-recovering', cause: CAUSES[p1] ?? 'transport' };
    case CODE.EV_SESSION_RECOVERED:
      return { type: 'session-recovered', attempts: p1, tsih: p2, portal: portals?.[p3] ?? '' };
    case CODE.EV_SESSION_LOST:
      return { type: 'session-lost', attempts: p1 };
    default:
      return { type: EVENT_NAMES[a.event] as 'connection-lost' | 'keepalive-timeout' };
  }
}

/** The public event for an ACT_EVENT of the session with these ids. */
export function toEvent(a: EventAction, sessionId?: string, targetId?: string, portals?: string[]): AdapterEvent {
  return { ...body(a, portals), sessionId, targetId } as AdapterEvent;
}
