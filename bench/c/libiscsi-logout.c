/* Peer for the logout benchmark: libiscsi logs in N sessions, then logs them all out, either one
 * after another (iscsi_logout_sync, what a libiscsi caller writes) or all at once
 * (iscsi_logout_async + one poll loop). Usage: libiscsi-logout PORTAL IQN N seq|async */
#include <iscsi/iscsi.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int pending;
static void done_cb(struct iscsi_context *c, int status, void *data, void *priv) { (void)c; (void)status; (void)data; (void)priv; pending--; }

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: libiscsi-logout PORTAL IQN N seq|async\n"); return 2; }
  int n = atoi(argv[3]), async = strcmp(argv[4], "async") == 0;
  struct iscsi_context **ctx = calloc(n, sizeof *ctx);
  double t0 = now_ms();
  for (int i = 0; i < n; i++) {
    char name[96]; snprintf(name, sizeof name, "iqn.2026-11.dev.bench:libiscsi-%d", i);
    ctx[i] = iscsi_create_context(name);
    iscsi_set_targetname(ctx[i], argv[2]);
    iscsi_set_session_type(ctx[i], ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(ctx[i], ISCSI_HEADER_DIGEST_NONE);
    if (iscsi_full_connect_sync(ctx[i], argv[1], 1) != 0) { fprintf(stderr, "login %d: %s\n", i, iscsi_get_error(ctx[i])); return 1; }
  }
  double login = (now_ms() - t0) / n;
  double t1 = now_ms();
  if (!async) {
    for (int i = 0; i < n; i++) if (iscsi_logout_sync(ctx[i]) != 0) { fprintf(stderr, "logout %d failed\n", i); return 1; }
  } else {
    pending = n;
    for (int i = 0; i < n; i++) iscsi_logout_async(ctx[i], done_cb, NULL);
    struct pollfd *pfd = calloc(n, sizeof *pfd);
    while (pending > 0) {
      for (int i = 0; i < n; i++) { pfd[i].fd = iscsi_get_fd(ctx[i]); pfd[i].events = iscsi_which_events(ctx[i]); }
      if (poll(pfd, n, 1000) < 0) return 1;
      for (int i = 0; i < n; i++) if (pfd[i].revents) iscsi_service(ctx[i], pfd[i].revents);
    }
  }
  double logout = now_ms() - t1;
  for (int i = 0; i < n; i++) { iscsi_disconnect(ctx[i]); iscsi_destroy_context(ctx[i]); }
  printf("{\"bench\":\"logout\",\"impl\":\"libiscsi-%s\",\"runtime\":\"native\",\"sessions\":%d,\"loginMeanMs\":%.3f,\"logoutMs\":%.3f}\n", async ? "async" : "sync", n, login, logout);
  return 0;
}
