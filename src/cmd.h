/*
 * cmd: the subcommands of SPEC §3.  Each returns the process exit
 * status; main.c parses the command line into struct cmd_options.
 */
#ifndef MCPAUTH_CMD_H
#define MCPAUTH_CMD_H

/* Exit statuses shared by the subcommands. */
#define CMD_OK 0
#define CMD_REFUSED 1		/* token refused; check-config: unusable */
#define CMD_FAILURE 2		/* configuration or key-fetch failure */
#define CMD_SCOPE 3		/* verify: valid token, scopes missing */

struct cmd_options {
	const char *config;	/* -c, else $MCPAUTH_CONFIG, else default */
	const char *resource;	/* verify --resource */
	const char *scopes;	/* verify --scopes; NULL if not given */
	const char *mcp_method;	/* verify --mcp-method (SPEC §11) */
	const char *mcp_name;	/* verify --mcp-name, encoded or not */
	const char *mcp_version;	/* verify --mcp-protocol-version */
	const char *listen;	/* serve --listen */
	const char *http;	/* serve --http */
	int threads;		/* serve --threads; 0: one per CPU */
	const char *user;	/* serve --user: drop to it after binding */
	int allow_root;		/* serve --allow-root */
	const char *arg;	/* discover: the issuer URL */
	const char *type;	/* discover --type */
	int insecure_http;	/* discover --insecure-http */
};

int cmd_verify(const struct cmd_options *o);
int cmd_check_config(const struct cmd_options *o);
int cmd_serve(const struct cmd_options *o);
int cmd_discover(const struct cmd_options *o);

#endif
