#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

void
log_msg(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	memcpy(line, "mcpauth: ", 9);
	va_start(ap, fmt);
	n = vsnprintf(line + 9, sizeof(line) - 10, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = n + 9 > (int)sizeof(line) - 2 ? (int)sizeof(line) - 2 : n + 9;
	line[n++] = '\n';
	/* One write, so lines from several threads never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

const char *
log_quote(const char *s, char *out, unsigned long outlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned long o = 0;
	unsigned char c;

	if (s == NULL) {
		snprintf(out, outlen, "-");
		return out;
	}
	out[o++] = '"';
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (o + 8 >= outlen) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}
