/*
 * driver: replay fuzz inputs without libFuzzer, one file per argument
 * (directories are walked one level).  Prints TAP, one test per input:
 * an input passes when the target returns without a sanitizer report.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "fuzz.h"

static int n;

static void
run(const char *path)
{
	size_t len;
	char *data;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL || (data = file_slurp(f,
	    64 * 1024 * 1024, &len)) == NULL) {
		printf("not ok %d - %s: cannot read\n", ++n, path);
		if (f != NULL)
			fclose(f);
		return;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	printf("ok %d - %s\n", ++n, path);
}

int
main(int argc, char **argv)
{
	char path[4096];
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if ((d = opendir(argv[i])) == NULL)
				continue;
			while ((e = readdir(d)) != NULL) {
				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
				    e->d_name);
				run(path);
			}
			closedir(d);
		} else {
			run(argv[i]);
		}
	}
	printf("1..%d\n", n);
	return 0;
}
