// The single source of truth for every number that crosses the core boundary.
// scripts/gen-codes.mjs mirrors this file into hosts/codes.generated.ts; test/codes.test.ts fails
// when the two drift. Keep one `export const NAME: T = value;` per line so the generator can read it.

// ---- HRESULTs (Windows names, values from vdserr.h / winerror.h; see docs/logout.md)
export const S_OK: u32 = 0x00000000;
export const E_INVALIDARG: u32 = 0x80070057;
export const E_OUTOFMEMORY: u32 = 0x8007000E;
export const E_FAIL: u32 = 0x80004005;           // a SCSI command that did not complete (IscsiError.reason says why)
export const VDS_E_OBJECT_NOT_FOUND: u32 = 0x80042405;
export const VDS_E_OPERATION_PENDING: u32 = 0x80042409;
export const VDS_E_CANCEL_TOO_LATE: u32 = 0x8004240C;
export const VDS_E_OPERATION_CANCELED: u32 = 0x8004240D;
export const VDS_E_TIMEOUT: u32 = 0x8004245F;
export const VDS_E_ISCSI_LOGIN_FAILED: u32 = 0x80042708;
export const VDS_E_ISCSI_LOGOUT_FAILED: u32 = 0x80042709;
export const VDS_E_ISCSI_SESSION_NOT_FOUND: u32 = 0x8004270A;
export const VDS_E_ISCSI_LOGOUT_INCOMPLETE: u32 = 0x80042710;

// ---- async output types (VDS_ASYNC_OUTPUT_TYPE)
// The comment is the name a handle prints (VDS_ASYNCOUT_<NAME> in Windows' own headers).
export const ASYNC_LOGINTOTARGET: u32 = 60; // LoginToTarget
export const ASYNC_LOGOUTFROMTARGET: u32 = 61; // LogoutFromTarget
export const ASYNC_DISCOVER: u32 = 1000; // Discover

// ---- framing errors: negative results of feed(), one per kind of bad peer input
export const ERR_UNKNOWN_OPCODE: i32 = -1;
export const ERR_DSL_TOO_LARGE: i32 = -2;
export const ERR_AHS_TOO_LARGE: i32 = -3;
export const ERR_HEADER_DIGEST: i32 = -4;
export const ERR_DATA_DIGEST: i32 = -5;
export const ERR_RESERVED_NOT_ZERO: i32 = -6;
export const ERR_BAD_FINAL_BIT: i32 = -7;
export const ERR_FRAMING_STOPPED: i32 = -8;
export const ERR_BAD_CONN: i32 = -10;
export const ERR_NOT_INITIATOR_PDU: i32 = -11;
export const ERR_BAD_FIELD: i32 = -12;
export const ERR_NO_SLOT: i32 = -13;
export const ERR_LEAVING: i32 = -15;        // the session is logging out: it takes no new command
export const ERR_SESSION_FULL: i32 = -14;   // the session holds as many task records as one session may
export const ERR_ABORTED_BY_LOGOUT: i32 = -16; // a held command: the abort-policy logout ended it (counted)

// ---- actions the core queues for the host: record = ACT_WORDS x u32 [kind, fields...]. The comment
// after each is its field list, read by scripts/gen-codes.mjs into a typed decoder
// (hosts/codes.generated.ts readAction); `at len` is a byte range in TX, decoded as `bytes`.
export const ACT_SEND: u32 = 1;            // fields: conn at len
export const ACT_CLOSE: u32 = 2;           // fields: conn
export const ACT_ARM: u32 = 3;             // fields: timer ms hold
export const ACT_CANCEL: u32 = 4;          // fields: timer
export const ACT_CONNECT: u32 = 5;         // fields: conn at len session op
export const ACT_OP_DONE: u32 = 6;         // fields: op hr lateCancel
export const ACT_SESSION_RESULT: u32 = 7;  // fields: op session reason hr time2Wait time2Retain commandsDrained
                                           // commandsAborted
export const ACT_EVENT: u32 = 8;           // fields: session event p1 p2 p3 p4
export const ACT_CHAP_ANSWER: u32 = 9;     // fields: conn algorithm identifier at len
export const ACT_CHAP_VERIFY: u32 = 10;    // fields: conn algorithm identifier at len
export const ACT_LOGGED_IN: u32 = 11;      // fields: op session tsih conn
export const ACT_TEXT: u32 = 12;           // fields: op textKind at len tag
export const ACT_PROGRESS: u32 = 13;       // fields: op percent
export const ACT_SESSION_GONE: u32 = 14;   // fields: session
export const ACT_LOGIN_STATUS: u32 = 15;   // fields: op status reason detail
export const ACT_JOINED: u32 = 16;         // fields: op
export const ACT_DATA_IN: u32 = 17;        // fields: task rxAt count offset
export const ACT_SEND_DATA: u32 = 18;      // fields: conn at len task offset plen pad digest
export const ACT_TASK_DONE: u32 = 19;      // fields: task reason status response flags residual at len
export const ACT_MORE: u32 = 20;           // fields: none

// ---- text kinds for ACT_TEXT
export const TEXT_TARGET_NAME: u32 = 1;
export const TEXT_TARGET_ADDRESS: u32 = 2;
export const TEXT_NEGOTIATED: u32 = 3;
export const TEXT_REDIRECT: u32 = 4;
export const TAG_NONE: u32 = 0xFFFFFFFF;   // ACT_TEXT tag of an address given without ",tpgt" (and of other texts)

// ---- per-session logout reasons (docs/logout.md)
export const R_LOGGED_OUT: u32 = 0;
export const R_RESPONSE_1_CID_NOT_FOUND: u32 = 1;
export const R_RESPONSE_2_RECOVERY_UNSUPPORTED: u32 = 2;
export const R_RESPONSE_3_CLEANUP_FAILED: u32 = 3;
export const R_TIMEOUT: u32 = 4;
export const R_CONNECTION_LOST_BEFORE_RESPONSE: u32 = 5;
export const R_PROTOCOL_ERROR: u32 = 6;
export const R_CANCELLED_BEFORE_SEND: u32 = 7;
export const R_BUSY: u32 = 8;               // inflight policy 'refuse': commands were in flight

// ---- login results (kept beside the raw status class/detail)
export const L_OK: u32 = 0;
export const L_AUTH_FAILED: u32 = 1;
export const L_AUTHZ_FAILED: u32 = 2;
export const L_NOT_FOUND: u32 = 3;
export const L_OUT_OF_RESOURCES: u32 = 4;
export const L_TARGET_ERROR: u32 = 5;
export const L_INITIATOR_ERROR: u32 = 6;
export const L_DOWNGRADE_REFUSED: u32 = 7;
export const L_MUTUAL_AUTH_FAILED: u32 = 8;
export const L_TIMEOUT: u32 = 9;
export const L_CONNECT_FAILED: u32 = 10;
export const L_PROTOCOL_ERROR: u32 = 11;
export const L_TRANSPORT_LOST: u32 = 12;
export const L_TOO_MANY_REDIRECTS: u32 = 13;
export const L_CANCELLED: u32 = 14;
export const L_NEGOTIATION_FAILED: u32 = 15;    // ACT_LOGIN_STATUS detail: the K_* key to blame (K_COUNT: CHAP_A)
export const L_PORTAL_GROUP_MISMATCH: u32 = 16; // ACT_LOGIN_STATUS detail: the TargetPortalGroupTag the target sent
// ACT_LOGIN_STATUS detail of L_TIMEOUT: which wait ran out.
export const LT_CONNECT: u32 = 1;    // the TCP connection (connect timeout)
export const LT_LOGIN: u32 = 2;      // the Login exchange (login timeout)
// ACT_LOGIN_STATUS detail of L_PROTOCOL_ERROR: the rule the target's side of the login broke.
export const LP_FRAMING: u32 = 1;       // a PDU the framer refused (digest, length, opcode, fixed bits)
export const LP_NOT_LOGIN: u32 = 2;     // a PDU other than a Login Response before full feature
export const LP_ITT: u32 = 3;           // a Login Response whose ITT is not our request's
export const LP_HEADER: u32 = 4;        // version not 0, another ISID, or the C and T bits together
export const LP_TEXT_TOO_LONG: u32 = 5; // a text continued (C bit) past what the core keeps
export const LP_TSIH_ZERO: u32 = 6;     // full feature offered with TSIH 0
export const LP_UNEXPECTED: u32 = 7;    // a Login Response when no request awaited one
export const LP_CHAP: u32 = 8;          // CHAP_I or CHAP_C missing or malformed
export const LP_REDIRECT: u32 = 9;      // a redirect without a TargetAddress

// ---- events for ACT_EVENT
export const EV_ASYNC_LOGOUT_REQUEST: u32 = 1;
export const EV_ASYNC_DROP_CONNECTION: u32 = 2;
export const EV_ASYNC_DROP_ALL: u32 = 3;
export const EV_ASYNC_RENEGOTIATE: u32 = 4;
export const EV_REJECT: u32 = 5;
export const EV_NOP_ANSWERED: u32 = 6;
export const EV_SESSION_LOGGED_OUT: u32 = 7;
export const EV_PROTOCOL_ERROR: u32 = 8;
export const EV_CONNECTION_LOST: u32 = 9;
export const EV_ASYNC_OTHER: u32 = 10;       // p1 = AsyncEvent, p2..p4 = Parameter1..3
export const EV_KEEPALIVE_TIMEOUT: u32 = 11;
export const EV_UNIT_ATTENTION: u32 = 12;   // p1 = ASC, p2 = ASCQ; the command is retried once
export const EV_TASK_MANAGEMENT_FAILED: u32 = 13; // p1 = function (1 ABORT TASK, 5 LUN RESET), p2 = response
                                                  // (256: no answer in time)
export const EV_LUN_RESET: u32 = 14;        // p1 = LUN: the target reset it after an abort failed;
                                            // its commands ended lun-reset
export const EV_LATE_PDU_DROPPED: u32 = 15; // p1 = opcode: an answer for a command whose abort had already
                                            // finished, dropped
export const EV_SESSION_RECOVERING: u32 = 16; // p1 = cause (RC_*): the connection failed, the session reinstates
export const EV_SESSION_RECOVERED: u32 = 17;  // p1 = attempts, p2 = new TSIH, p3 = portal index
export const EV_SESSION_LOST: u32 = 18;       // p1 = attempts: no new session within the replacement time

// ---- why a session started recovering (EV_SESSION_RECOVERING p1)
export const RC_TRANSPORT: u32 = 1;        // FIN, reset or a socket error outside a logout
export const RC_PING_TIMEOUT: u32 = 2;     // no answer to a NOP-Out ping in time
export const RC_TASK_MANAGEMENT: u32 = 3;  // a LUN RESET failed or went unanswered
export const RC_PROTOCOL_ERROR: u32 = 4;   // the target broke a rule the session cannot go on after
export const RC_TARGET_DROP: u32 = 5;      // AsyncEvent 2 or 3

// ---- how a SCSI command ended for its caller (ACT_TASK_DONE reason); status is valid for T_COMPLETED
export const T_COMPLETED: u32 = 0;
export const T_SESSION_LOST: u32 = 1;
export const T_ABORTED_BY_LOGOUT: u32 = 2;
export const T_LOGGING_OUT: u32 = 3;
export const T_TIMEOUT: u32 = 4;
export const T_ABORTED: u32 = 5;
export const T_TARGET_FAILURE: u32 = 6;
export const T_PROTOCOL_ERROR: u32 = 7;    // the target broke a rule for this command (response: PE_* says which)
export const T_REJECTED: u32 = 8;          // the target rejected the command (response: the Reject reason)
export const T_LUN_RESET: u32 = 9;         // the LUN was reset to end a command whose abort failed
export const T_NOT_REPLAYED: u32 = 10;     // in flight when the connection failed; the caller did not allow a replay

// ---- ACT_TASK_DONE response for T_PROTOCOL_ERROR: which rule the target broke
export const PE_R2T_BEYOND_BURST: u32 = 1; // an R2T asked for more than MaxBurstLength
export const PE_R2T_OUTSTANDING: u32 = 2;  // an R2T came while the previous one was still being answered
export const PE_SHORT_DATA: u32 = 3;       // GOOD status with fewer Data-In bytes than the transfer length
                                           // less the residual

// ---- ACT_TASK_DONE flags: the residual as the target reported it (SCSI Response / Data-In byte 1)
export const TD_UNDERFLOW: u32 = 2;
export const TD_OVERFLOW: u32 = 4;

// ---- command(): the direction of the command's data (the host builds the CDB, hosts/scsi/cdb.ts)
export const DIR_NONE: u32 = 0;
export const DIR_READ: u32 = 1;
export const DIR_WRITE: u32 = 2;
export const CMD_REPLAY: u32 = 0x10;    // or'ed into the direction: the command may be sent again after a reinstatement
export const CMD_CHAIN: u32 = 0x20;     // ... a lookup a caller's command waits for (READ CAPACITY): not counted
export const CMD_FOLLOWS: u32 = 0x40;   // ... the caller's command after its lookup: it takes the session's hold()

// ---- logout policies for commands in flight
export const INFLIGHT_DRAIN: u32 = 0;
export const INFLIGHT_ABORT: u32 = 1;
export const INFLIGHT_REFUSE: u32 = 2;

// ---- authentication methods for loginStart
export const AUTH_NONE: u32 = 0;
export const AUTH_CHAP: u32 = 1;
export const AUTH_MUTUAL_CHAP: u32 = 2;

// ---- login() flags
export const LOGIN_HEADER_DIGEST: u32 = 1;          // required: offer CRC32C alone
export const LOGIN_DATA_DIGEST: u32 = 2;
export const LOGIN_DISCOVERY: u32 = 4;
export const LOGIN_HEADER_DIGEST_PREFER: u32 = 0x10000; // preferred: offer CRC32C,None, take the target's choice
export const LOGIN_DATA_DIGEST_PREFER: u32 = 0x20000;
export const LOGIN_CHAP_MD5: u32 = 0x100;       // CHAP_A values the caller allows (none set = MD5 only)
export const LOGIN_CHAP_SHA1: u32 = 0x200;
export const LOGIN_CHAP_SHA256: u32 = 0x400;
export const LOGIN_CHAP_SHA3_256: u32 = 0x800;

// ---- login parameter tags (host writes TLVs [u16 tag, u16 len, bytes] into the IO region)
export const P_INITIATOR_NAME: u32 = 1;
export const P_TARGET_NAME: u32 = 2;
export const P_CHAP_USER: u32 = 3;
export const P_CHAP_TARGET_USER: u32 = 4;
export const P_RANDOM: u32 = 5;
export const P_KEEPALIVE_MS: u32 = 7;     // u32 LE NOP-Out interval (0 = none), then optionally the answer's wait
export const P_TMF_MS: u32 = 8;           // u32 little-endian: how long a task management request waits for its answer
export const P_PORTAL_GROUP_TAG: u32 = 9; // u32 little-endian: the tag discovery reported for this portal;
                                          // absent = not checked
export const P_RECOVERY: u32 = 10;        // 4 x u32 LE: replacement ms, first and longest reconnect delay ms, most
                                          // attempts (0: as many as fit); absent = no recovery
export const P_PORTALS: u32 = 11;         // the portals to reinstate at, host:port each, NUL between, the login's first

// ---- connection states (RFC 7143 §8.1) and session states (§8.3)
export const S1_FREE: u32 = 1;
export const S2_XPT_WAIT: u32 = 2;
export const S4_IN_LOGIN: u32 = 4;
export const S5_LOGGED_IN: u32 = 5;
export const S6_IN_LOGOUT: u32 = 6;
export const S7_LOGOUT_REQUESTED: u32 = 7;
export const S8_CLEANUP_WAIT: u32 = 8;
export const Q1_FREE: u32 = 1;
export const Q3_LOGGED_IN: u32 = 3;
export const Q4_FAILED: u32 = 4;

// ---- timer kinds: timerId = kind << 16 | slot
export const TIMER_CONN: u32 = 1;
export const TIMER_OP: u32 = 2;
export const TIMER_TASK: u32 = 3;
export const TIMER_DRAIN: u32 = 4;
export const TIMER_SESSION: u32 = 5;         // a session draining because the target asked it to log out
export const TIMER_REPLACE: u32 = 6;         // a recovering session's replacement time
export const TIMER_RECONNECT: u32 = 7;       // a recovering session's next reinstatement attempt

// ---- limits: the tables are sized once by init(); nothing grows while sessions run
export const DEFAULT_SESSIONS: i32 = 1024;   // init(): sessions an adapter holds unless told otherwise
export const DEFAULT_TASKS: i32 = 2048;      // init(): SCSI commands in flight across the adapter
export const MAX_TASKS: i32 = 4096;          // the most init() takes: a task's slot is 12 bits of its ITT
export const MAX_SESSIONS_LIMIT: i32 = 60000; // the most init() takes: timer ids carry a 16-bit slot
export const DATA_SEGMENT_MAX: u32 = 262144;  // MaxRecvDataSegmentLength we declare on normal sessions
                                              // (Data-In is streamed)
export const MAX_RECV_DSL: u32 = 8192;
export const RX_CAP: u32 = 262144;
export const RECOVERY_REPLACE_MS: u32 = 120000; // recovery defaults (docs/io.md): replacement time (open-iscsi's),
export const RECOVERY_DELAY_MIN_MS: u32 = 250;   // ... first and longest wait between reinstatement attempts,
export const RECOVERY_DELAY_MAX_MS: u32 = 8000;
export const NOOP_DEFAULT_MS: u32 = 5000;        // ... NOP-Out interval and answer limit (open-iscsi's)
export const COMMANDS_WAITING_MAX: u32 = 16384; // commands one session keeps waiting past maxCommandsPerSession
export const UA_RETRIES: u32 = 4;              // a command sent again after as many UNIT ATTENTIONs at most
export const TMF_DEFAULT_MS: u32 = 15000;     // a task management request's wait for its answer
                                              // (open-iscsi's abort_timeout)
export const DISCOVERY_GRACE_MS: u32 = 100;   // how long a discovery session waits for FIN after its Logout

// ---- flags for rawOpen (framing with no session: tests, benchmarks, fixtures)
export const RAW_HEADER_DIGEST: u32 = 1;
export const RAW_DATA_DIGEST: u32 = 2;
export const RAW_ANY_DIRECTION: u32 = 16;

// ---- operational keys (RFC 7143 §13) negotiated at login; sessionParam(s, K_*) reads the result.
// The comment is the name the host reports it under (TargetMaxRecvDataSegmentLength: the target's own).
export const K_MAX_CONNECTIONS: u32 = 0; // MaxConnections
export const K_INITIAL_R2T: u32 = 1; // InitialR2T
export const K_IMMEDIATE_DATA: u32 = 2; // ImmediateData
export const K_MAX_RECV_DSL_TARGET: u32 = 3; // TargetMaxRecvDataSegmentLength
export const K_MAX_BURST_LENGTH: u32 = 4; // MaxBurstLength
export const K_FIRST_BURST_LENGTH: u32 = 5; // FirstBurstLength
export const K_DEFAULT_TIME2WAIT: u32 = 6; // DefaultTime2Wait
export const K_DEFAULT_TIME2RETAIN: u32 = 7; // DefaultTime2Retain
export const K_MAX_OUTSTANDING_R2T: u32 = 8; // MaxOutstandingR2T
export const K_DATA_PDU_IN_ORDER: u32 = 9; // DataPDUInOrder
export const K_DATA_SEQUENCE_IN_ORDER: u32 = 10; // DataSequenceInOrder
export const K_ERROR_RECOVERY_LEVEL: u32 = 11; // ErrorRecoveryLevel
export const K_TARGET_PORTAL_GROUP_TAG: u32 = 12; // TargetPortalGroupTag
export const K_HEADER_DIGEST: u32 = 13; // HeaderDigest
export const K_DATA_DIGEST: u32 = 14; // DataDigest
export const K_COUNT: u32 = 15;
