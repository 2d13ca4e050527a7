/* fcgi_client: minimal FastCGI 1.0 client for integration tests and quick load tests.
 *
 *   fcgi_client [-r responder|authorizer] [-n COUNT] [-k] [-b BODYFILE] ADDR [NAME=VALUE ...]
 *
 * ADDR is host:port or unix:/path. One request (id 1) is sent with the given params
 * and the body of BODYFILE ("-" for stdin) as FCGI_STDIN. FCGI_STDOUT is copied to
 * stdout as received, FCGI_STDERR to stderr.
 * Exit: 0 FCGI_END_REQUEST with FCGI_REQUEST_COMPLETE; 3 connection closed or no data
 * for 10 s before FCGI_END_REQUEST; 1 other errors; 2 usage.
 *
 * -n COUNT sends COUNT requests one after another, each on a new connection (or on
 * one kept connection with -k, FCGI_KEEP_CONN), discards their output and prints
 * "requests=N ok=M seconds=S". ok counts complete responses whose headers have
 * "Status: 200" or no Status line. The run stops at the first request without a
 * complete FCGI_END_REQUEST (N then counts it) and exits with that request's status.
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
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
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
	"                   ADDR [NAME=VALUE ...]\n"
	"  ADDR: host:port or unix:/path\n";

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

/* The whole request: BEGIN_REQUEST, PARAMS stream, STDIN stream. */
static void build_request(struct buf *req, int role, int flags,
			  char *const *pairs, int npairs, const struct buf *body)
{
	unsigned char begin[8] = { 0, (unsigned char)role, (unsigned char)flags };
	struct buf params = { 0 };
	int i;

	for (i = 0; i < npairs; i++) {
		const char *eq = strchr(pairs[i], '=');
		size_t nlen = (size_t)(eq - pairs[i]), vlen = strlen(eq + 1);

		add_length(&params, nlen);
		add_length(&params, vlen);
		buf_add(&params, pairs[i], nlen);
		buf_add(&params, eq + 1, vlen);
	}
	add_record(req, FCGI_BEGIN_REQUEST, begin, sizeof begin);
	add_stream(req, FCGI_PARAMS, &params);
	add_stream(req, FCGI_STDIN, body);
	free(params.p);
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

int main(int argc, char **argv)
{
	struct buf body = { 0 }, req = { 0 }, head = { 0 };
	struct timespec t0, t1;
	struct target t;
	const char *bodyfile = NULL, *addr;
	long count = 0, done = 0, ok = 0;
	int role = FCGI_RESPONDER, keep = 0, fd = -1, opt, rc, i;

	while ((opt = getopt(argc, argv, "r:n:kb:")) != -1) {
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
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	addr = argv[optind++];
	for (i = optind; i < argc; i++) {
		if (argv[i][0] == '=' || !strchr(argv[i], '=')) {
			fprintf(stderr, "fcgi_client: bad param '%s' (want NAME=VALUE)\n", argv[i]);
			return usage();
		}
	}
	if ((rc = resolve(addr, &t)) < 0) {
		if (rc == -1)
			return RC_ERR;
		fprintf(stderr, "fcgi_client: bad address '%s'\n", addr);
		return usage();
	}
	if (bodyfile && read_body(bodyfile, &body) < 0) {
		free(body.p);
		return RC_ERR;
	}
	build_request(&req, role, keep ? FCGI_KEEP_CONN : 0, argv + optind, argc - optind, &body);
	signal(SIGPIPE, SIG_IGN);	/* a closed peer gives EPIPE, not death */

	if (count == 0) {
		rc = do_request(&t, addr, &fd, 0, &req, stdout, stderr, NULL);
		if (fflush(stdout) != 0 && rc == RC_OK) {
			fputs("fcgi_client: write error on stdout\n", stderr);
			rc = RC_ERR;
		}
	} else {	/* bench mode */
		rc = RC_OK;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (done < count && rc == RC_OK) {
			head.len = 0;
			rc = do_request(&t, addr, &fd, keep, &req, NULL, NULL, &head);
			done++;
			if (rc == RC_OK && status_ok(head.p, head.len))
				ok++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (fd >= 0)
			close(fd);
		printf("requests=%ld ok=%ld seconds=%.3f\n", done, ok,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	free(req.p);
	free(body.p);
	free(head.p);
	return rc;
}
