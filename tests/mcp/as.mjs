// The real authorization server for tests/integration/test_mcp_operations.sh:
// oidc-provider (panva) issuing JWT access tokens by client_credentials with
// a resource indicator (RFC 8707), so that aud is the MCP resource.
//
// usage: node as.mjs [--opaque] PORTFILE RESOURCE...
//   Listens on a free loopback port; writes the port to PORTFILE.  The
//   issuer is http://127.0.0.1:PORT.  Clients (secret "secret"): reader
//   (mcp:read), admin (mcp:admin) and full (mcp:read mcp:admin), each
//   allowed only the scopes it names.
//   --opaque: opaque access tokens instead, with RFC 7662 introspection
//   (client "rs", secret "rs-secret", the resource server), RFC 7009
//   revocation and RFC 9449 DPoP (a token asked with a DPoP proof is bound
//   to its key: tests/mcp/dpop.mjs); GET /_stats answers {"introspections": calls so far,
//   "max_inflight": most calls in progress at once}.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import { listenLoopback } from './listen.mjs';

const opaque = process.argv[2] === '--opaque';
const [portFile, ...resources] = process.argv.slice(opaque ? 3 : 2);
if (!portFile || resources.length === 0) {
    console.error('usage: node as.mjs [--opaque] PORTFILE RESOURCE...');
    process.exit(2);
}
const SCOPES = ['mcp:read', 'mcp:admin'];
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const http = createServer();
listenLoopback(http, portFile, port => {
    const issuer = `http://127.0.0.1:${port}`;
    const client = (id, scope) => ({
        client_id: id,
        client_secret: 'secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
        scope
    });
    const provider = new Provider(issuer, {
        clients: [client('reader', 'mcp:read'), client('admin', 'mcp:admin'), client('full', 'mcp:read mcp:admin'),
            { ...client('rs'), client_secret: 'rs-secret', grant_types: [] }],
        jwks: { keys: [{ ...key, kid: 'as-1', alg: 'ES256', use: 'sig' }] },
        scopes: SCOPES,
        ttl: { ClientCredentials: 600 },
        features: {
            devInteractions: { enabled: false },
            clientCredentials: { enabled: true },
            introspection: { enabled: opaque },
            revocation: { enabled: opaque },
            dPoP: { enabled: opaque },
            resourceIndicators: {
                enabled: true,
                defaultResource: () => undefined,
                useGrantedResource: () => true,
                getResourceServerInfo: (ctx, indicator) => {
                    if (!resources.includes(indicator)) throw new Error(`unknown resource ${indicator}`);
                    return {
                        scope: SCOPES.join(' '),
                        audience: indicator,
                        accessTokenTTL: 600,
                        ...(opaque ? { accessTokenFormat: 'opaque' } :
                            { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } })
                    };
                }
            }
        }
    });
    // Plain http on loopback, for the test only.
    provider.proxy = false;
    const callback = provider.callback();
    const stats = { introspections: 0, max_inflight: 0 };
    let inflight = 0;
    http.on('request', (req, res) => {
        if (req.method === 'GET' && req.url === '/_stats') {
            res.setHeader('Content-Type', 'application/json');
            return res.end(JSON.stringify(stats));
        }
        if (req.method === 'POST' && req.url === '/token/introspection') {
            stats.introspections++;
            stats.max_inflight = Math.max(stats.max_inflight, ++inflight);
            res.on('close', () => inflight--);
        }
        callback(req, res);
    });
});
