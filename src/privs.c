#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

int
privs_check(const char *user, int allow_root, char *err, size_t errlen)
{
	if (geteuid() != 0) {
		if (user == NULL)
			return 0;
		snprintf(err, errlen, "--user needs to start as root");
		return -1;
	}
	if (user != NULL || allow_root)
		return 0;
	snprintf(err, errlen, "refusing to serve as root: give --user NAME "
	    "to drop to after binding, or --allow-root");
	return -1;
}

int
privs_drop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	if (user == NULL || geteuid() != 0)
		return 0;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user %s is root", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "cannot become %s: %s", user,
		    strerror(errno));
		return -1;
	}
	/* For good: getting root back must now fail. */
	if (setuid(0) == 0) {
		snprintf(err, errlen, "could regain root after dropping to %s",
		    user);
		return -1;
	}
	return 0;
}
