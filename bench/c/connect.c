/* Native reference for bench:login-phases: one TCP connect to PORTAL (non-blocking connect, then
 * poll until writable, as an event loop does), then close; ITER times after 30 of warm-up.
 *   connect HOST PORT ITER  -> prints the median in microseconds */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: connect HOST PORT ITER\n"); return 2; }
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET;
  a.sin_port = htons(atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) { fprintf(stderr, "bad host\n"); return 2; }
  int iter = atoi(argv[3]);
  double *t = malloc(sizeof *t * iter);
  for (int i = 0; i < iter + 30; i++) {
    double t0 = now_us();
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connect(s, (struct sockaddr *)&a, sizeof a);
    struct pollfd p = { s, POLLOUT, 0 };
    if (poll(&p, 1, 2000) != 1) { fprintf(stderr, "connect timed out\n"); return 1; }
    double took = now_us() - t0;
    close(s);
    if (i >= 30) t[i - 30] = took;
  }
  qsort(t, iter, sizeof *t, cmp);
  printf("%.1f\n", t[iter / 2]);
  return 0;
}
