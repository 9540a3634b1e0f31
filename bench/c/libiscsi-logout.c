/* Peer for the logout benchmark: libiscsi, what a C caller writes.
 *   libiscsi-logout PORTAL IQN latency ITER       login (iscsi_full_connect_sync) and logout plus
 *                                                 close (iscsi_logout_sync + iscsi_disconnect), ITER
 *                                                 times after 30 of warm-up: median and p90 of each
 *   libiscsi-logout PORTAL IQN scale N REPS seq|16 N sessions logged in, then all logged out, one
 *                                                 after another or at most 16 outstanding; REPS times
 * Prints JSON lines: {"bench","impl","runtime","n","concurrency","medianMs","p90Ms","firstMs"}. */
#include <iscsi/iscsi.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static void emit(const char *bench, const char *impl, int n, int conc, double *v, int k) {
  double first = v[0];
  qsort(v, k, sizeof *v, cmp);
  printf("{\"bench\":\"%s\",\"impl\":\"%s\",\"runtime\":\"native\",\"n\":%d,\"concurrency\":%d,\"medianMs\":%.4f,\"p90Ms\":%.4f,\"firstMs\":%.4f}\n",
         bench, impl, n, conc, v[k / 2], v[(k * 9) / 10 < k ? (k * 9) / 10 : k - 1], first);
}
static struct iscsi_context *login(const char *portal, const char *iqn, int i) {
  char name[96]; snprintf(name, sizeof name, "iqn.2026-11.dev.bench:libiscsi-%d", i);
  struct iscsi_context *c = iscsi_create_context(name);
  iscsi_set_targetname(c, iqn);
  iscsi_set_session_type(c, ISCSI_SESSION_NORMAL);
  iscsi_set_header_digest(c, ISCSI_HEADER_DIGEST_NONE);
  if (iscsi_full_connect_sync(c, portal, 1) != 0) { fprintf(stderr, "login %d: %s\n", i, iscsi_get_error(c)); exit(1); }
  return c;
}
static int pending;
static void done_cb(struct iscsi_context *c, int status, void *data, void *priv) { (void)c; (void)status; (void)data; (void)priv; pending--; }

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: see the top of libiscsi-logout.c\n"); return 2; }
  const char *portal = argv[1], *iqn = argv[2];
  if (strcmp(argv[3], "latency") == 0) {
    int iter = atoi(argv[4]);
    double *in = calloc(iter, sizeof *in), *out = calloc(iter, sizeof *out);
    for (int i = -30; i < iter; i++) {
      double t0 = now_ms();
      struct iscsi_context *c = login(portal, iqn, 0);
      double t1 = now_ms();
      if (iscsi_logout_sync(c) != 0) { fprintf(stderr, "logout failed\n"); return 1; }
      iscsi_disconnect(c);
      double t2 = now_ms();
      iscsi_destroy_context(c);
      if (i >= 0) { in[i] = t1 - t0; out[i] = t2 - t1; }
    }
    emit("login", "libiscsi-seq", 1, 1, in, iter);
    emit("logout", "libiscsi-seq", 1, 1, out, iter);
    return 0;
  }
  int n = atoi(argv[4]), reps = atoi(argv[5]), window = strcmp(argv[6], "16") == 0 ? 16 : 1;
  double *t = calloc(reps, sizeof *t);
  struct iscsi_context **ctx = calloc(n, sizeof *ctx);
  struct pollfd *pfd = calloc(n, sizeof *pfd);
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < n; i++) ctx[i] = login(portal, iqn, i);
    double t0 = now_ms();
    if (window == 1) {
      for (int i = 0; i < n; i++) { if (iscsi_logout_sync(ctx[i]) != 0) return 1; iscsi_disconnect(ctx[i]); }
    } else {
      int next = 0; pending = 0;
      while (next < n || pending > 0) {
        while (next < n && pending < window) { pending++; iscsi_logout_async(ctx[next++], done_cb, NULL); }
        for (int i = 0; i < next; i++) { pfd[i].fd = iscsi_get_fd(ctx[i]); pfd[i].events = iscsi_which_events(ctx[i]); }
        if (poll(pfd, next, 1000) < 0) return 1;
        for (int i = 0; i < next; i++) if (pfd[i].revents) iscsi_service(ctx[i], pfd[i].revents);
      }
      for (int i = 0; i < n; i++) iscsi_disconnect(ctx[i]);
    }
    t[r] = now_ms() - t0;
    for (int i = 0; i < n; i++) iscsi_destroy_context(ctx[i]);
  }
  emit("logout", window == 1 ? "libiscsi-seq" : "libiscsi-16", n, window, t, reps);
  return 0;
}
