/** Faults the own target plays, per target, for cases no real target produces on demand. */
export type Fault =
  | 'none'
  | 'no-response' // swallow the Logout
  | 'late-response' // answer after faultArg ms
  | 'response-1'
  | 'response-2'
  | 'response-3'
  | 'rst' // reset instead of a response
  | 'fin' // half-close instead of a response
  | 'data-segment' // a Logout Response carrying a data segment (protocol error)
  | 'no-fin' // answer, then keep the connection open
  | 'split' // the response in one-byte writes
  | 'async-logout' // AsyncEvent 1 after login, Parameter3 = faultArg seconds
  | 'async-drop-all' // AsyncEvent 3 after login
  | 'async-drop-conn' // AsyncEvent 2 for CID 1 after login
  | 'async-renegotiate' // AsyncEvent 4 after login
  | 'nop-during-logout' // a NOP-In ping between our Logout and its response
  | 'nop-silent' // never answer the initiator's NOP-Out pings
  | 'reject-waiting' // Reject 0x0C after login
  | 'nop-ping' // NOP-In with a TTT after login (expects a NOP-Out)
  | 'login-auth-fail' // status 0x0201 on login
  | 'silent-logins' // the first faultArg (default 1) logins are answered; every later one gets no Login Response
  | 'bad-negotiation' // answers MaxBurstLength above the initiator's offer (a Minimum key)
  | 'burst-16k' // answers MaxBurstLength=16384 and FirstBurstLength=65536 (tgtd so configured does), R2Ts of 16384
  | 'first-burst-irrelevant' // answers ImmediateData=No and FirstBurstLength=Irrelevant (RFC 7143 §13.14)
  | 'first-burst-reject' // answers FirstBurstLength=Reject
  | 'first-burst-not-understood' // answers FirstBurstLength=NotUnderstood
  | 'tpgt-security' // TargetPortalGroupTag=faultArg (default 1) in its first Login Response (security stage), as tgtd does; SendTargets says ",1"
  | 'redirect' // status 0x0101 with TargetAddress = redirectTo
  | 'text-split' // discovery: SendTargets answer in two Text Responses, split inside a pair (C bit)
  | 'window-closed' // every response closes the command window (MaxCmdSN = ExpCmdSN - 1)
  | 'ping-flood' // after login, faultArg bytes (default 1 MiB) of NOP-In pings in one write
  | 'hex-numbers' // operational answers as hex constants (MaxRecvDataSegmentLength=0x2000, ...)
  | 'key-split' // the operational answer over two Login Responses (C bit), split inside MaxBurstLength=65536
  | 'skip-operational' // the security stage answered with T=1 NSG=3: no operational negotiation at all
  | 'propose-key' // proposes X-com.example.Foo=1 and waits for an answer before it moves on
  | 'out-of-range' // answers MaxRecvDataSegmentLength=4294967808 (2^32 + 512)
  | 'redirect-junk' // like 'redirect', with 48 junk bytes after the response in the same write
  | 'reject-logout' // answers the Logout with a Reject carrying its header, and no FIN
  | 'stall' // never answers a SCSI command (answers ABORT TASK)
  // The next three hold every SCSI command on a LUN unanswered until a LOGICAL UNIT RESET of that
  // LUN, which they answer Function complete; commands after the reset are answered as usual.
  | 'stall-reject-abort' // answers ABORT TASK with TMF response faultArg (default 255, function rejected)
  | 'late-answer' // answers ABORT TASK with faultArg (default 0); once a TMF Response ended a task named by an ABORT TASK, that task's SCSI Response (GOOD) follows
  | 'answer-rejected-abort' // answers ABORT TASK with 255, then at once the named task's SCSI Response (GOOD), before any LUN RESET
  | 'stall-silent' // never answers a SCSI command nor a task management request (Logout and NOP-Out still are)
  | 'stall-after-data' // a READ gets its first 1024 bytes in two Data-In (DataSN 0 and 1, no status), then nothing; ABORT TASK answered
  | 'bad-offset' // the second Data-In of a read carries a BufferOffset 512 bytes off
  | 'check-condition' // every READ ends CHECK CONDITION, MEDIUM ERROR / UNRECOVERED READ ERROR
  | 'descriptor-sense' // like 'check-condition', in descriptor format with the LBA in an Information descriptor
  | 'bad-block' // a READ that covers block faultArg (default 0) ends CHECK CONDITION, MEDIUM ERROR / UNRECOVERED READ ERROR
  | 'corrupt-block' // a READ that covers block faultArg (default 0) returns that block with its first byte inverted (GOOD)
  | 'unit-attention' // the first faultArg (default 1) commands after login end CHECK CONDITION, UNIT ATTENTION / POWER ON
  // With the next two the unit claims 2^33 blocks: READ CAPACITY (10) answers 0xFFFFFFFF, (16) the figure.
  | 'capacity-16-busy-once' // the first READ CAPACITY (16) ends BUSY
  | 'capacity-16-not-ready' // every READ CAPACITY (16) ends CHECK CONDITION, NOT READY / BECOMING READY
  | 'reserved-bits' // after login every PDU has its reserved bits and bytes set; a SCSI Response echoes the LUN
  | 'long-pdus' // after login a 64 KiB NOP-In ping and a 12 KiB Async Message; every READ ends CHECK CONDITION with a 20 KiB data segment
  // Hostile targets (test/hostile-target.test.ts): each breaks one rule, on the SCSI path.
  | 'r2t-oversize' // the first write that needs more than MaxBurstLength gets one R2T of MaxBurstLength + 512 bytes
  | 'r2t-together' // declares MaxRecvDataSegmentLength=512 and ImmediateData=No; holds the R2Ts of writes until faultArg (default 32) wait, then sends them in one socket write, and their SCSI Responses likewise once all their data is in
  | 'reject-data-out' // the first Data-Out is answered by a Reject (reason 0x02, data digest error) carrying its header
  | 'reject-command' // the first SCSI command is answered by a Reject carrying its header, reason faultArg (default 0x05)
  | 'slow-async-logout' // every SCSI command is answered faultArg ms late (default 300); the first READ or WRITE brings AsyncEvent 1 with Parameter3 = 2 at once
  | 'short-read' // a READ gets half its data, then GOOD with neither residual bit and a residual count of 0
  // Instead of answering the first READ (other commands are answered):
  | 'garbage' // 4 KiB of pseudo-random bytes (xorshift32, seed faultArg, default 1)
  | 'unknown-opcode' // a PDU with opcode 0x38 (reserved)
  | 'r2t-unknown-itt' // an R2T for ITT 0xDEADBEEF, which no command has
  | 'data-in-out-of-bounds' // its data without status, then a Data-In of 512 bytes at BufferOffset = the transfer length
  | 'huge-dsl' // a SCSI Response header for it declaring a DataSegmentLength of 0xFFFFFF, and nothing after
  // Session recovery (test/recovery.test.ts), played once per target (across its connections), so a re-login succeeds:
  | 'drop-mid-read' // the first READ gets half its Data-In (no status), then the socket is destroyed
  | 'drop-mid-write' // the first WRITE takes half its data (to the disk), then the socket is destroyed
  | 'refuse-relogin' // like 'drop-mid-read'; then the first faultArg (default 1) logins with an ISID seen before get 0x0301
  | 'redirect-relogin' // like 'drop-mid-read'; then the first login with an ISID seen before gets 0x0101 with TargetAddress = redirectTo
  // Played on every connection (test/recovery-stress.test.ts): the faultArg-th (default 40) SCSI
  // command a connection receives destroys it in the middle: a READ after half its Data-In, a
  // WRITE after half its data is on the disk, any other command before its answer.
  | 'drop-every';
