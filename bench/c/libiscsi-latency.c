/* Peer for the latency benchmark: one READ (16) of 4 KiB at a time (libiscsi's synchronous call,
 * which runs the same event loop as its asynchronous one) at random 4 KiB-aligned LBAs of LUN 1.
 *   libiscsi-latency PORTAL IQN SAMPLES WARMUP
 * Prints one JSON line:
 * {"bench":"latency","impl":"libiscsi","runtime":"native","blockBytes","queueDepth","samples","p50Us","p99Us"}. */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: see the top of libiscsi-latency.c\n"); return 2; }
  const char *portal = argv[1], *iqn = argv[2];
  int samples = atoi(argv[3]), warm = atoi(argv[4]);
  const uint32_t bytes = 4096;
  struct iscsi_context *c = iscsi_create_context("iqn.2026-11.dev.bench:libiscsi-latency");
  iscsi_set_targetname(c, iqn);
  iscsi_set_session_type(c, ISCSI_SESSION_NORMAL);
  iscsi_set_header_digest(c, ISCSI_HEADER_DIGEST_NONE);
  if (iscsi_full_connect_sync(c, portal, 1) != 0) { fprintf(stderr, "login: %s\n", iscsi_get_error(c)); return 1; }
  struct scsi_task *cap = iscsi_readcapacity16_sync(c, 1);
  struct scsi_readcapacity16 *rc = cap ? scsi_datain_unmarshall(cap) : NULL;
  if (!rc) { fprintf(stderr, "read capacity: %s\n", iscsi_get_error(c)); return 1; }
  uint32_t size = rc->block_length, per = bytes / size;
  uint64_t slots = (rc->returned_lba + 1) / per;
  scsi_free_scsi_task(cap);
  double *t = calloc(samples, sizeof *t);
  srand48(1);
  for (int i = -warm; i < samples; i++) {
    uint64_t lba = ((uint64_t)(drand48() * slots)) * per;
    double t0 = now_us();
    struct scsi_task *task = iscsi_read16_sync(c, 1, lba, bytes, size, 0, 0, 0, 0, 0);
    double t1 = now_us();
    if (!task || task->status != SCSI_STATUS_GOOD) { fprintf(stderr, "read: %s\n", iscsi_get_error(c)); return 1; }
    scsi_free_scsi_task(task);
    if (i >= 0) t[i] = t1 - t0;
  }
  qsort(t, samples, sizeof *t, cmp);
  printf("{\"bench\":\"latency\",\"impl\":\"libiscsi\",\"runtime\":\"native\",\"blockBytes\":%u,\"queueDepth\":1,"
         "\"samples\":%d,\"p50Us\":%.1f,\"p99Us\":%.1f}\n",
         bytes, samples, t[samples / 2], t[(samples * 99) / 100]);
  iscsi_logout_sync(c);
  iscsi_destroy_context(c);
  return 0;
}
