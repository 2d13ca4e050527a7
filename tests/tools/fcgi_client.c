/* fcgi_client: minimal FastCGI 1.0 client for integration tests and quick load tests.
 *
 *   fcgi_client [-r responder|authorizer] [-n COUNT] [-k] [-b BODYFILE]
 *               [-t TOKENFILE [-o OFFSET]] [-c CLIENTS] ADDR [NAME=VALUE ...]
 *
 * ADDR is host:port or unix:/path. One request (id 1) is sent with the given params
 * and the body of BODYFILE ("-" for stdin) as FCGI_STDIN. FCGI_STDOUT is copied to
 * stdout as received, FCGI_STDERR to stderr.
 * Exit: 0 FCGI_END_REQUEST with FCGI_REQUEST_COMPLETE; 3 connection closed or no data
 * for 10 s before FCGI_END_REQUEST; 1 other errors; 2 usage.
 *
 * -n COUNT sends COUNT requests one after another, each on a new connection (or on
 * one kept connection with -k, FCGI_KEEP_CONN), discards their output and prints
 * "requests=N ok=M seconds=S cpu=C". ok counts complete responses whose headers have
 * "Status: 200" or no Status line. The run stops at the first request without a
 * complete FCGI_END_REQUEST (N then counts it) and exits with that request's status.
 *
 * -t TOKENFILE holds bearer tokens, one a line (empty lines skipped, a trailing CR
 * ignored). Each request then also carries HTTP_AUTHORIZATION=Bearer <token>, request
 * i taking token (OFFSET + i) mod the number of tokens, so -n cycles through them
 * round-robin. Without -n the one request takes token OFFSET (default 0).
 *
 * -c CLIENTS (with -n) runs CLIENTS processes at once that share the COUNT requests
 * (the first COUNT mod CLIENTS send one more); with -t, client j starts at token
 * OFFSET + j * tokens / CLIENTS, so -n TOKENS -c 2 sends every token exactly once.
 * They start together; the line printed sums their requests and ok, and seconds is the
 * wall time until the last one finished. The exit status is the first failing
 * client's, else 0. In bench mode the line ends with cpu=S, the CPU seconds (user +
 * system) the client processes used, so a benchmark can tell its own load apart.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	FCGI_VERSION_1 = 1,
	/* record types */
	FCGI_BEGIN_REQUEST = 1,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
	/* roles, flags, protocol status */
	FCGI_RESPONDER = 1,
	FCGI_AUTHORIZER = 2,
	FCGI_KEEP_CONN = 1,
	FCGI_REQUEST_COMPLETE = 0,

	REQUEST_ID = 1,
	MAX_CONTENT = 65535,	/* contentLength is 16 bits */
	TIMEOUT_SEC = 10,
	HEAD_MAX = 8192,	/* stdout bytes kept in bench mode for the Status check */
};

/* Exit statuses. */
enum { RC_OK = 0, RC_ERR = 1, RC_USAGE = 2, RC_CLOSED = 3 };

static const char usage_text[] =
	"usage: fcgi_client [-r responder|authorizer] [-n COUNT] [-k] [-b BODYFILE]\n"
	"                   [-t TOKENFILE [-o OFFSET]] [-c CLIENTS] ADDR [NAME=VALUE ...]\n"
	"  ADDR: host:port or unix:/path\n"
	"  -t: one bearer token a line, used round-robin as HTTP_AUTHORIZATION\n"
	"  -c: with -n, that many client processes in parallel sharing COUNT\n";

enum { MAX_CLIENTS = 64 };

/* Bearer tokens from -t: pointers into one buffer. */
struct tokens {
	char *data;
	char **tok;
	size_t *len;
	size_t n;
};

struct buf {
	unsigned char *p;
	size_t len, cap;
};

struct target {
	struct sockaddr_storage sa;
	socklen_t len;
	int family;
};

static int usage(void)
{
	fputs(usage_text, stderr);
	return RC_USAGE;
}

static void buf_add(struct buf *b, const void *data, size_t n)
{
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 1024;
		unsigned char *p;

		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2)
				goto oom;
			cap *= 2;
		}
		if (!(p = realloc(b->p, cap)))
			goto oom;
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return;
oom:
	fputs("fcgi_client: out of memory\n", stderr);
	exit(RC_ERR);
}

/* Decimal number in [min, max], digits only. */
static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Append one record for our request id, content padded to a multiple of 8. */
static void add_record(struct buf *b, int type, const unsigned char *c, size_t n)
{
	static const unsigned char zeros[8];
	size_t pad = (8 - n % 8) % 8;
	unsigned char h[8] = {
		FCGI_VERSION_1, (unsigned char)type, REQUEST_ID >> 8, REQUEST_ID & 0xff,
		(unsigned char)(n >> 8), (unsigned char)n, (unsigned char)pad, 0
	};

	buf_add(b, h, sizeof h);
	buf_add(b, c, n);
	buf_add(b, zeros, pad);
}

/* Append a stream: the data split into records, then the empty end-of-stream record. */
static void add_stream(struct buf *b, int type, const struct buf *data)
{
	size_t off, n;

	for (off = 0; off < data->len; off += n) {
		n = data->len - off;
		if (n > MAX_CONTENT)
			n = MAX_CONTENT;
		add_record(b, type, data->p + off, n);
	}
	add_record(b, type, NULL, 0);
}

/* Name-value pair length: 1 byte below 128, else 4 bytes with the top bit set. */
static void add_length(struct buf *b, size_t n)
{
	unsigned char l[4] = {
		(unsigned char)((n >> 24) | 0x80), (unsigned char)(n >> 16),
		(unsigned char)(n >> 8), (unsigned char)n
	};

	if (n < 128)
		buf_add(b, l + 3, 1);
	else
		buf_add(b, l, 4);
}

static int read_body(const char *path, struct buf *b)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	unsigned char chunk[8192];
	size_t n;
	int bad;

	if (!f) {
		fprintf(stderr, "fcgi_client: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		fprintf(stderr, "fcgi_client: %s: read error\n", path);
		return -1;
	}
	return 0;
}

/* One name-value pair of the PARAMS stream. */
static void add_pair(struct buf *params, const char *name, size_t nlen,
		     const char *value, size_t vlen)
{
	add_length(params, nlen);
	add_length(params, vlen);
	buf_add(params, name, nlen);
	buf_add(params, value, vlen);
}

/* The NAME=VALUE arguments as PARAMS content. */
static void encode_pairs(struct buf *params, char *const *pairs, int npairs)
{
	int i;

	for (i = 0; i < npairs; i++) {
		const char *eq = strchr(pairs[i], '=');

		add_pair(params, pairs[i], (size_t)(eq - pairs[i]), eq + 1, strlen(eq + 1));
	}
}

/* The whole request: BEGIN_REQUEST, PARAMS stream, STDIN stream. */
static void build_request(struct buf *req, int role, int flags,
			  const struct buf *params, const struct buf *body)
{
	unsigned char begin[8] = { 0, (unsigned char)role, (unsigned char)flags };

	add_record(req, FCGI_BEGIN_REQUEST, begin, sizeof begin);
	add_stream(req, FCGI_PARAMS, params);
	add_stream(req, FCGI_STDIN, body);
}

/* req = the request with the fixed params plus HTTP_AUTHORIZATION for token i;
 * params is scratch space holding the fixed params in its first fixed_len bytes. */
static void build_token_request(struct buf *req, int role, int flags, struct buf *params,
				size_t fixed_len, const struct tokens *tk, size_t i,
				const struct buf *body)
{
	static const char name[] = "HTTP_AUTHORIZATION", bearer[] = "Bearer ";
	size_t vlen = sizeof bearer - 1 + tk->len[i];

	params->len = fixed_len;
	add_length(params, sizeof name - 1);
	add_length(params, vlen);
	buf_add(params, name, sizeof name - 1);
	buf_add(params, bearer, sizeof bearer - 1);
	buf_add(params, tk->tok[i], tk->len[i]);
	req->len = 0;
	build_request(req, role, flags, params, body);
}

/* Load -t FILE: one token a line; at least one is required. */
static int read_tokens(const char *path, struct tokens *tk)
{
	struct buf b = { 0 };
	size_t i, start, cap = 0;
	char **tp;
	size_t *lp;

	if (read_body(path, &b) < 0)
		return -1;
	buf_add(&b, "\n", 1);	/* a last line without newline */
	tk->data = (char *)b.p;
	for (i = start = 0; i < b.len; i++) {
		size_t n;

		if (b.p[i] != '\n')
			continue;
		n = i - start;
		if (n && b.p[i - 1] == '\r')
			n--;
		if (n) {
			if (tk->n == cap) {
				cap = cap ? cap * 2 : 1024;
				tp = realloc(tk->tok, cap * sizeof *tp);
				lp = tp ? realloc(tk->len, cap * sizeof *lp) : NULL;
				if (tp)
					tk->tok = tp;
				if (!tp || !lp) {
					fputs("fcgi_client: out of memory\n", stderr);
					return -1;
				}
				tk->len = lp;
			}
			tk->tok[tk->n] = (char *)b.p + start;
			tk->len[tk->n++] = n;
		}
		start = i + 1;
	}
	if (tk->n == 0) {
		fprintf(stderr, "fcgi_client: %s: no tokens\n", path);
		return -1;
	}
	return 0;
}

/* Parse ADDR once: -2 malformed, -1 lookup failure, 0 ok. */
static int resolve(const char *addr, struct target *t)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	const char *colon;
	char host[256], *h = host;
	size_t n;
	long port;
	int e;

	memset(t, 0, sizeof *t);
	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un *su = (struct sockaddr_un *)&t->sa;

		n = strlen(addr + 5);
		if (n == 0 || n >= sizeof su->sun_path)
			return -2;
		su->sun_family = AF_UNIX;
		memcpy(su->sun_path, addr + 5, n + 1);
		t->len = sizeof *su;
		t->family = AF_UNIX;
		return 0;
	}
	colon = strrchr(addr, ':');
	n = colon ? (size_t)(colon - addr) : 0;
	if (n == 0 || n >= sizeof host || parse_long(colon + 1, 1, 65535, &port) < 0)
		return -2;
	memcpy(host, addr, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {	/* [::1]:9000 */
		host[n - 1] = '\0';
		h++;
	}
	if ((e = getaddrinfo(h, colon + 1, &hints, &ai)) != 0) {
		fprintf(stderr, "fcgi_client: %s: %s\n", h, gai_strerror(e));
		return -1;
	}
	memcpy(&t->sa, ai->ai_addr, ai->ai_addrlen);
	t->len = ai->ai_addrlen;
	t->family = ai->ai_family;
	freeaddrinfo(ai);
	return 0;
}

/* Connect with send/receive timeouts (the send one also bounds connect). */
static int open_conn(const struct target *t, const char *addr)
{
	struct timeval tv = { TIMEOUT_SEC, 0 };
	int fd = socket(t->family, SOCK_STREAM, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    connect(fd, (const struct sockaddr *)&t->sa, t->len) < 0) {
		fprintf(stderr, "fcgi_client: connect %s: %s\n", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes: 0 done, -1 error or timeout (errno set), -2 EOF. */
static int read_full(int fd, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return -2;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Read records until our FCGI_END_REQUEST. STDOUT goes to out and its first HEAD_MAX
 * bytes to head, STDERR to err (each when non-NULL). Returns an exit status. */
static int read_response(int fd, FILE *out, FILE *err, struct buf *head)
{
	static unsigned char c[MAX_CONTENT + 255];
	unsigned char h[8];
	size_t n;
	int r;

	for (;;) {
		if ((r = read_full(fd, h, sizeof h)) == 0) {
			if (h[0] != FCGI_VERSION_1) {
				fprintf(stderr, "fcgi_client: bad record version %d\n", h[0]);
				return RC_ERR;
			}
			n = (size_t)h[4] << 8 | h[5];
			r = read_full(fd, c, n + h[6]);	/* content + padding */
		}
		if (r == -2) {
			fputs("fcgi_client: connection closed before FCGI_END_REQUEST\n", stderr);
			return RC_CLOSED;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				fprintf(stderr, "fcgi_client: no response within %d s\n", TIMEOUT_SEC);
			else
				fprintf(stderr, "fcgi_client: read: %s\n", strerror(errno));
			return RC_CLOSED;
		}
		if ((h[2] << 8 | h[3]) != REQUEST_ID)
			continue;	/* management record (id 0) or not ours */
		switch (h[1]) {
		case FCGI_STDOUT:
			if (out && fwrite(c, 1, n, out) != n) {
				fputs("fcgi_client: write error on stdout\n", stderr);
				return RC_ERR;
			}
			if (head && head->len < HEAD_MAX)
				buf_add(head, c, n < HEAD_MAX - head->len ? n : HEAD_MAX - head->len);
			break;
		case FCGI_STDERR:
			if (err)
				fwrite(c, 1, n, err);
			break;
		case FCGI_END_REQUEST:
			if (n < 8) {
				fputs("fcgi_client: short FCGI_END_REQUEST\n", stderr);
				return RC_ERR;
			}
			if (c[4] != FCGI_REQUEST_COMPLETE) {
				fprintf(stderr, "fcgi_client: protocolStatus %d\n", c[4]);
				return RC_ERR;
			}
			return RC_OK;
		default:
			break;	/* unexpected type: ignore */
		}
	}
}

/* One request on *fd, connecting first if *fd < 0; the connection is kept only if
 * keep is set and the request completed. Returns an exit status. */
static int do_request(const struct target *t, const char *addr, int *fd, int keep,
		      const struct buf *req, FILE *out, FILE *err, struct buf *head)
{
	int rc;

	if (*fd < 0 && (*fd = open_conn(t, addr)) < 0)
		return RC_ERR;
	/* On a write error the server may still have answered: read anyway. */
	if (write_all(*fd, req->p, req->len) < 0)
		fprintf(stderr, "fcgi_client: write: %s\n", strerror(errno));
	rc = read_response(*fd, out, err, head);
	if (!keep || rc != RC_OK) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* CGI convention: a response without a Status header is a 200. */
static int status_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, e, len;

	while (i < n) {
		for (e = i; e < n && p[e] != '\n'; e++)
			;
		len = e - i;
		if (len && p[i + len - 1] == '\r')
			len--;
		if (len == 0)
			break;	/* end of headers */
		if (len >= 7 && strncasecmp((const char *)p + i, "Status:", 7) == 0) {
			size_t v = i + 7;

			while (v < i + len && (p[v] == ' ' || p[v] == '\t'))
				v++;
			return i + len - v >= 3 && memcmp(p + v, "200", 3) == 0 &&
			       (i + len - v == 3 || p[v + 3] == ' ');
		}
		i = e + 1;
	}
	return 1;
}

/* What one bench loop needs. */
struct run {
	const struct target *t;
	const char *addr;
	int role, keep;
	struct buf *req, *params;	/* params: scratch when tk is set */
	size_t fixed_len;
	const struct tokens *tk;	/* NULL: req is the same every time */
	const struct buf *body;
};

/* COUNT requests starting at token first; *done and *ok as in the usage. */
static int bench_loop(const struct run *r, long count, size_t first, long *done, long *ok)
{
	struct buf head = { 0 };
	int fd = -1, rc = RC_OK;
	int flags = r->keep ? FCGI_KEEP_CONN : 0;
	size_t ti = first;

	*done = *ok = 0;
	while (*done < count && rc == RC_OK) {
		if (r->tk) {
			build_token_request(r->req, r->role, flags, r->params, r->fixed_len,
					    r->tk, ti, r->body);
			if (++ti == r->tk->n)
				ti = 0;
		}
		head.len = 0;
		rc = do_request(r->t, r->addr, &fd, r->keep, r->req, NULL, NULL, &head);
		(*done)++;
		if (rc == RC_OK && status_ok(head.p, head.len))
			(*ok)++;
	}
	if (fd >= 0)
		close(fd);
	free(head.p);
	return rc;
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* CPU seconds of this process (RUSAGE_SELF) or its waited-for children. */
static double cpu_seconds(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) < 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* -c CLIENTS: fork them, start them together, sum what they report. */
static int bench_parallel(const struct run *r, long count, size_t offset, int clients)
{
	struct { long done, ok; int rc; } res;
	struct timespec t0, t1;
	int go[2], results[2], j, rc = RC_OK, status;
	long done = 0, ok = 0;
	pid_t pid[MAX_CLIENTS];
	char c;

	if (pipe(go) < 0 || pipe(results) < 0) {
		perror("fcgi_client: pipe");
		return RC_ERR;
	}
	fflush(NULL);
	for (j = 0; j < clients; j++) {
		long n = count / clients + (j < count % clients);
		size_t first = r->tk ? (offset + (size_t)j * r->tk->n / (size_t)clients) % r->tk->n : 0;

		if ((pid[j] = fork()) < 0) {
			perror("fcgi_client: fork");
			clients = j;
			rc = RC_ERR;
			break;
		}
		if (pid[j] == 0) {
			close(go[1]);
			close(results[0]);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;	/* EOF: the parent says go */
			res.rc = bench_loop(r, n, first, &res.done, &res.ok);
			if (write(results[1], &res, sizeof res) != (ssize_t)sizeof res)
				_exit(RC_ERR);
			_exit(0);
		}
	}
	close(go[0]);
	close(results[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	close(go[1]);
	for (j = 0; j < clients; j++) {
		if (read_full(results[0], (unsigned char *)&res, sizeof res) != 0) {
			fputs("fcgi_client: a client died\n", stderr);
			if (rc == RC_OK)
				rc = RC_ERR;
			break;
		}
		done += res.done;
		ok += res.ok;
		if (rc == RC_OK)
			rc = res.rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(results[0]);
	for (j = 0; j < clients; j++)
		if (waitpid(pid[j], &status, 0) > 0 && rc == RC_OK &&
		    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			rc = RC_ERR;
	printf("requests=%ld ok=%ld seconds=%.3f cpu=%.3f\n", done, ok,
	       seconds_between(&t0, &t1), cpu_seconds(RUSAGE_CHILDREN));
	return rc;
}

int main(int argc, char **argv)
{
	struct buf body = { 0 }, req = { 0 }, params = { 0 };
	struct tokens tk = { 0 };
	struct target t;
	struct run run;
	const char *bodyfile = NULL, *tokfile = NULL, *addr;
	long count = 0, offset = 0, clients = 1;
	int role = FCGI_RESPONDER, keep = 0, fd = -1, opt, rc, i;

	while ((opt = getopt(argc, argv, "r:n:kb:t:o:c:")) != -1) {
		switch (opt) {
		case 'r':
			if (strcmp(optarg, "responder") == 0)
				role = FCGI_RESPONDER;
			else if (strcmp(optarg, "authorizer") == 0)
				role = FCGI_AUTHORIZER;
			else
				return usage();
			break;
		case 'n':
			if (parse_long(optarg, 1, 1000000000L, &count) < 0)
				return usage();
			break;
		case 'k':
			keep = 1;
			break;
		case 'b':
			bodyfile = optarg;
			break;
		case 't':
			tokfile = optarg;
			break;
		case 'o':
			if (parse_long(optarg, 0, 1000000000L, &offset) < 0)
				return usage();
			break;
		case 'c':
			if (parse_long(optarg, 1, MAX_CLIENTS, &clients) < 0)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc || (clients > 1 && count == 0))
		return usage();
	addr = argv[optind++];
	for (i = optind; i < argc; i++) {
		if (argv[i][0] == '=' || !strchr(argv[i], '=')) {
			fprintf(stderr, "fcgi_client: bad param '%s' (want NAME=VALUE)\n", argv[i]);
			return usage();
		}
		if (tokfile && strncmp(argv[i], "HTTP_AUTHORIZATION=", 19) == 0) {
			fputs("fcgi_client: -t sets HTTP_AUTHORIZATION itself\n", stderr);
			return usage();
		}
	}
	if ((rc = resolve(addr, &t)) < 0) {
		if (rc == -1)
			return RC_ERR;
		fprintf(stderr, "fcgi_client: bad address '%s'\n", addr);
		return usage();
	}
	if ((bodyfile && read_body(bodyfile, &body) < 0) ||
	    (tokfile && read_tokens(tokfile, &tk) < 0)) {
		free(body.p);
		free(tk.data);
		free(tk.tok);
		free(tk.len);
		return RC_ERR;
	}
	encode_pairs(&params, argv + optind, argc - optind);
	run = (struct run){ &t, addr, role, keep, &req, &params, params.len,
			    tokfile ? &tk : NULL, &body };
	if (tokfile)
		build_token_request(&req, role, count && keep ? FCGI_KEEP_CONN : 0, &params,
				    params.len, &tk, (size_t)offset % tk.n, &body);
	else
		build_request(&req, role, count && keep ? FCGI_KEEP_CONN : 0, &params, &body);
	signal(SIGPIPE, SIG_IGN);	/* a closed peer gives EPIPE, not death */

	if (count == 0) {
		rc = do_request(&t, addr, &fd, 0, &req, stdout, stderr, NULL);
		if (fflush(stdout) != 0 && rc == RC_OK) {
			fputs("fcgi_client: write error on stdout\n", stderr);
			rc = RC_ERR;
		}
	} else if (clients > 1) {
		rc = bench_parallel(&run, count, tokfile ? (size_t)offset % tk.n : 0, (int)clients);
	} else {	/* bench mode, one client */
		struct timespec t0, t1;
		long done, ok;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = bench_loop(&run, count, tokfile ? (size_t)offset % tk.n : 0, &done, &ok);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("requests=%ld ok=%ld seconds=%.3f cpu=%.3f\n", done, ok,
		       seconds_between(&t0, &t1), cpu_seconds(RUSAGE_SELF));
	}
	free(req.p);
	free(params.p);
	free(body.p);
	free(tk.data);
	free(tk.tok);
	free(tk.len);
	return rc;
}
