/*
 * config: the configuration file (SPEC §4), parsed into a read-only
 * description of what to enforce.  A loaded config is never changed; a
 * reload builds a new one.
 */
#ifndef MCPAUTH_CONFIG_H
#define MCPAUTH_CONFIG_H

#include <stddef.h>
#include <stdio.h>

/* Limits on the file itself. */
#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_LINE 4096
#define CONFIG_MAX_VALUES 64

/* How an issuer is discovered (SPEC §4). */
enum config_issuer_type { CONFIG_AUTO, CONFIG_OIDC, CONFIG_OAUTH,
	CONFIG_NTYPES };

/* The names of the types, for messages. */
#define CONFIG_ISSUER_TYPES "oidc, oauth or auto"

struct claims_headers;
struct claims_rules;
struct inconf;
struct mcpop;
struct scopeset;

struct config_list {
	char **v;
	size_t n;
};

struct config_issuer {
	char *url;
	enum config_issuer_type type;
	char *metadata;		/* URL or absolute file path; NULL if unset */
	char *jwks;		/* URL or absolute file path; NULL if unset */
	int templated;		/* url holds {tenantid} (§13) */
	struct config_list tenants;	/* templated: the allowed tenants */
	int any_tenant;		/* templated: tenants=any */
	char *advertise;	/* templated: the authorization server named
				   in resource metadata */
	int line;
};

struct config_resource {
	char *url;
	char *path;		/* URL path without trailing '/'; "" at root */
	struct config_list audience;	/* never empty: defaults to url */
	struct config_list scopes_supported;
	struct config_list required_scopes;
	unsigned algorithms;	/* ALG_BIT set */
	long long leeway;
	char *require_typ;	/* NULL: off */
	char *name;
	char *documentation;
	struct mcpop *ops;		/* operation_scopes; NULL: none (§11) */
	struct scopeset *implies;	/* scope_implies; NULL: none */
	struct config_list scope_claims;	/* empty: §7's rule */
	struct config_list audience_claims;	/* never empty: "aud" */
	struct claims_rules *rules;	/* require_claim; NULL: none (§13) */
	struct claims_headers *headers;	/* claim_header; NULL: none */
	int line;
};

struct config {
	char *file;
	struct config_issuer *issuers;
	size_t nissuers;
	struct config_resource *resources;
	size_t nresources;
	long long jwks_min_refresh;
	long long decision_cache_max;
	long long token_cache_entries;
	int allow_cors_preflight;
	int claims_header;
	int insecure_http;
	int log_json;		/* log_format json (§14) */
	char *metrics_path;	/* NULL: no metrics (§14) */
	char *health_path;	/* NULL: no health check */
	char *cache_dir;
	struct inconf *introspect;	/* NULL: opaque tokens refused (§12) */
	long long introspection_cache_max;
	long long introspection_negative_cache;
	long long introspection_concurrency;
};

/*
 * Read and parse the file at path, and the introspection client secret
 * it names.  Relative jwks=, metadata= and secret_file= paths are taken
 * from the file's directory.  Returns a config the caller frees
 * with config_free, or NULL with "FILE:LINE: reason" (or "FILE: reason")
 * written to err (errlen bytes).
 */
struct config *config_load(const char *path, char *err, size_t errlen);

/*
 * Parse len bytes of config text; name is used in messages and its
 * directory for relative paths.  As config_load otherwise, but no
 * secret_file is read.
 */
struct config *config_parse(const char *text, size_t len, const char *name,
    char *err, size_t errlen);

/* Free cfg; NULL does nothing. */
void config_free(struct config *cfg);

/* The type called name ("auto", "oidc", "oauth") into *type: 0, or -1. */
int config_issuer_type(const char *name, enum config_issuer_type *type);

/* The resource whose URL is exactly url, or NULL. */
const struct config_resource *config_resource(const struct config *cfg,
    const char *url);

/* The index of the issuer whose URL is exactly url, or -1. */
int config_issuer_index(const struct config *cfg, const char *url);

/*
 * Write the policy cfg enforces to f, one directive a line in the file's
 * own syntax with every default spelled out, in a fixed order.
 */
void config_print(const struct config *cfg, FILE *f);

#endif
