#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "introspect.h"
#include "log.h"
#include "state.h"

struct state {
	atomic_int refs;
	struct config *cfg;
	struct keystore *keys;
	struct refresh *refresh;
	struct tokcache *tokens;	/* NULL when token_cache_entries is 0 */
	struct inclient *intro;		/* NULL without introspect */
};

/* Files that others can change would let them change the policy. */
static void
warn_unsafe(const char *what, const char *path)
{
	struct stat sb;

	if (path != NULL && stat(path, &sb) == 0 && (sb.st_mode & S_IWOTH))
		log_msg("warning: %s%s is writable by other users", what, path);
}

static struct state *
build(const char *path, struct state *prev, char *err, size_t errlen)
{
	struct state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	atomic_init(&st->refs, 1);
	if ((st->cfg = config_load(path, err, errlen)) == NULL)
		goto fail;
	warn_unsafe("", path);
	warn_unsafe("cache_dir ", st->cfg->cache_dir);
	if ((st->keys = keystore_new(st->cfg->nissuers)) == NULL ||
	    (st->refresh = refresh_new(st->cfg, st->keys)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (refresh_load(st->refresh, prev ? prev->refresh : NULL, err,
	    errlen) == -1)
		goto fail;
	if (st->cfg->token_cache_entries > 0 && (st->tokens =
	    tokcache_new((size_t)st->cfg->token_cache_entries)) == NULL) {
		snprintf(err, errlen, "out of memory for token_cache_entries");
		goto fail;
	}
	if (st->cfg->introspect != NULL &&
	    (st->intro = inclient_new(st->cfg, st->refresh)) == NULL) {
		snprintf(err, errlen, "out of memory for introspection");
		goto fail;
	}
	return st;
fail:
	state_free(st);
	return NULL;
}

struct state *
state_load(const char *path, long long now, char *err, size_t errlen)
{
	struct state *st;

	if ((st = build(path, NULL, err, errlen)) != NULL)
		refresh_tick(st->refresh, now);
	return st;
}

struct state *
state_reload(struct state *prev, const char *path, char *err,
    size_t errlen)
{
	return build(path, prev, err, errlen);
}

struct state *
state_ref(struct state *st)
{
	if (st != NULL)
		atomic_fetch_add(&st->refs, 1);
	return st;
}

void
state_free(struct state *st)
{
	if (st == NULL || atomic_fetch_sub(&st->refs, 1) != 1)
		return;
	inclient_free(st->intro);
	tokcache_free(st->tokens);
	refresh_free(st->refresh);
	keystore_free(st->keys);
	config_free(st->cfg);
	free(st);
}

const struct config *
state_config(const struct state *st)
{
	return st->cfg;
}

struct keystore *
state_keys(const struct state *st)
{
	return st->keys;
}

struct refresh *
state_refresh(const struct state *st)
{
	return st->refresh;
}

struct tokcache *
state_tokens(const struct state *st)
{
	return st->tokens;
}

struct inclient *
state_introspection(const struct state *st)
{
	return st->intro;
}

enum decide_code
state_decide(const struct state *st, const struct decide_input *in,
    const char *tok, size_t len, struct decision *d, int *cached)
{
	if (st->intro != NULL && len <= DECIDE_MAX_TOKEN &&
	    introspect_is_opaque(tok, len))
		return inclient_decide(st->intro, in, tok, len, d, cached);
	return decide(in, tok, len, d);
}
