/* C reference for the CRC32C benchmark: slicing-by-8, the same loop as core/crc32c.ts.
 * Usage: crc32c BLOCK SECONDS -> "blocks bytes seconds checksum" (checksum = XOR of the block CRCs). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint32_t T[8][256];
static void init(void) {
  for (uint32_t i = 0; i < 256; i++) { uint32_t c = i; for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1; T[0][i] = c; }
  for (uint32_t i = 0; i < 256; i++) for (int t = 1; t < 8; t++) T[t][i] = T[0][T[t-1][i] & 0xff] ^ (T[t-1][i] >> 8);
}
static uint32_t crc(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t a = (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24) ^ c;
    c = T[7][a & 0xff] ^ T[6][(a >> 8) & 0xff] ^ T[5][(a >> 16) & 0xff] ^ T[4][a >> 24] ^ T[3][p[4]] ^ T[2][p[5]] ^ T[1][p[6]] ^ T[0][p[7]];
  }
  while (n--) c = T[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  init();
  size_t block = atoi(argv[1]), total = 131072 / block * block;
  uint8_t *data = malloc(total);
  uint32_t s = 1;
  for (size_t i = 0; i < total; i++) { s = s * 1664525u + 1013904223u; data[i] = (uint8_t)(s >> 24); }
  double secs = atof(argv[2]) / 5, start, el, best = 0, bel = 0; uint64_t blocks = 0, bblocks = 0; uint32_t x = 0;
  /* five rounds, the fastest reported: the same rule as bench/runtime.ts */
  for (int round = 0; round < 5; round++) {
    blocks = 0; start = now();
    do {
      x = 0;
      for (size_t at = 0; at < total; at += block) x ^= crc(data + at, block);
      blocks += total / block; el = now() - start;
    } while (el < secs);
    if (blocks / el > best) { best = blocks / el; bblocks = blocks; bel = el; }
  }
  printf("%llu %llu %.6f %u\n", (unsigned long long)bblocks, (unsigned long long)(bblocks * block), bel, x);
  return 0;
}
