/* log: one line per event on stderr, which web servers keep. */
#ifndef MCPAUTH_LOG_H
#define MCPAUTH_LOG_H

/* How lines are written (log_format, SPEC §14). */
enum log_format { LOG_TEXT, LOG_JSON };

/* Switch every later line to format f (safe from any thread). */
void log_set_format(enum log_format f);

/*
 * Write "mcpauth: " and the formatted text as one line (one write); in
 * JSON, {"msg":"the text"}.
 */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One field of an event line: a string (quoted or bare) or a number. */
struct log_field {
	const char *key;
	const char *str;	/* NULL: "-" in text, null in JSON */
	long num;
	int kind;		/* LOG_BARE, LOG_QUOTED or LOG_NUM */
};
enum { LOG_BARE, LOG_QUOTED, LOG_NUM };

/*
 * Write an event as one line: in text, "mcpauth: EVENT key=value ..."
 * (LOG_QUOTED values through log_quote); in JSON, {"event":EVENT,
 * "key":value,...} with every string escaped.  Long values are cut.
 */
void log_event(const char *event, const struct log_field *f, int n);

/*
 * Copy s into out (outlen bytes) for a log line: quotes, backslashes and
 * bytes outside printable ASCII become \xHH; cut with "..." if long.
 * NULL prints as "-".  Returns out.
 */
const char *log_quote(const char *s, char *out, unsigned long outlen);

#endif
