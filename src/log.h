/* log: one line per event on stderr, which web servers keep. */
#ifndef MCPAUTH_LOG_H
#define MCPAUTH_LOG_H

/* Write "mcpauth: " and the formatted text as one line (one write). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copy s into out (outlen bytes) for a log line: quotes, backslashes and
 * bytes outside printable ASCII become \xHH; cut with "..." if long.
 * NULL prints as "-".  Returns out.
 */
const char *log_quote(const char *s, char *out, unsigned long outlen);

#endif
