/* privs: never serve requests as root unless told to. */
#ifndef MCPAUTH_PRIVS_H
#define MCPAUTH_PRIVS_H

#include <stddef.h>

/*
 * Check before doing anything: as root, serving needs either a user to
 * drop to or an explicit allow_root.  Returns 0, or -1 with err set.
 */
int privs_check(const char *user, int allow_root, char *err, size_t errlen);

/*
 * After binding: as root with user set, become that user (its groups,
 * gid, uid) for good.  Returns 0 (also when there is nothing to do), or
 * -1 with err set.
 */
int privs_drop(const char *user, char *err, size_t errlen);

#endif
