/* listener_request_ready: when a peer's FastCGI request has fully arrived. */
#include <string.h>

#include "listener.h"
#include "tap.h"

/* Append one record header (and len content bytes of 'x', pad zeros). */
static size_t
rec(unsigned char *p, size_t off, int type, int id, int len, int pad)
{
	unsigned char h[8] = { 1, (unsigned char)type, (unsigned char)(id >> 8),
	    (unsigned char)id, (unsigned char)(len >> 8), (unsigned char)len,
	    (unsigned char)pad, 0 };

	memcpy(p + off, h, 8);
	memset(p + off + 8, 'x', (size_t)len);
	memset(p + off + 8 + len, 0, (size_t)pad);
	return off + 8 + (size_t)len + (size_t)pad;
}

static const char *
verdict(const unsigned char *p, size_t n, size_t cap)
{
	return listener_request_ready(p, n, cap) ? "ready" : "wait";
}

int
main(void)
{
	unsigned char p[2048];
	size_t n, full, params;

	n = rec(p, 0, 1, 1, 8, 0);		/* BEGIN_REQUEST */
	params = n = rec(p, n, 4, 1, 300, 4);	/* PARAMS with content */
	full = rec(p, n, 4, 1, 0, 0);		/* end of PARAMS */
	is_str(verdict(p, full, sizeof(p)), "ready", "whole request: ready");
	is_str(verdict(p, rec(p, full, 5, 1, 0, 0), sizeof(p)), "ready",
	    "with an empty STDIN after it: ready");
	is_str(verdict(p, 0, sizeof(p)), "wait", "nothing yet: wait");
	is_str(verdict(p, 4, sizeof(p)), "wait",
	    "4 bytes of a header: wait");
	is_str(verdict(p, 16, sizeof(p)), "wait",
	    "BEGIN_REQUEST alone: wait");
	is_str(verdict(p, 60, sizeof(p)), "wait",
	    "part of a params record: wait");
	is_str(verdict(p, params - 2, sizeof(p)), "wait",
	    "params content without its padding: wait");
	is_str(verdict(p, params, sizeof(p)), "wait",
	    "params without their end: wait");
	is_str(verdict(p, full - 1, sizeof(p)), "wait",
	    "7 bytes of the end record: wait");
	is_int(listener_request_ready(p, 60, 60), 1,
	    "as much as can be examined: hand it over");

	/* The end of another request's params does not count. */
	n = rec(p, 0, 1, 1, 8, 0);
	n = rec(p, n, 4, 2, 0, 0);
	is_str(verdict(p, n, sizeof(p)), "wait",
	    "end of params for another request id: wait");
	/* Records before BEGIN_REQUEST (a kept connection's leftovers). */
	n = rec(p, 0, 5, 1, 0, 0);
	n = rec(p, n, 1, 1, 8, 0);
	n = rec(p, n, 4, 1, 0, 0);
	is_str(verdict(p, n, sizeof(p)), "ready",
	    "leftover STDIN, then a whole request: ready");
	n = rec(p, 0, 4, 1, 0, 0);
	is_str(verdict(p, n, sizeof(p)), "wait",
	    "end of params without BEGIN_REQUEST: wait");

	memcpy(p, "GET / HTTP/1.0\r\n", 16);
	is_str(verdict(p, 16, sizeof(p)), "ready",
	    "not FastCGI: handed over for libfcgi to refuse");
	n = rec(p, 0, 1, 1, 8, 0);
	p[n] = 2;
	is_str(verdict(p, n + 8, sizeof(p)), "ready",
	    "a later record of another version: handed over");
	return tap_done();
}
