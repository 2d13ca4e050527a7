#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "version.h"

/* The series' label values; a status or error outside them is "other". */
static const int statuses[] = { 200, 401, 403, 500 };
static const char *const errors[] = { "none", "unauthorized",
	"invalid_request", "invalid_token", "insufficient_scope",
	"server_error" };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1)
#define NERROR (sizeof(errors) / sizeof(errors[0]) + 1)

/* Histogram bounds in microseconds (printed in seconds). */
static const long bounds[] = { 100, 250, 500, 1000, 2500, 5000, 10000,
	25000, 100000, 250000, 1000000, 2500000 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

#define METRICS_MAX_THREADS 1024
#define METRICS_MAX_ISSUERS 256

typedef atomic_ulong counter;

struct histogram {
	counter le[NBOUNDS + 1];	/* per bucket, not cumulative */
	counter sum_us;
};

/* One thread's counts; only that thread writes them. */
struct slot {
	counter decisions[NSTATUS][NERROR];
	struct histogram decision_time;
	counter cache[2];		/* miss, hit */
	counter introspection[2];	/* error, answered */
	struct histogram introspection_time;
};

static struct slot slots[METRICS_MAX_THREADS];
static atomic_int nslots;
/* Threads past METRICS_MAX_THREADS share the last slot, adding
 * atomically; every other slot has a single writer. */
static _Thread_local struct slot *mine;
static _Thread_local int shared;

static struct {
	pthread_mutex_t lock;
	size_t n;
	struct {
		char *iss;
		unsigned long ok, failed;
		long long obtained;	/* -1: never */
	} is[METRICS_MAX_ISSUERS];
} issuers = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_int enabled;
static counter reloads[2];		/* failed, ok */
static atomic_llong intro_ok_at, intro_fail_at;
static atomic_ullong intro_seq;

void
metrics_enable(int on)
{
	atomic_store_explicit(&enabled, on, memory_order_relaxed);
}

static int
counting(void)
{
	return atomic_load_explicit(&enabled, memory_order_relaxed);
}

static struct slot *
slot(void)
{
	int i;

	if (mine == NULL) {
		i = atomic_fetch_add_explicit(&nslots, 1,
		    memory_order_relaxed);
		shared = i >= METRICS_MAX_THREADS - 1;
		mine = &slots[shared ? METRICS_MAX_THREADS - 1 : i];
	}
	return mine;
}

/* c += n: a plain load and store when this thread owns its slot. */
static void
add(counter *c, unsigned long n)
{
	if (shared)
		atomic_fetch_add_explicit(c, n, memory_order_relaxed);
	else
		atomic_store_explicit(c, atomic_load_explicit(c,
		    memory_order_relaxed) + n, memory_order_relaxed);
}

static void
observe(struct histogram *h, long us)
{
	size_t b = 0;

	if (us < 0)
		us = 0;
	while (b < NBOUNDS && us > bounds[b])
		b++;
	add(&h->le[b], 1);
	add(&h->sum_us, (unsigned long)us);
}

void
metrics_decision(int status, const char *error, long us)
{
	struct slot *s;
	size_t i, e;

	if (!counting())
		return;
	s = slot();
	for (i = 0; i < NSTATUS - 1 && statuses[i] != status; i++)
		;
	for (e = 0; e < NERROR - 1 && strcmp(errors[e], error ? error :
	    "none") != 0; e++)
		;
	add(&s->decisions[i][e], 1);
	observe(&s->decision_time, us);
}

void
metrics_token_cache(int hit)
{
	if (counting())
		add(&slot()->cache[hit != 0], 1);
}

void
metrics_introspection(int answered, long us)
{
	long long seq = (long long)atomic_fetch_add(&intro_seq, 1) + 1;
	struct slot *s;

	/* A sequence, not a clock: which of the two happened last. */
	atomic_store(answered ? &intro_ok_at : &intro_fail_at, seq);
	if (!counting())
		return;
	s = slot();
	add(&s->introspection[answered != 0], 1);
	observe(&s->introspection_time, us);
}

int
metrics_introspection_failing(void)
{
	return atomic_load(&intro_fail_at) > atomic_load(&intro_ok_at);
}

void
metrics_reload(int ok)
{
	atomic_fetch_add(&reloads[ok != 0], 1);
}

/* Issuer iss's entry, made if new (the lock is held); -1 when full. */
static int
issuer(const char *iss)
{
	size_t i;

	for (i = 0; i < issuers.n; i++)
		if (strcmp(issuers.is[i].iss, iss) == 0)
			return (int)i;
	if (issuers.n == METRICS_MAX_ISSUERS ||
	    (issuers.is[i].iss = strdup(iss)) == NULL)
		return -1;
	issuers.is[i].obtained = -1;
	issuers.n++;
	return (int)i;
}

void
metrics_fetch(const char *iss, int ok)
{
	int i;

	pthread_mutex_lock(&issuers.lock);
	if ((i = issuer(iss)) >= 0) {
		if (ok)
			issuers.is[i].ok++;
		else
			issuers.is[i].failed++;
	}
	pthread_mutex_unlock(&issuers.lock);
}

void
metrics_keyset(const char *iss, long long now)
{
	int i;

	pthread_mutex_lock(&issuers.lock);
	if ((i = issuer(iss)) >= 0)
		issuers.is[i].obtained = now;
	pthread_mutex_unlock(&issuers.lock);
}

long long
metrics_keyset_time(const char *iss)
{
	long long t = -1;
	size_t i;

	pthread_mutex_lock(&issuers.lock);
	for (i = 0; i < issuers.n; i++)
		if (strcmp(issuers.is[i].iss, iss) == 0)
			t = issuers.is[i].obtained;
	pthread_mutex_unlock(&issuers.lock);
	return t;
}

/* The sum over every slot of the counter at offset off. */
static unsigned long
sum(size_t off)
{
	unsigned long t = 0;
	int i, n = atomic_load(&nslots);

	if (n > METRICS_MAX_THREADS)
		n = METRICS_MAX_THREADS;
	for (i = 0; i < n; i++)
		t += atomic_load_explicit((counter *)((char *)&slots[i] + off),
		    memory_order_relaxed);
	return t;
}

/* A label value: backslash, quote and newline escaped. */
static int
label(struct buf *out, const char *v)
{
	for (; *v != '\0'; v++)
		if ((*v == '\\' ? buf_str(out, "\\\\") : *v == '"' ?
		    buf_str(out, "\\\"") : *v == '\n' ? buf_str(out, "\\n") :
		    buf_add(out, v, 1)) == -1)
			return -1;
	return 0;
}

static int
histogram(struct buf *out, const char *name, const char *help, size_t off)
{
	unsigned long n = 0;
	size_t b;

	if (buf_printf(out, "# HELP %s %s\n# TYPE %s histogram\n", name,
	    help, name) == -1)
		return -1;
	for (b = 0; b <= NBOUNDS; b++) {
		n += sum(off + offsetof(struct histogram, le) +
		    b * sizeof(counter));
		if (b < NBOUNDS ? buf_printf(out, "%s_bucket{le=\"%g\"} %lu\n",
		    name, (double)bounds[b] / 1e6, n) : buf_printf(out,
		    "%s_bucket{le=\"+Inf\"} %lu\n", name, n))
			return -1;
	}
	return buf_printf(out, "%s_sum %.6f\n%s_count %lu\n", name,
	    (double)sum(off + offsetof(struct histogram, sum_us)) / 1e6, name,
	    n);
}

#define SLOT_OFF(field) offsetof(struct slot, field)

static int
decisions(struct buf *out)
{
	size_t i, e;
	unsigned long n;

	if (buf_str(out, "# HELP mcpauth_decisions_total Authorization "
	    "decisions by HTTP status and error code.\n"
	    "# TYPE mcpauth_decisions_total counter\n") == -1)
		return -1;
	for (i = 0; i < NSTATUS; i++)
		for (e = 0; e < NERROR; e++) {
			n = sum(SLOT_OFF(decisions) +
			    (i * NERROR + e) * sizeof(counter));
			if (n == 0)
				continue;	/* only what happened */
			if (i < NSTATUS - 1 ? buf_printf(out,
			    "mcpauth_decisions_total{status=\"%d\",", statuses[i])
			    : buf_str(out, "mcpauth_decisions_total{status="
			    "\"other\","))
				return -1;
			if (buf_printf(out, "error=\"%s\"} %lu\n", e < NERROR -
			    1 ? errors[e] : "other", n) == -1)
				return -1;
		}
	return 0;
}

static int
keysets(struct buf *out, const char *const *iss, size_t n, long long now)
{
	size_t i, j;

	if (buf_str(out, "# HELP mcpauth_jwks_fetches_total Key set fetches "
	    "by issuer and result.\n"
	    "# TYPE mcpauth_jwks_fetches_total counter\n") == -1)
		return -1;
	pthread_mutex_lock(&issuers.lock);
	for (i = 0; i < issuers.n; i++)
		for (j = 0; j < 2; j++)
			if (buf_str(out, "mcpauth_jwks_fetches_total{issuer=\"")
			    || label(out, issuers.is[i].iss) ||
			    buf_printf(out, "\",result=\"%s\"} %lu\n",
			    j ? "error" : "ok", j ? issuers.is[i].failed :
			    issuers.is[i].ok))
				goto fail;
	pthread_mutex_unlock(&issuers.lock);
	if (buf_str(out, "# HELP mcpauth_jwks_age_seconds Time since the "
	    "issuer's key set was obtained (absent: never).\n"
	    "# TYPE mcpauth_jwks_age_seconds gauge\n") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		long long t = metrics_keyset_time(iss[i]);

		if (t < 0)
			continue;
		if (buf_str(out, "mcpauth_jwks_age_seconds{issuer=\"") ||
		    label(out, iss[i]) ||
		    buf_printf(out, "\"} %lld\n", now > t ? now - t : 0))
			return -1;
	}
	return 0;
fail:
	pthread_mutex_unlock(&issuers.lock);
	return -1;
}

int
metrics_render(struct buf *out, const char *const *iss, size_t n,
    long long now)
{
	if (buf_str(out, "# HELP mcpauth_build_info The running release.\n"
	    "# TYPE mcpauth_build_info gauge\n"
	    "mcpauth_build_info{version=\"" MCPAUTH_VERSION "\"} 1\n") ||
	    decisions(out) ||
	    histogram(out, "mcpauth_decision_duration_seconds", "Time to "
	    "decide, from the request's parameters to the answer.",
	    SLOT_OFF(decision_time)) ||
	    buf_printf(out, "# HELP mcpauth_token_cache_total Verified-token "
	    "cache lookups by result.\n"
	    "# TYPE mcpauth_token_cache_total counter\n"
	    "mcpauth_token_cache_total{result=\"hit\"} %lu\n"
	    "mcpauth_token_cache_total{result=\"miss\"} %lu\n",
	    sum(SLOT_OFF(cache[1])), sum(SLOT_OFF(cache[0]))) ||
	    buf_printf(out, "# HELP mcpauth_introspection_calls_total "
	    "Introspection calls by result.\n"
	    "# TYPE mcpauth_introspection_calls_total counter\n"
	    "mcpauth_introspection_calls_total{result=\"answered\"} %lu\n"
	    "mcpauth_introspection_calls_total{result=\"error\"} %lu\n",
	    sum(SLOT_OFF(introspection[1])),
	    sum(SLOT_OFF(introspection[0]))) ||
	    histogram(out, "mcpauth_introspection_duration_seconds", "Time "
	    "of an introspection call.", SLOT_OFF(introspection_time)) ||
	    keysets(out, iss, n, now) ||
	    buf_printf(out, "# HELP mcpauth_reloads_total Configuration "
	    "reloads by result.\n# TYPE mcpauth_reloads_total counter\n"
	    "mcpauth_reloads_total{result=\"ok\"} %lu\n"
	    "mcpauth_reloads_total{result=\"error\"} %lu\n",
	    atomic_load(&reloads[1]), atomic_load(&reloads[0])))
		return -1;
	return 0;
}
