// Open-loop HTTP load at a fixed arrival rate, for `npm run bench` (compiled by it with cc).
// Request i is due at start + i/rate whatever the server does; its latency counts from then,
// so a server that falls behind shows it (no coordinated omission, as wrk2 would measure).
// Traffic as bench/redirect.lua: many links, >1000 user agents, a random client IP per request
// (X-Forwarded-For), several referrers and languages, read from the files bench/lib/traffic.ts writes.
//
// usage: openloop <port> <rate/s> <seconds> <connections> <codes> <agents> <referrers> <languages>
//        → one JSON line on stdout
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define POOL 20000
#define MAX_CONNS 1024
#define FINE 4000    // latency histogram: 10 us steps up to 40 ms,
#define COARSE 20000 // then 1 ms steps up to 20 s

typedef struct { int fd; int busy; uint64_t due; char in[8192]; size_t got; const char *out; size_t out_len, sent; } conn_t;

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t hist[FINE + COARSE];
static uint64_t samples, max_us;
static void record(uint64_t us) {
  size_t b = us < 40000 ? us / 10 : FINE + (us - 40000) / 1000;
  if (b >= FINE + COARSE) b = FINE + COARSE - 1;
  hist[b]++;
  samples++;
  if (us > max_us) max_us = us;
}
static double percentile(double p) {
  uint64_t want = (uint64_t)(p * (double)samples), seen = 0;
  for (size_t b = 0; b < FINE + COARSE; b++) {
    seen += hist[b];
    if (seen > want) return b < FINE ? (double)(b * 10 + 5) / 1000.0 : 40.5 + (double)(b - FINE);
  }
  return (double)max_us / 1000.0;
}

static char *requests[POOL];
static size_t request_len[POOL];

// Reads up to `max` lines of `path` (newline stripped; empty lines kept) into `into`; answers how many.
static size_t read_lines(const char *path, char **into, size_t max) {
  char line[1024];
  size_t n = 0;
  FILE *f = fopen(path, "r");
  if (!f) { perror(path); exit(2); }
  while (n < max && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    into[n++] = strdup(line);
  }
  fclose(f);
  if (n == 0) { fprintf(stderr, "%s: empty\n", path); exit(2); }
  return n;
}

static void build_requests(char **files) {
  static char *codes[100000], *agents[10000], *referrers[100], *languages[100];
  size_t ncodes = read_lines(files[0], codes, 100000), nagents = read_lines(files[1], agents, 10000);
  size_t nreferrers = read_lines(files[2], referrers, 100), nlanguages = read_lines(files[3], languages, 100);
  srand(12345);
  for (int i = 0; i < POOL; i++) {
    char buf[1024], extra[256] = "";
    const char *ref = referrers[rand() % nreferrers], *lang = languages[rand() % nlanguages];
    size_t n = 0;
    if (*ref) n += snprintf(extra + n, sizeof extra - n, "Referer: %s\r\n", ref);
    if (*lang) n += snprintf(extra + n, sizeof extra - n, "Accept-Language: %s\r\n", lang);
    int len = snprintf(buf, sizeof buf, "GET /%s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: %s\r\nX-Forwarded-For: %d.%d.%d.%d\r\n%s\r\n",
      codes[rand() % ncodes], agents[rand() % nagents], 1 + rand() % 223, rand() % 256, rand() % 256, 1 + rand() % 254, extra);
    requests[i] = strdup(buf);
    request_len[i] = (size_t)len;
  }
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) { perror("connect"); exit(2); }
  return fd;
}

// A whole response: headers, then Content-Length bytes or a chunked body's last chunk.
static int complete(const char *buf, size_t got) {
  const char *end = memmem(buf, got, "\r\n\r\n", 4);
  if (!end) return 0;
  size_t head = (size_t)(end - buf) + 4;
  const char *cl = strcasestr(buf, "\r\ncontent-length:");
  if (cl && cl < end) return got >= head + strtoul(cl + 17, NULL, 10);
  if (strcasestr(buf, "\r\ntransfer-encoding: chunked") != NULL) return memmem(buf + head, got - head, "0\r\n\r\n", 5) != NULL;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 9) { fprintf(stderr, "usage: openloop port rate seconds connections codes agents referrers languages\n"); return 2; }
  int port = atoi(argv[1]), nconns = atoi(argv[4]);
  double rate = atof(argv[2]), seconds = atof(argv[3]);
  if (nconns > MAX_CONNS) nconns = MAX_CONNS;
  build_requests(argv + 5);
  int ep = epoll_create1(0);
  static conn_t conns[MAX_CONNS];
  for (int i = 0; i < nconns; i++) {
    conns[i].fd = connect_to(port);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)i };
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }
  uint64_t start = now_us() + 200000; // let the connections open
  uint64_t total = (uint64_t)(rate * seconds), issued = 0, done = 0, errors = 0;
  uint64_t *waiting = malloc(sizeof(uint64_t) * (total + 1)); // due times of requests with no free connection
  size_t wait_head = 0, wait_tail = 0;
  int idle[MAX_CONNS], nidle = 0;
  for (int i = 0; i < nconns; i++) idle[nidle++] = i;
  uint64_t deadline = start + (uint64_t)(seconds * 1e6) + 5000000; // 5 s to drain
  struct epoll_event events[256];
  while (done + errors < total && now_us() < deadline) {
    uint64_t now = now_us();
    while (issued < total && start + (uint64_t)((double)issued * 1e6 / rate) <= now) waiting[wait_tail++] = start + (uint64_t)((double)issued++ * 1e6 / rate);
    while (wait_head < wait_tail && nidle > 0) {
      conn_t *c = &conns[idle[--nidle]];
      if (c->fd < 0) continue; // closed by the server while idle
      size_t r = (size_t)(wait_head % POOL);
      c->busy = 1; c->due = waiting[wait_head++]; c->got = 0; c->out = requests[r]; c->out_len = request_len[r]; c->sent = 0;
      ssize_t w = write(c->fd, c->out, c->out_len);
      if (w > 0) c->sent = (size_t)w;
    }
    int n = epoll_wait(ep, events, 256, 1);
    for (int e = 0; e < n; e++) {
      conn_t *c = &conns[events[e].data.u32];
      if (c->busy && c->sent < c->out_len) {
        ssize_t w = write(c->fd, c->out + c->sent, c->out_len - c->sent);
        if (w > 0) c->sent += (size_t)w;
      }
      for (;;) {
        ssize_t r = read(c->fd, c->in + c->got, sizeof c->in - 1 - c->got);
        if (r <= 0) {
          if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) { if (c->busy) errors++; c->busy = 0; close(c->fd); c->fd = -1; }
          break;
        }
        c->got += (size_t)r;
        c->in[c->got] = 0;
        if (c->busy && complete(c->in, c->got)) {
          if (strncmp(c->in, "HTTP/1.1 3", 10) == 0 || strncmp(c->in, "HTTP/1.1 2", 10) == 0) { record(now_us() - c->due); done++; }
          else errors++;
          c->busy = 0; c->got = 0;
          idle[nidle++] = (int)events[e].data.u32;
          break;
        }
      }
    }
  }
  double elapsed = (double)(now_us() - start) / 1e6;
  printf("{\"rate\":%.0f,\"seconds\":%.1f,\"sent\":%llu,\"answered\":%llu,\"errors\":%llu,\"unanswered\":%llu,\"achievedRps\":%.0f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f}\n",
    rate, seconds, (unsigned long long)issued, (unsigned long long)done, (unsigned long long)errors,
    (unsigned long long)(issued - done - errors), (double)done / (elapsed > seconds ? elapsed : seconds),
    percentile(0.5), percentile(0.99), percentile(0.999), (double)max_us / 1000.0);
  return 0;
}
