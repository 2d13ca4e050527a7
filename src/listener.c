/*
 * Workers block in accept() (the kernel wakes one per connection) and
 * serve a whole request at once.  The watcher keeps the rest: an
 * edge-triggered epoll (data left unread after a peek does not wake it
 * again) and a FIFO of waiting connections, which is also their deadline
 * order.  Requests it finds whole go to a queue served by the slow-path
 * workers, and by every worker between two accepts.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"

#define MAX_WAITING 4096	/* waiting connections; the oldest goes first */
#define MAX_READY 1024		/* complete requests queued for the workers */
#define MAX_HANDED 4096		/* connections on their way to the watcher */
#define PEEK_MAX 65536		/* request bytes examined before a hand-over */
#define PAUSE_MS 100		/* accept pause when out of descriptors */
#define QUICK_MS 1		/* a worker's wait for a request just connected */
#define QUICK_MAX 16		/* ... only while fewer peers wait than this */
#define TAG_WAKE UINT64_MAX

enum state { WAIT_REQUEST, WAIT_NEXT, WAIT_CLOSE };

struct conn {
	int fd, prev, next;	/* prev/next: FIFO links, or -1 */
	enum state state;
	long long deadline;	/* ms, monotonic */
	size_t bytes;		/* request bytes seen so far */
};

struct handed {
	int fd;
	enum state state;
};

struct listener {
	int fd, deadline, is_unix;
	int wake_ev;		/* wakes the watcher */
	const atomic_int *stop;
	atomic_int dead, pressure, nready, busy;	/* busy: nwaiting */
	/* The watcher's own. */
	int ep, head, tail, free_list, nwaiting;
	struct conn *conns;
	unsigned char *peek;
	/* Shared, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t more;	/* a request was queued, or closed */
	int ready[MAX_READY], rhead, rcount;
	struct handed handed[MAX_HANDED];
	int hcount, closed;
};

struct listener_seat {
	struct listener *l;
	int slow;		/* serves only the queue, never accepts */
	unsigned char peek[PEEK_MAX];
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
stopping(struct listener *l)
{
	return atomic_load(l->stop) || atomic_load(&l->dead);
}

static void
signal_ev(int ev)
{
	uint64_t one = 1;

	/* Fails only when the counter is full, and then it wakes anyway. */
	(void)!write(ev, &one, sizeof(one));
}

/* FastCGI 1.0 record header: version, type, id (2), length (2), padding. */
enum { REC_VERSION = 1, REC_HEADER = 8, REC_BEGIN_REQUEST = 1, REC_PARAMS = 4 };

int
listener_request_ready(const unsigned char *p, size_t n, size_t cap)
{
	size_t off = 0, end;
	unsigned id, begun = 0, begun_id = 0, len;

	if (n >= cap)
		return 1;
	while (n - off >= REC_HEADER) {
		if (p[off] != REC_VERSION)
			return 1;	/* not FastCGI: libfcgi refuses it */
		id = (unsigned)p[off + 2] << 8 | p[off + 3];
		len = (unsigned)p[off + 4] << 8 | p[off + 5];
		end = off + REC_HEADER + len + p[off + 6];
		if (end > n)
			return 0;
		if (p[off + 1] == REC_BEGIN_REQUEST) {
			begun = 1;
			begun_id = id;
		} else if (begun && p[off + 1] == REC_PARAMS &&
		    id == begun_id && len == 0)
			return 1;	/* the empty record ending the params */
		off = end;
	}
	return 0;
}

/* --- the watcher's FIFO of waiting connections ----------------------- */

static void
unlink_conn(struct listener *l, int i)
{
	struct conn *c = &l->conns[i];

	if (c->prev >= 0)
		l->conns[c->prev].next = c->next;
	else
		l->head = c->next;
	if (c->next >= 0)
		l->conns[c->next].prev = c->prev;
	else
		l->tail = c->prev;
	c->fd = -1;
	c->next = l->free_list;
	l->free_list = i;
	l->nwaiting--;
}

static void
drop(struct listener *l, int i)
{
	int fd = l->conns[i].fd;

	unlink_conn(l, i);
	close(fd);	/* also takes it out of ep */
}

static void
drop_oldest(struct listener *l, const char *why)
{
	if (l->head < 0)
		return;
	log_msg("connection dropped: %s", why);
	drop(l, l->head);
}

/* Append fd to the FIFO and watch it; -1 (fd closed) on failure. */
static int
wait_on(struct listener *l, int fd, enum state st, long long now)
{
	struct epoll_event ev;
	struct conn *c;
	int i;

	if (l->nwaiting >= MAX_WAITING)
		drop_oldest(l, "too many connections waiting for a request");
	i = l->free_list;
	c = &l->conns[i];
	l->free_list = c->next;
	*c = (struct conn){ fd, l->tail, -1, st, now + l->deadline * 1000LL,
	    0 };
	if (l->tail >= 0)
		l->conns[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
	l->nwaiting++;
	/* Data that came before this still reports once (ET checks at add). */
	ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
	ev.data.u64 = (uint64_t)(unsigned)fd << 32 | (unsigned)i;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		drop(l, i);
		return -1;
	}
	return i;
}

/* --- queues between the workers and the watcher ---------------------- */

static void
push_ready(struct listener *l, int fd)
{
	pthread_mutex_lock(&l->lock);
	if (l->rcount == MAX_READY || l->closed) {
		pthread_mutex_unlock(&l->lock);
		log_msg("connection dropped: %d requests already queued",
		    MAX_READY);
		close(fd);
		return;
	}
	l->ready[(l->rhead + l->rcount++) % MAX_READY] = fd;
	atomic_store(&l->nready, l->rcount);
	pthread_cond_signal(&l->more);
	pthread_mutex_unlock(&l->lock);
}

/* A queued request, or -1; wait for one (until closed) if block. */
static int
pop_ready(struct listener *l, int block)
{
	int fd = -1;

	if (!block && atomic_load(&l->nready) == 0)
		return -1;	/* the usual case: no lock taken */
	pthread_mutex_lock(&l->lock);
	while (block && l->rcount == 0 && !l->closed)
		pthread_cond_wait(&l->more, &l->lock);
	if (l->rcount > 0) {
		fd = l->ready[l->rhead];
		l->rhead = (l->rhead + 1) % MAX_READY;
		atomic_store(&l->nready, --l->rcount);
	}
	pthread_mutex_unlock(&l->lock);
	return fd;
}

/* Give fd to the watcher (or close it once stopped or full). */
static void
hand_over(struct listener *l, int fd, enum state st)
{
	int wake = 0;

	pthread_mutex_lock(&l->lock);
	if (!l->closed && l->hcount < MAX_HANDED) {
		wake = l->hcount == 0;
		l->handed[l->hcount++] = (struct handed){ fd, st };
		fd = -1;
	}
	pthread_mutex_unlock(&l->lock);
	if (wake)
		signal_ev(l->wake_ev);
	if (fd >= 0)
		close(fd);
}

/* Read and discard what the peer sends; 1 once it closed or failed. */
static int
drain(int fd, unsigned char *scratch, size_t len)
{
	ssize_t n;

	while ((n = recv(fd, scratch, len, MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR);
}

/* --- the workers' side ------------------------------------------------ */

static void
set_timeouts(const struct listener *l, int fd)
{
	struct timeval tv = { l->deadline, 0 };
	int on = 1;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!l->is_unix)	/* an answer is one write: no Nagle delay */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* A new connection: fd if its request is whole, else handed over (-1). */
static int
admit(struct listener_seat *s, int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;

	set_timeouts(s->l, fd);
	n = recv(fd, s->peek, PEEK_MAX, MSG_PEEK | MSG_DONTWAIT);
	/*
	 * A web server writes its request right after connecting, often just
	 * after the accept: wait a moment for it, unless many peers already
	 * wait (a flood of silent ones must not cost worker time).
	 */
	if (n < 0 && errno == EAGAIN && atomic_load(&s->l->busy) < QUICK_MAX &&
	    poll(&pfd, 1, QUICK_MS) == 1)
		n = recv(fd, s->peek, PEEK_MAX, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0 && listener_request_ready(s->peek, (size_t)n, PEEK_MAX))
		return fd;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		close(fd);	/* closed or failed before sending anything */
	else
		hand_over(s->l, fd, WAIT_REQUEST);
	return -1;
}

int
listener_next(struct listener_seat *s)
{
	struct listener *l = s->l;
	struct pollfd pfd = { l->fd, POLLIN, 0 };
	int fd;

	if (s->slow)
		return pop_ready(l, 1);
	for (;;) {
		if ((fd = pop_ready(l, 0)) >= 0)
			return fd;
		if (stopping(l))
			return -1;
		if ((fd = accept(l->fd, NULL, NULL)) >= 0) {
			if ((fd = admit(s, fd)) >= 0)
				return fd;
			continue;
		}
		switch (errno) {
		case EAGAIN:	/* a non-blocking socket from our parent */
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			poll(&pfd, 1, 1000);
			break;
		case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM:
			atomic_store(&l->pressure, 1);
			signal_ev(l->wake_ev);
			poll(NULL, 0, PAUSE_MS);
			break;
		case EINVAL: case EBADF: case ENOTSOCK: case EOPNOTSUPP:
			atomic_store(&l->dead, 1);	/* shut down */
			signal_ev(l->wake_ev);
			return -1;
		default:	/* the peer gave up, a signal, ... */
			break;
		}
	}
}

void
listener_done(struct listener_seat *s, int fd, enum listener_end how)
{
	if (how == LISTENER_GONE)
		return;
	if (how == LISTENER_LINGER && s->l->is_unix)
		how = LISTENER_CLOSE;	/* a unix socket has no resets */
	if (how == LISTENER_LINGER) {
		shutdown(fd, SHUT_WR);
		if (drain(fd, s->peek, PEEK_MAX))
			how = LISTENER_CLOSE;
	}
	if (how == LISTENER_CLOSE)
		close(fd);
	else
		hand_over(s->l, fd, how == LISTENER_KEEP ? WAIT_NEXT :
		    WAIT_CLOSE);
}

struct listener_seat *
listener_join(struct listener *l, int slow)
{
	struct listener_seat *s;

	if ((s = malloc(sizeof(*s))) == NULL)
		return NULL;
	s->l = l;
	s->slow = slow;
	return s;
}

void
listener_leave(struct listener_seat *s)
{
	free(s);
}

/* --- the watcher ------------------------------------------------------ */

/* Look at what a waiting fd has sent; queue it once its request is whole. */
static void
check_request(struct listener *l, int i, uint32_t events)
{
	struct conn *c = &l->conns[i];
	ssize_t n;
	int fd = c->fd;

	n = recv(fd, l->peek, PEEK_MAX, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n > 0 && listener_request_ready(l->peek, (size_t)n, PEEK_MAX)) {
		unlink_conn(l, i);
		/* Workers read it: stop watching (the tag would go stale). */
		epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
		push_ready(l, fd);
		return;
	}
	if (n <= 0 || (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		drop(l, i);	/* closed or failed before a whole request */
	else
		c->bytes = (size_t)n;
}

static void
on_event(struct listener *l, int i, uint32_t events)
{
	if (l->conns[i].state != WAIT_CLOSE)
		check_request(l, i, events);
	else if (drain(l->conns[i].fd, l->peek, PEEK_MAX))
		drop(l, i);
}

/* Take the connections the workers handed over. */
static void
take_handed(struct listener *l, long long now)
{
	struct handed h[64];
	int i, k, n;

	do {
		pthread_mutex_lock(&l->lock);
		n = l->hcount < 64 ? l->hcount : 64;
		l->hcount -= n;
		memcpy(h, l->handed + l->hcount, (size_t)n * sizeof(*h));
		pthread_mutex_unlock(&l->lock);
		for (k = 0; k < n; k++)
			if ((i = wait_on(l, h[k].fd, h[k].state, now)) >= 0)
				on_event(l, i, 0);
	} while (n == 64);
}

static void
expire(struct listener *l, long long now)
{
	struct conn *c;

	while (l->head >= 0 && l->conns[l->head].deadline <= now) {
		c = &l->conns[l->head];
		if (c->state == WAIT_REQUEST ||
		    (c->state == WAIT_NEXT && c->bytes > 0))
			log_msg("connection dropped: no complete request within "
			    "%d s (%zu bytes received)", l->deadline, c->bytes);
		drop(l, l->head);
	}
}

void
listener_run(struct listener *l)
{
	struct epoll_event ev[64];
	long long now, wait;
	uint64_t v;
	int i, n;

	while (!stopping(l)) {
		now = now_ms();
		take_handed(l, now);
		expire(l, now);
		if (atomic_exchange(&l->pressure, 0))
			drop_oldest(l, "out of file descriptors");
		wait = 1000;
		if (l->head >= 0 && l->conns[l->head].deadline - now < wait)
			wait = l->conns[l->head].deadline - now;
		atomic_store(&l->busy, l->nwaiting);
		n = epoll_wait(l->ep, ev, 64, wait < 0 ? 0 : (int)wait);
		for (i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;
			int k = (int)(tag & 0xffffffffu);

			if (tag == TAG_WAKE)
				(void)!read(l->wake_ev, &v, sizeof(v));
			else if (k >= 0 && k < MAX_WAITING &&
			    l->conns[k].fd == (int)(tag >> 32))
				on_event(l, k, ev[i].events);
		}
	}
	while (l->head >= 0)
		drop(l, l->head);
	pthread_mutex_lock(&l->lock);
	l->closed = 1;
	n = l->hcount;
	l->hcount = 0;
	pthread_cond_broadcast(&l->more);
	pthread_mutex_unlock(&l->lock);
	for (i = 0; i < n; i++)
		close(l->handed[i].fd);
}

struct listener *
listener_new(int fd, int deadline, const atomic_int *stop)
{
	struct listener *l;
	struct sockaddr_storage sa;
	struct epoll_event ev;
	socklen_t len = sizeof(sa);
	int i;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->fd = fd;
	l->deadline = deadline;
	l->stop = stop;
	l->ep = l->wake_ev = -1;
	l->head = l->tail = -1;
	l->is_unix = getsockname(fd, (struct sockaddr *)&sa, &len) == 0 &&
	    sa.ss_family == AF_UNIX;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->more, NULL);
	if ((l->conns = calloc(MAX_WAITING, sizeof(*l->conns))) == NULL ||
	    (l->peek = malloc(PEEK_MAX)) == NULL)
		goto fail;
	for (i = 0; i < MAX_WAITING; i++)
		l->conns[i] = (struct conn){ -1, -1, i + 1 < MAX_WAITING ?
		    i + 1 : -1, WAIT_REQUEST, 0, 0 };
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (l->wake_ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		goto fail;
	ev.events = EPOLLIN;
	ev.data.u64 = TAG_WAKE;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, l->wake_ev, &ev) == -1)
		goto fail;
	return l;
fail:
	listener_free(l);
	return NULL;
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	if (l->ep >= 0)
		close(l->ep);
	if (l->wake_ev >= 0)
		close(l->wake_ev);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->more);
	free(l->conns);
	free(l->peek);
	free(l);
}
