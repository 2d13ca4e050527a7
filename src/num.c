#include <errno.h>
#include <stdlib.h>

#include "num.h"

int
num_parse(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	/* strtoll would skip blanks and take a sign; we want digits only. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
