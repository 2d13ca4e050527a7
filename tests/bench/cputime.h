/* cputime: this thread's CPU clock, and a comparator for medians. */
#ifndef MCPAUTH_BENCH_CPUTIME_H
#define MCPAUTH_BENCH_CPUTIME_H

#include <time.h>

/* Seconds of CPU this thread has used. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort order of doubles, ascending. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#endif
