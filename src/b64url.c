/* Strict base64url and base64: one canonical encoding per value. */
#include "b64url.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Each byte's value in the alphabet, or -1. */
static const signed char values[256] = {
	['A'] = 0, ['B'] = 1, ['C'] = 2, ['D'] = 3, ['E'] = 4, ['F'] = 5,
	['G'] = 6, ['H'] = 7, ['I'] = 8, ['J'] = 9, ['K'] = 10, ['L'] = 11,
	['M'] = 12, ['N'] = 13, ['O'] = 14, ['P'] = 15, ['Q'] = 16,
	['R'] = 17, ['S'] = 18, ['T'] = 19, ['U'] = 20, ['V'] = 21,
	['W'] = 22, ['X'] = 23, ['Y'] = 24, ['Z'] = 25,
	['a'] = 26, ['b'] = 27, ['c'] = 28, ['d'] = 29, ['e'] = 30,
	['f'] = 31, ['g'] = 32, ['h'] = 33, ['i'] = 34, ['j'] = 35,
	['k'] = 36, ['l'] = 37, ['m'] = 38, ['n'] = 39, ['o'] = 40,
	['p'] = 41, ['q'] = 42, ['r'] = 43, ['s'] = 44, ['t'] = 45,
	['u'] = 46, ['v'] = 47, ['w'] = 48, ['x'] = 49, ['y'] = 50,
	['z'] = 51, ['0'] = 52, ['1'] = 53, ['2'] = 54, ['3'] = 55,
	['4'] = 56, ['5'] = 57, ['6'] = 58, ['7'] = 59, ['8'] = 60,
	['9'] = 61, ['-'] = 62, ['_'] = 63,
};

/*
 * -1 for bytes outside the alphabet ('A' is the table's only 0); std
 * selects the standard alphabet, whose '+' and '/' replace '-' and '_'.
 */
static int
val(unsigned char c, int std)
{
	if (c == '-' || c == '_')
		return std ? -1 : values[c];
	if (c == '+' || c == '/')
		return std ? (c == '+' ? 62 : 63) : -1;
	return values[c] != 0 || c == 'A' ? values[c] : -1;
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
