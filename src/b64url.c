/* Strict base64url and base64: one canonical encoding per value. */
#include "b64url.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Each byte's value in the alphabet plus one, or 0 (one load a byte). */
static const unsigned char values1[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11,
	['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
	['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
	['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26,
	['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31,
	['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41,
	['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46,
	['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51,
	['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61,
	['9'] = 62, ['-'] = 63, ['_'] = 64,
};

/*
 * -1 for bytes outside the alphabet; std selects the standard alphabet,
 * whose '+' and '/' replace '-' and '_'.
 */
static int
val(unsigned char c, int std)
{
	if (std) {
		if (c == '-' || c == '_')
			return -1;
		if (c == '+' || c == '/')
			return c == '+' ? 62 : 63;
	}
	return (int)values1[c] - 1;
}

static long
decode(const char *in, size_t inlen, unsigned char *out, size_t outmax,
    int std)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	if (inlen % 4 == 1)
		return -1;
	for (i = 0; i < inlen; i++) {
		if ((v = val((unsigned char)in[i], std)) < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outmax)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/* Leftover bits must be zero, or two strings would decode alike. */
	if (acc != 0)
		return -1;
	return (long)o;
}

long
b64url_decode(const char *in, size_t inlen, unsigned char *out, size_t outmax)
{
	return decode(in, inlen, out, outmax, 0);
}

long
b64std_decode(const char *in, size_t inlen, unsigned char *out, size_t outmax)
{
	/* Padding only where it completes the last group of four. */
	if (inlen % 4 == 0 && inlen > 0 && in[inlen - 1] == '=')
		inlen -= inlen > 1 && in[inlen - 2] == '=' ? 2 : 1;
	return decode(in, inlen, out, outmax, 1);
}

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode with alphabet a; pad with '=' to a multiple of four if pad. */
static long
encode(const unsigned char *in, size_t inlen, char *out, size_t outmax,
    const char *a, int pad)
{
	size_t i, o = 0, need = (inlen / 3) * 4 + (inlen % 3 ? inlen % 3 + 1 : 0);
	unsigned long v;

	if (pad && inlen % 3)
		need += 3 - inlen % 3;
	if (need + 1 > outmax)
		return -1;
	for (i = 0; i + 2 < inlen; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = a[v & 63];
	}
	if (inlen - i == 1) {
		v = (unsigned long)in[i] << 16;
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
	} else if (inlen - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
	}
	while (o < need)
		out[o++] = '=';
	out[o] = '\0';
	return (long)o;
}

long
b64url_encode(const unsigned char *in, size_t inlen, char *out, size_t outmax)
{
	return encode(in, inlen, out, outmax, alphabet, 0);
}

long
b64std_encode(const unsigned char *in, size_t inlen, char *out, size_t outmax)
{
	return encode(in, inlen, out, outmax, std_alphabet, 1);
}
