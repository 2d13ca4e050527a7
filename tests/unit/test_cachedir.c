/*
 * cachedir: documents written whole with mode 0600, and read back only
 * from a directory and files that belong to this user alone, never
 * through a symbolic link.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachedir.h"
#include "tap.h"

static void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(255);
}

static char dir[] = "/tmp/test_cachedir.XXXXXX";
static char file[300];

/* What cachedir_read gives for "x.json": the text or "(none)". */
static const char *
readback(void)
{
	static char got[64];
	long long mtime = 0;
	size_t len;
	char *t = cachedir_read(dir, "x.json", 16, &len, &mtime);

	snprintf(got, sizeof(got), "%s", t != NULL ? t : "(none)");
	free(t);
	return got;
}

int
main(void)
{
	char name[128], cmd[400], other[300];
	struct stat sb;
	int entries = 0;
	FILE *p;

	if (mkdtemp(dir) == NULL)
		bail("mkdtemp");
	/* Each refusal is logged on stderr; TAP needs only stdout. */
	if (freopen("/dev/null", "w", stderr) == NULL)
		bail("freopen");
	snprintf(file, sizeof(file), "%s/x.json", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	is_int(cachedir_name("jwks", "https://as.example", name, sizeof(name)),
	    0, "a name");
	ok(strncmp(name, "jwks-", 5) == 0 && strlen(name) == 5 + 32 + 5 &&
	    strcmp(name + 37, ".json") == 0, "kind-32 hex digits.json");
	is_int(cachedir_name("jwks", "x", name, 10), -1, "too small: -1");

	is_str(readback(), "(none)", "nothing cached yet");
	is_int(cachedir_write(dir, "x.json", "{\"a\":1}", 7), 0, "write");
	is_str(readback(), "{\"a\":1}", "read back");
	ok(stat(file, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "written with mode 0600");
	snprintf(cmd, sizeof(cmd), "ls -A %s", dir);
	if ((p = popen(cmd, "r")) == NULL)
		bail("popen");
	while (fgets(name, sizeof(name), p) != NULL)
		entries++;
	pclose(p);
	is_int(entries, 1, "no temporary file left behind");
	is_int(cachedir_write(dir, "x.json", "{\"a\":2}", 7), 0, "rewrite");
	is_str(readback(), "{\"a\":2}", "replaced whole");

	chmod(dir, 0770);
	is_str(readback(), "(none)", "a group-writable directory is not used");
	is_int(cachedir_write(dir, "x.json", "{}", 2), -1,
	    "nor written to");
	chmod(dir, 0777);
	is_str(readback(), "(none)", "nor a world-writable one");
	chmod(dir, 0700);
	chmod(file, 0620);
	is_str(readback(), "(none)", "a group-writable file is not used");
	chmod(file, 0600);
	if (geteuid() == 0) {
		if (chown(file, 65534, (gid_t)-1) != 0)
			bail("chown");
		is_str(readback(), "(none)",
		    "a file owned by another user is not used");
		if (chown(file, 0, (gid_t)-1) != 0)
			bail("chown");
	} else {
		ok(1, "# SKIP changing a file's owner needs root");
	}
	is_str(readback(), "{\"a\":2}", "back to safe: used again");
	if ((p = fopen(other, "w")) == NULL)
		bail("fopen");
	fputs("{\"evil\":1}", p);
	fclose(p);
	chmod(other, 0600);
	unlink(file);
	if (symlink(other, file) != 0)
		bail("symlink");
	is_str(readback(), "(none)", "a symbolic link is not followed");
	unlink(file);
	mkdir(file, 0700);
	is_str(readback(), "(none)", "a directory is not a document");
	rmdir(file);
	is_int(cachedir_write(dir, "x.json", "0123456789abcdefXYZ", 19), 0,
	    "write a large one");
	is_str(readback(), "(none)", "larger than the limit: not used");
	is_str(cachedir_read("/nonexistent/dir", "x.json", 16, &(size_t){0},
	    &(long long){0}) == NULL ? "(none)" : "text", "(none)",
	    "a missing directory: nothing");

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		bail("cleanup");
	return tap_done();
}
