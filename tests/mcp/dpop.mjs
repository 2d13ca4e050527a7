// A DPoP proof (RFC 9449) for one POST, from a fresh P-256 key: for
// tests that need a sender-constrained access token from as.mjs --opaque.
//
// usage: node dpop.mjs URL   (prints the proof for POST URL)
import { generateKeyPairSync, sign, randomUUID } from 'node:crypto';

const [htu] = process.argv.slice(2);
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
const input = `${b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${b64({
    htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID()
})}`;
const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
console.log(`${input}.${sig.toString('base64url')}`);
