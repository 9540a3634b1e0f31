/* Peer for the write benchmark: libiscsi's asynchronous API, as a C caller keeps a queue full.
 *   libiscsi-write PORTAL IQN BLOCK_BYTES QUEUE SECONDS
 * Sequential WRITE (16)s of BLOCK_BYTES to LUN 1, QUEUE in flight, wrapping at the end of the LUN,
 * for SECONDS after 0.5 s of warm-up (counted as bench/write.ts counts). Prints one JSON line:
 * {"bench":"write","impl":"libiscsi","runtime":"native","blockBytes","queueDepth","bytesPerSec"}. */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

static struct iscsi_context *ctx;
static unsigned char *data;
static uint32_t block_bytes, block_size;
static uint64_t next_lba, per, span;
static int inflight, stop, counting;
static double warmup, end, started;
static uint64_t bytes;

static void written(struct iscsi_context *c, int status, void *command_data, void *priv);

static void issue(void) {
  uint64_t at = next_lba;
  next_lba = (next_lba + per) % span;
  if (!iscsi_write16_task(ctx, 1, at, data, block_bytes, block_size, 0, 0, 0, 0, 0, written, NULL)) {
    fprintf(stderr, "write16: %s\n", iscsi_get_error(ctx));
    exit(1);
  }
  inflight++;
}

static void written(struct iscsi_context *c, int status, void *command_data, void *priv) {
  (void)c; (void)priv;
  if (status != SCSI_STATUS_GOOD) { fprintf(stderr, "write failed: %s\n", iscsi_get_error(ctx)); exit(1); }
  scsi_free_scsi_task(command_data);
  inflight--;
  double now = now_ms();
  if (!counting && now >= warmup) { counting = 1; started = now; bytes = 0; }
  else if (counting) bytes += block_bytes;
  if (now >= end) stop = 1;
  if (!stop) issue();
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: see the top of libiscsi-write.c\n"); return 2; }
  const char *portal = argv[1], *iqn = argv[2];
  block_bytes = atoi(argv[3]);
  int queue = atoi(argv[4]);
  double seconds = atof(argv[5]);
  ctx = iscsi_create_context("iqn.2026-11.dev.bench:libiscsi-write");
  iscsi_set_targetname(ctx, iqn);
  iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
  iscsi_set_header_digest(ctx, ISCSI_HEADER_DIGEST_NONE);
  if (iscsi_full_connect_sync(ctx, portal, 1) != 0) { fprintf(stderr, "login: %s\n", iscsi_get_error(ctx)); return 1; }
  struct scsi_task *cap = iscsi_readcapacity16_sync(ctx, 1);
  struct scsi_readcapacity16 *rc = cap ? scsi_datain_unmarshall(cap) : NULL;
  if (!rc) { fprintf(stderr, "read capacity: %s\n", iscsi_get_error(ctx)); return 1; }
  block_size = rc->block_length;
  per = block_bytes / block_size;
  span = (rc->returned_lba + 1) - (rc->returned_lba + 1) % per;
  scsi_free_scsi_task(cap);
  data = malloc(block_bytes);
  for (uint32_t i = 0; i < block_bytes; i++) data[i] = (unsigned char)(i * 31 + 7);

  warmup = now_ms() + 500;
  end = warmup + seconds * 1000;
  for (int i = 0; i < queue; i++) issue();
  struct pollfd pfd;
  while (inflight > 0) {
    pfd.fd = iscsi_get_fd(ctx);
    pfd.events = iscsi_which_events(ctx);
    if (poll(&pfd, 1, 1000) < 0) { perror("poll"); return 1; }
    if (iscsi_service(ctx, pfd.revents) < 0) { fprintf(stderr, "service: %s\n", iscsi_get_error(ctx)); return 1; }
    if (now_ms() > end + 30000) { fprintf(stderr, "writes still outstanding 30 s after the end\n"); return 1; }
  }
  double elapsed = (now_ms() - started) / 1000;
  printf("{\"bench\":\"write\",\"impl\":\"libiscsi\",\"runtime\":\"native\",\"blockBytes\":%u,\"queueDepth\":%d,\"bytesPerSec\":%.0f}\n",
         block_bytes, queue, bytes / elapsed);
  iscsi_logout_sync(ctx);
  iscsi_destroy_context(ctx);
  return 0;
}
