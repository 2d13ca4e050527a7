/*
 * b64url: strict unpadded base64url (RFC 7515 §2, RFC 4648 §5), and
 * strict standard base64 (RFC 4648 §4).
 */
#ifndef MCPAUTH_B64URL_H
#define MCPAUTH_B64URL_H

#include <stddef.h>

/* Largest output b64url_decode can produce from inlen input bytes. */
#define B64URL_DECODED_MAX(inlen) (((inlen) / 4) * 3 + 2)

/*
 * Decode inlen bytes of unpadded base64url at in into out, which holds
 * outmax bytes.  Refuses padding, any byte outside the alphabet, a length
 * of 1 mod 4 and non-zero trailing bits (so every value has one encoding).
 * Returns the decoded length, or -1 on any error.
 */
long b64url_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outmax);

/*
 * Decode standard base64 (alphabet with '+' and '/'), as b64url_decode
 * does base64url: padding is optional but, when present, only the one or
 * two '=' that complete the last group; no white space.  Returns the
 * decoded length, or -1.
 */
long b64std_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outmax);

/*
 * Encode inlen bytes into out (unpadded, NUL-terminated), which holds
 * outmax bytes.  Returns the encoded length, or -1 if out is too small.
 */
long b64url_encode(const unsigned char *in, size_t inlen, char *out,
    size_t outmax);

/* Standard base64 with padding (RFC 4648 §4), as b64url_encode. */
long b64std_encode(const unsigned char *in, size_t inlen, char *out,
    size_t outmax);

/* Bytes b64url_encode writes for inlen input bytes, NUL included. */
#define B64URL_ENCODED_SIZE(inlen) (((inlen) + 2) / 3 * 4 + 1)

/* Bytes b64std_encode writes for inlen input bytes, NUL included. */
#define B64STD_ENCODED_SIZE(inlen) (((inlen) + 2) / 3 * 4 + 1)

#endif
