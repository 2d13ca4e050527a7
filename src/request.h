/*
 * request: one incoming request as the web server describes it, whatever
 * carries it (FastCGI, plain CGI).  Parameters are the web server's CGI
 * variables; client headers arrive only as HTTP_* names.
 */
#ifndef MCPAUTH_REQUEST_H
#define MCPAUTH_REQUEST_H

struct request {
	/* The parameter called name, or NULL if the web server sent none. */
	const char *(*param)(const struct request *r, const char *name);
	void *ctx;
	int authorizer;		/* FastCGI AUTHORIZER role (Apache) */
	int cgi;		/* one request per process (plain CGI) */
};

#endif
