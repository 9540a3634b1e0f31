/* C reference for the framing benchmark: the same checks and checksum as core/framer.ts raw mode.
 * Usage: pdu FILE SECONDS  -> prints "pdus bytes seconds checksum" for whole passes in 64 KiB chunks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t MASK[64][6]; static uint8_t B1S[64], KNOWN[64], ONES[64], NODATA[64];
static uint64_t bytes_(int a, int b) { uint64_t m = 0; for (int i = a; i <= b; i++) m |= 1ull << i; return m; }
/* the same masks as core/pdu.ts: every reserved bit, byte 0 and byte 1 included; bytes 4-7 in m
 * mean "no AHS, no data segment", a rule, not reserved bytes */
static void rule(int op, uint64_t m, int r, int s, int ones) {
  B1S[op] = s; KNOWN[op] = 1; ONES[op] = ones; NODATA[op] = (m & 0xf0) == 0xf0;
  for (int i = 0; i < 48; i++) if ((i < 4 || i > 7) && (m >> i & 1)) ((uint8_t *)MASK[op])[i] = 0xff;
  ((uint8_t *)MASK[op])[0] = 0xc0; ((uint8_t *)MASK[op])[1] = r;
}
static void init(void) {
  rule(0x20, bytes_(2,3)|bytes_(36,47), 0x7f, 0x80, 0); rule(0x21, bytes_(8,15), 0x61, 0x80, 0);
  rule(0x22, bytes_(3,15)|bytes_(20,23)|bytes_(36,47), 0x7f, 0x80, 0); rule(0x23, bytes_(20,23)|bytes_(38,47), 0x30, 0, 0);
  rule(0x24, bytes_(2,3)|bytes_(36,47), 0x3f, 0, 0); rule(0x25, bytes_(2,2), 0x38, 0, 0);
  rule(0x26, bytes_(3,15)|bytes_(20,23)|bytes_(36,39)|bytes_(44,47), 0x7f, 0x80, 0); rule(0x31, bytes_(2,7), 0x7f, 0x80, 0);
  rule(0x32, bytes_(2,3)|bytes_(20,23)|bytes_(44,47), 0x7f, 0x80, 1); rule(0x3f, bytes_(3,3)|bytes_(8,15)|bytes_(20,23)|bytes_(40,47), 0x7f, 0x80, 1);
}
static inline uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0]<<24)|((uint32_t)p[1]<<16)|((uint32_t)p[2]<<8)|p[3]; }

typedef struct { uint8_t buf[48+1020+4+8192+4]; uint32_t have, need, count, csum, reserved; int err; } framer;
static int check(framer *f, const uint8_t *p) {
  int op = p[0] & 0x3f;
  if (!KNOWN[op]) return -1;
  if ((p[1] & B1S[op]) != B1S[op]) return -7;
  if (ONES[op] && be32(p + 16) != 0xffffffffu) return -12;
  if (NODATA[op] && be32(p + 4) != 0) return -12;
  uint64_t w[6]; memcpy(w, p, 48);
  /* reserved bits are ignored (RFC 7143 §11), and counted */
  if ((w[0] & MASK[op][0]) | (w[1] & MASK[op][1]) | (w[2] & MASK[op][2]) | (w[3] & MASK[op][3]) | (w[4] & MASK[op][4]) | (w[5] & MASK[op][5])) f->reserved++;
  return 0;
}
static int deliver(framer *f, const uint8_t *p) {
  int r = check(f, p); if (r) return r;
  uint32_t dsl = ((uint32_t)p[5]<<16)|((uint32_t)p[6]<<8)|p[7];
  f->count++;
  f->csum = f->csum * 31u + (((p[0] & 0x3f) | (dsl << 8)) ^ be32(p + 16) ^ be32(p + 24));
  return 0;
}
static int64_t length(const uint8_t *p) {
  /* neither AHS nor data: 48 bytes, from one word (the same shortcut as core/framer.ts pduLength) */
  uint32_t w; memcpy(&w, p + 4, 4); if (w == 0) return 48;
  uint32_t dsl = ((uint32_t)p[5]<<16)|((uint32_t)p[6]<<8)|p[7];
  if (dsl > 8192) return -2;
  return 48 + ((uint32_t)p[4] << 2) + ((dsl + 3) & ~3u);
}
static int feed(framer *f, const uint8_t *c, uint32_t len) {
  uint32_t pos = 0;
  while (pos < len) {
    if (f->have == 0 && len - pos >= 48) {
      int64_t n = length(c + pos); if (n < 0) return (int)n;
      if (len - pos >= n) { int r = deliver(f, c + pos); if (r) return r; pos += n; continue; }
    }
    if (f->have < 48) {
      uint32_t t = 48 - f->have; if (t > len - pos) t = len - pos;
      memcpy(f->buf + f->have, c + pos, t); f->have += t; pos += t;
      if (f->have < 48) break;
      int64_t n = length(f->buf); if (n < 0) return (int)n; f->need = n;
    }
    uint32_t t = f->need - f->have; if (t > len - pos) t = len - pos;
    memcpy(f->buf + f->have, c + pos, t); f->have += t; pos += t;
    if (f->have == f->need) { f->have = 0; int r = deliver(f, f->buf); if (r) return r; }
  }
  return 0;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: pdu FILE SECONDS\n"); return 2; }
  init();
  FILE *fp = fopen(argv[1], "rb"); if (!fp) { perror(argv[1]); return 1; }
  fseek(fp, 0, SEEK_END); long size = ftell(fp); fseek(fp, 0, SEEK_SET);
  uint8_t *data = malloc(size); if (fread(data, 1, size, fp) != (size_t)size) return 1; fclose(fp);
  double secs = atof(argv[2]) / 5, start, el, best_rate = 0; uint64_t pdus = 0, bytes = 0, bp = 0, bb = 0; uint32_t csum = 0;
  double bel = 0;
  uint8_t *chunk = malloc(65536);
  /* five rounds, the fastest reported: the same rule as bench/runtime.ts */
  for (int round = 0; round < 5; round++) {
  pdus = 0; bytes = 0; start = now();
  do {
    framer *f = calloc(1, sizeof *f);
    for (long at = 0; at < size; at += 65536) {
      uint32_t n = size - at < 65536 ? size - at : 65536;
      memcpy(chunk, data + at, n); /* the same one copy the Wasm path makes */
      if (feed(f, chunk, n)) { fprintf(stderr, "framing error\n"); return 1; }
    }
    pdus += f->count; bytes += size; csum = f->csum; free(f);
    el = now() - start;
  } while (el < secs);
  if (bytes / el > best_rate) { best_rate = bytes / el; bp = pdus; bb = bytes; bel = el; }
  }
  printf("%llu %llu %.6f %u\n", (unsigned long long)bp, (unsigned long long)bb, bel, csum);
  return 0;
}
