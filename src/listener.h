/*
 * listener: hands the worker threads only connections whose FastCGI
 * request has fully arrived.  A worker accepts, peeks, and serves at once
 * when the request is whole (the usual case: the web server writes it in
 * one go); otherwise the connection goes to the watching thread
 * (listener_run), which waits on it, on kept connections between requests
 * and on peers closing after an answer, and queues it once its request is
 * whole, for the slow-path workers (and any worker between accepts).  A connection still waiting at its deadline is
 * closed: a silent or slow peer costs a descriptor for a few seconds,
 * never a worker thread.
 */
#ifndef MCPAUTH_LISTENER_H
#define MCPAUTH_LISTENER_H

#include <stdatomic.h>
#include <stddef.h>

/* Seconds a peer has to send a whole request, or to close once answered. */
#define LISTENER_DEADLINE 5

struct listener;
struct listener_seat;	/* one worker's place at the listener */

/* How a worker gives a connection back. */
enum listener_end {
	LISTENER_GONE,		/* already closed */
	LISTENER_CLOSE,		/* close it now */
	LISTENER_LINGER,	/* answered: shut our side, close once the peer
				   has (TCP: closing on unread input resets) */
	LISTENER_KEEP		/* answered; the peer sends its next request */
};

/*
 * A listener on the listening socket fd (not closed by the listener).  deadline: seconds, see LISTENER_DEADLINE; accepted
 * sockets get it as their read and write timeout too, which bounds a
 * worker's reads and writes.  It stops once *stop is set and fd is shut
 * down (which wakes the workers blocked in accept), or fd fails.  Returns NULL if out of memory or descriptors.  Free
 * with listener_free.
 */
struct listener *listener_new(int fd, int deadline, const atomic_int *stop);

/*
 * The watching thread: runs until stopped, then closes every waiting
 * connection.  Call from one thread.
 */
void listener_run(struct listener *l);

/*
 * A worker's seat: slow 0 accepts, slow 1 serves only the requests the
 * watcher queued.  NULL if out of memory.
 */
struct listener_seat *listener_join(struct listener *l, int slow);

/*
 * Block until a connection whose request has arrived is there and return
 * it; the caller owns it until listener_done.  Returns -1 once stopped and
 * no waiting complete request is left.
 */
int listener_next(struct listener_seat *s);

/* Give back a connection from listener_next; see enum listener_end. */
void listener_done(struct listener_seat *s, int fd, enum listener_end how);

/* Free a seat (NULL is fine). */
void listener_leave(struct listener_seat *s);

/* Free l once listener_run and every seat are done (NULL is fine). */
void listener_free(struct listener *l);

/*
 * 1 if p[0..n) holds a FastCGI BEGIN_REQUEST record and the whole params
 * stream after it, or is not FastCGI (for libfcgi to refuse), or n has
 * reached cap (too large to tell: the socket timeouts then bound the
 * worker); 0 if more must arrive.
 */
int listener_request_ready(const unsigned char *p, size_t n, size_t cap);

#endif
