#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LINE_MAX_BYTES 4096
#define VALUE_MAX_BYTES 256	/* a value's share of a line, escaped */

static atomic_int format = LOG_TEXT;

void
log_set_format(enum log_format f)
{
	atomic_store_explicit(&format, (int)f, memory_order_relaxed);
}

/* A line being built; overflow is cut, never written past. */
struct line {
	char p[LINE_MAX_BYTES];
	size_t len;
};

static void
put(struct line *l, const char *s, size_t n)
{
	/* Room is kept for the closing "}\n". */
	if (n > sizeof(l->p) - 3 - l->len)
		n = sizeof(l->p) - 3 - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void
puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/*
 * s as a JSON string: control characters and bytes outside ASCII as
 * \u00XX (a byte each, so the line is valid JSON whatever the input),
 * cut with "..." after max bytes of output.
 */
static void
put_json_string(struct line *l, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	char e[8];
	size_t used = 0;
	unsigned char c;

	put(l, "\"", 1);
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			e[2] = '\0';
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			e[6] = '\0';
		} else {
			e[0] = (char)c;
			e[1] = '\0';
		}
		if (used + strlen(e) > max) {
			puts_(l, "...");
			break;
		}
		puts_(l, e);
		used += strlen(e);
	}
	put(l, "\"", 1);
}

static void
emit(struct line *l)
{
	l->p[l->len++] = '\n';
	/* One write, so lines from several threads never interleave. */
	if (write(STDERR_FILENO, l->p, l->len) < 0)
		return;
}

static int
json(void)
{
	return atomic_load_explicit(&format, memory_order_relaxed) ==
	    LOG_JSON;
}

void
log_msg(const char *fmt, ...)
{
	char text[2048];
	struct line l = { .len = 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (json()) {
		puts_(&l, "{\"msg\":");
		put_json_string(&l, text, LINE_MAX_BYTES - 24);
		puts_(&l, "}");
	} else {
		puts_(&l, "mcpauth: ");
		puts_(&l, text);
	}
	emit(&l);
}

void
log_event(const char *event, const struct log_field *f, int n)
{
	struct line l = { .len = 0 };
	char v[VALUE_MAX_BYTES];
	int i, j = json();

	puts_(&l, j ? "{\"event\":\"" : "mcpauth: ");
	puts_(&l, event);
	if (j)
		puts_(&l, "\"");
	for (i = 0; i < n; i++) {
		puts_(&l, j ? ",\"" : " ");
		puts_(&l, f[i].key);
		puts_(&l, j ? "\":" : "=");
		if (f[i].kind == LOG_NUM) {
			snprintf(v, sizeof(v), "%ld", f[i].num);
			puts_(&l, v);
		} else if (j && f[i].str == NULL) {
			puts_(&l, "null");
		} else if (j) {
			put_json_string(&l, f[i].str, VALUE_MAX_BYTES);
		} else if (f[i].kind == LOG_QUOTED) {
			puts_(&l, log_quote(f[i].str, v, sizeof(v)));
		} else {
			puts_(&l, f[i].str ? f[i].str : "-");
		}
	}
	if (j)
		puts_(&l, "}");
	emit(&l);
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
