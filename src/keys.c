#include <stdio.h>
#include <stdlib.h>

#include "file.h"
#include "jwks.h"
#include "keys.h"

int
keys_load(const struct config *cfg, size_t i, struct keystore *store,
    char *err, size_t errlen)
{
	const struct config_issuer *is = &cfg->issuers[i];
	char why[256];
	size_t len;
	char *text;
	jwks *set;

	if (is->jwks == NULL || config_is_url(is->jwks)) {
		snprintf(err, errlen, "issuer %s: key sets are read only from "
		    "files (jwks=FILE) in this version", is->url);
		return -1;
	}
	if ((text = file_read(is->jwks, JWKS_MAX_BYTES, &len, why,
	    sizeof(why))) == NULL) {
		snprintf(err, errlen, "issuer %s: %s", is->url, why);
		return -1;
	}
	set = jwks_parse(text, len, why, sizeof(why));
	free(text);
	if (set == NULL) {
		snprintf(err, errlen, "issuer %s: %s: %s", is->url, is->jwks,
		    why);
		return -1;
	}
	keystore_set(store, i, set);
	return 0;
}

struct keystore *
keys_load_all(const struct config *cfg, char *err, size_t errlen)
{
	struct keystore *store;
	size_t i;

	if ((store = keystore_new(cfg->nissuers)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < cfg->nissuers; i++) {
		if (keys_load(cfg, i, store, err, errlen) == -1) {
			keystore_free(store);
			return NULL;
		}
	}
	return store;
}
