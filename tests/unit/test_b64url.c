/* Strict base64url: every value has exactly one accepted encoding. */
#include <string.h>

#include "b64url.h"
#include "tap.h"

static long
dec(const char *s, unsigned char *out)
{
	return b64url_decode(s, strlen(s), out, 64);
}

int
main(void)
{
	static const char url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char out[64];
	char enc[64], in[4] = "xAAA";
	int c, wrong_url = 0, wrong_std = 0;

	is_int(dec("", out), 0, "empty decodes to nothing");
	is_int(dec("Zg", out), 1, "Zg is one byte");
	ok(out[0] == 'f', "Zg is f");
	is_int(dec("Zm9vYmE", out), 5, "Zm9vYmE is five bytes");
	ok(memcmp(out, "fooba", 5) == 0, "Zm9vYmE is fooba");
	is_int(dec("-_8", out), 2, "url alphabet - and _");
	ok(out[0] == 0xfb && out[1] == 0xff, "-_8 is fb ff");
	is_int(dec("Zg==", out), -1, "padding refused");
	is_int(dec("Zm+v", out), -1, "+ refused");
	is_int(dec("Zm/v", out), -1, "/ refused");
	is_int(dec("Zm9 v", out), -1, "space refused");
	is_int(dec("Z", out), -1, "length 1 mod 4 refused");
	is_int(dec("Zh", out), -1, "non-zero trailing bits refused");
	is_int(dec("Zm8", out), 2, "two bytes from three chars");
	is_int(dec("Zm9", out), -1, "Zm9 has non-zero trailing bits");
	is_int(dec("Zm-", out), -1, "non-zero trailing bits in 3 chars refused");
	is_int(b64url_decode("Zm9vYmFy", 8, out, 5), -1, "output limit kept");
	is_int(b64url_encode((const unsigned char *)"fooba", 5, enc,
	    sizeof(enc)), 7, "encode length");
	is_str(enc, "Zm9vYmE", "encode fooba");
	is_int(b64url_encode((const unsigned char *)"\xfb\xff", 2, enc,
	    sizeof(enc)), 3, "encode url alphabet");
	is_str(enc, "-_8", "encode fb ff");
	is_int(b64url_encode((const unsigned char *)"foobar", 6, enc, 8), -1,
	    "encode refuses a small buffer");
	/* Every byte value: accepted exactly where its alphabet has it. */
	for (c = 0; c < 256; c++) {
		const char *pu = c != 0 ? strchr(url, c) : NULL;
		const char *ps = c != 0 ? strchr(std, c) : NULL;
		long nu, ns;

		in[0] = (char)c;
		nu = b64url_decode(in, 4, out, sizeof(out));
		if (nu != (pu != NULL ? 3 : -1) || (pu != NULL &&
		    out[0] != (unsigned char)((pu - url) << 2)))
			wrong_url++;
		ns = b64std_decode(in, 4, out, sizeof(out));
		if (ns != (ps != NULL ? 3 : -1) || (ps != NULL &&
		    out[0] != (unsigned char)((ps - std) << 2)))
			wrong_std++;
	}
	is_int(wrong_url, 0, "base64url: each byte value decoded or refused");
	is_int(wrong_std, 0, "base64: each byte value decoded or refused");
	return tap_done();
}
