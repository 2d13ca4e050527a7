#include <string.h>

#include "ways.h"

void
ways_init(struct ways *w, size_t n)
{
	int i;

	w->sets = WAYS_ROUND(n) / WAYS;
	for (i = 0; i < WAYS_NLOCKS; i++)
		pthread_mutex_init(&w->locks[i], NULL);
}

void
ways_destroy(struct ways *w)
{
	int i;

	for (i = 0; i < WAYS_NLOCKS; i++)
		pthread_mutex_destroy(&w->locks[i]);
}

size_t
ways_set(const struct ways *w, const unsigned char *h)
{
	unsigned long long v;

	memcpy(&v, h, sizeof(v));
	return (size_t)(v % w->sets);
}

void
ways_lock(struct ways *w, size_t s)
{
	pthread_mutex_lock(&w->locks[s % WAYS_NLOCKS]);
}

void
ways_unlock(struct ways *w, size_t s)
{
	pthread_mutex_unlock(&w->locks[s % WAYS_NLOCKS]);
}
