#include <stdio.h>
#include <stdlib.h>

#include "file.h"
#include "json.h"
#include "keys.h"
#include "state.h"

/* Read issuer i's metadata=FILE; it must be a JSON object. */
static int
load_metadata(struct state *st, size_t i, char *err, size_t errlen)
{
	const struct config_issuer *is = &st->cfg->issuers[i];
	const char *why;
	char msg[256];
	size_t len;
	cJSON *doc;
	char *text;

	if (is->metadata == NULL || config_is_url(is->metadata))
		return 0;
	if ((text = file_read(is->metadata, STATE_MAX_METADATA, &len, msg,
	    sizeof(msg))) == NULL) {
		snprintf(err, errlen, "issuer %s: %s", is->url, msg);
		return -1;
	}
	if ((doc = json_parse(text, len, STATE_MAX_METADATA, JSON_MAX_DEPTH,
	    &why)) == NULL || !cJSON_IsObject(doc)) {
		snprintf(err, errlen, "issuer %s: %s: %s", is->url,
		    is->metadata, doc == NULL ? why : "not a JSON object");
		cJSON_Delete(doc);
		free(text);
		return -1;
	}
	cJSON_Delete(doc);
	st->as_metadata[i] = text;
	return 0;
}

struct state *
state_load(const char *path, char *err, size_t errlen)
{
	struct state *st;
	size_t i;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	atomic_init(&st->refs, 1);
	if ((st->cfg = config_load(path, err, errlen)) == NULL)
		goto fail;
	if ((st->as_metadata = calloc(st->cfg->nissuers, sizeof(char *)))
	    == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < st->cfg->nissuers; i++)
		if (load_metadata(st, i, err, errlen) == -1)
			goto fail;
	if ((st->keys = keys_load_all(st->cfg, err, errlen)) == NULL)
		goto fail;
	return st;
fail:
	state_free(st);
	return NULL;
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
	size_t i;

	if (st == NULL || atomic_fetch_sub(&st->refs, 1) != 1)
		return;
	if (st->as_metadata != NULL)
		for (i = 0; i < st->cfg->nissuers; i++)
			free(st->as_metadata[i]);
	free(st->as_metadata);
	keystore_free(st->keys);
	config_free(st->cfg);
	free(st);
}
