// A real MCP client (@modelcontextprotocol/sdk) against nginx + mcpauth, for
// tests/integration/test_mcp_client.sh.  It asserts nothing itself: it
// prints what the SDK saw, one fact a line as "NAME<TAB>VALUE" (VALUE is a
// string or compact JSON, never with a newline), and the shell test
// compares each fact with the exact value it expects.
//
// Environment:
//   MCP_URL          the MCP endpoint as clients use it (http://127.0.0.1:P/mcp)
//   TOKEN_OK         valid token with the required scopes
//   TOKEN_OTHER_AUD  valid signature, but for another audience
//   TOKEN_NO_SCOPE   valid token without the required scope
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
    UnauthorizedError,
    discoverAuthorizationServerMetadata,
    discoverOAuthProtectedResourceMetadata,
    extractResourceMetadataUrl,
    extractWWWAuthenticateParams,
    selectResourceURL
} from '@modelcontextprotocol/sdk/client/auth.js';

const env = name => {
    const v = process.env[name];
    if (!v) {
        console.error(`client.mjs: ${name} is not set`);
        process.exit(2);
    }
    return v;
};
const MCP_URL = new URL(env('MCP_URL'));

// Never hang the test: everything here takes well under a second.
setTimeout(() => {
    console.error('client.mjs: timed out');
    process.exit(3);
}, 20000).unref();

function fact(name, value) {
    const v = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    process.stdout.write(`${name}\t${v.replace(/[\r\n]/g, ' ')}\n`);
}

// JSON with object members sorted, so documents compare independently of
// the order a parser or a serializer chose.
function canonical(v) {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
        return Object.fromEntries(Object.keys(v).sort().map(k => [k, canonical(v[k])]));
    }
    return v;
}

function describeError(e) {
    if (e === undefined) return 'none';
    const name = e?.constructor?.name ?? typeof e;
    return e?.code !== undefined ? `${name} ${e.code}` : name;
}

// A fetch that keeps every response the SDK received, in order.
function recordingFetch() {
    const log = [];
    const f = async (url, init) => {
        const res = await fetch(url, init);
        const u = new URL(String(url));
        log.push({ line: `${init?.method ?? 'GET'} ${u.pathname}${u.search} ${res.status}`, res });
        return res;
    };
    return { f, log };
}

// connect with the given transport options; returns the error (or undefined).
async function tryConnect(opts) {
    const client = new Client({ name: 'mcpauth-test-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(MCP_URL, opts);
    try {
        await client.connect(transport);
        await client.close();
        return undefined;
    } catch (e) {
        await client.close().catch(() => {});
        return e;
    }
}

function challengeFacts(prefix, res) {
    fact(`${prefix}.status`, String(res?.status));
    fact(`${prefix}.www_authenticate`, res?.headers.get('www-authenticate') ?? '');
    const p = res ? extractWWWAuthenticateParams(res) : {};
    fact(`${prefix}.challenge`, {
        resource_metadata: p.resourceMetadataUrl?.href ?? null,
        scope: p.scope ?? null,
        error: p.error ?? null
    });
}

// Each case catches its own surprises, so one failure leaves the others
// running and shows up as a mismatched fact.
async function step(name, fn) {
    try {
        await fn();
    } catch (e) {
        fact(`${name}.exception`, `${describeError(e)}: ${e?.message ?? e}`);
    }
}

// --- 1. no token: the 401 and the SDK's own discovery ---------------------
let challengeMetadataUrl;
await step('noauth', async () => {
    const { f, log } = recordingFetch();
    const err = await tryConnect({ fetch: f });
    fact('noauth.error', describeError(err));
    fact('noauth.requests', log.map(r => r.line));
    const res = log.find(r => r.res.status === 401)?.res;
    challengeFacts('noauth', res);
    challengeMetadataUrl = extractResourceMetadataUrl(res);
    fact('noauth.resource_metadata_url', challengeMetadataUrl?.href ?? null);
});

await step('prm', async () => {
    const { f, log } = recordingFetch();
    // As the SDK does after a 401: the URL from the challenge ...
    if (!challengeMetadataUrl) throw new Error('no resource_metadata in the 401 challenge');
    const fromChallenge = await discoverOAuthProtectedResourceMetadata(
        MCP_URL,
        { resourceMetadataUrl: challengeMetadataUrl },
        f
    );
    fact('prm.from_challenge', canonical(fromChallenge));
    // ... and without one, by the SDK's own path-inserted well-known URL.
    const discovered = await discoverOAuthProtectedResourceMetadata(MCP_URL, {}, f);
    fact('prm.discovered', canonical(discovered));
    fact('prm.requests', log.map(r => r.line));
    const ras = await selectResourceURL(MCP_URL, { clientMetadata: {} }, discovered);
    fact('prm.selected_resource', ras?.href ?? null);

    const { f: f2, log: log2 } = recordingFetch();
    const asm = await discoverAuthorizationServerMetadata(discovered.authorization_servers[0], { fetchFn: f2 });
    fact('asm.requests', log2.map(r => r.line));
    fact('asm.issuer', asm?.issuer ?? null);
    fact('asm.jwks_uri', asm?.jwks_uri ?? null);
    fact('asm.document', canonical(asm));
});

// The whole interactive flow as a real client runs it on a 401: challenge,
// resource metadata, authorization server metadata, resource check, and the
// authorization request it would open in a browser.
await step('flow', async () => {
    const { f, log } = recordingFetch();
    let verifier;
    const provider = {
        authorizationUrl: undefined,
        get redirectUrl() {
            return 'http://127.0.0.1:9/callback';
        },
        get clientMetadata() {
            return { redirect_uris: ['http://127.0.0.1:9/callback'], client_name: 'mcpauth test' };
        },
        clientInformation: () => ({ client_id: 'test-client' }),
        tokens: () => undefined,
        saveTokens: () => {},
        redirectToAuthorization(u) {
            this.authorizationUrl = u;
        },
        saveCodeVerifier: v => {
            verifier = v;
        },
        codeVerifier: () => verifier
    };
    const err = await tryConnect({ fetch: f, authProvider: provider });
    fact('flow.error', describeError(err));
    fact('flow.is_unauthorized', String(err instanceof UnauthorizedError));
    fact('flow.requests', log.map(r => r.line));
    const u = provider.authorizationUrl;
    fact('flow.authorization_endpoint', u ? `${u.origin}${u.pathname}` : null);
    const q = u ? Object.fromEntries(u.searchParams) : {};
    fact('flow.authorization_request', {
        response_type: q.response_type ?? null,
        client_id: q.client_id ?? null,
        code_challenge_method: q.code_challenge_method ?? null,
        scope: q.scope ?? null,
        resource: q.resource ?? null
    });
});

// --- 2. a valid token: the MCP session and the identity the app saw -------
await step('ok', async () => {
    const { f, log } = recordingFetch();
    const client = new Client({ name: 'mcpauth-test-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(MCP_URL, {
        fetch: f,
        requestInit: { headers: { Authorization: `Bearer ${env('TOKEN_OK')}` } }
    });
    await client.connect(transport);
    fact('ok.server', client.getServerVersion()?.name ?? null);
    const tools = await client.listTools();
    fact('ok.tools', tools.tools.map(t => t.name));
    const r = await client.callTool({ name: 'whoami', arguments: {} });
    fact('ok.is_error', String(r.isError ?? false));
    fact('ok.whoami', r.content?.[0]?.text ?? null);
    await client.close();
    // Every request the client made went through nginx and mcpauth; none
    // was refused (the optional GET event stream is 405 in stateless mode).
    fact('ok.refused', log.filter(x => x.res.status === 401 || x.res.status === 403).length);
    // initialize, notifications/initialized, tools/list, tools/call.  (The
    // GET the transport may start on its own is left out: it runs unawaited.)
    fact('ok.posts', log.filter(x => x.line.startsWith('POST ')).map(x => x.line));
});

// --- 3. a token for another audience ---------------------------------------
await step('aud', async () => {
    const { f, log } = recordingFetch();
    const err = await tryConnect({
        fetch: f,
        requestInit: { headers: { Authorization: `Bearer ${env('TOKEN_OTHER_AUD')}` } }
    });
    fact('aud.error', describeError(err));
    fact('aud.requests', log.map(r => r.line));
    challengeFacts('aud', log.find(r => r.res.status === 401)?.res);
});

// --- 4. a token without the required scope ----------------------------------
await step('scope', async () => {
    const { f, log } = recordingFetch();
    const err = await tryConnect({
        fetch: f,
        requestInit: { headers: { Authorization: `Bearer ${env('TOKEN_NO_SCOPE')}` } }
    });
    fact('scope.error', describeError(err));
    fact('scope.requests', log.map(r => r.line));
    challengeFacts('scope', log.find(r => r.res.status === 403)?.res);
});

fact('done', 'yes');
