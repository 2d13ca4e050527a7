// Real MCP clients against a web server (nginx or Apache) with mcpauth's
// per-operation policy in front of server2.mjs, for
// tests/integration/test_mcp_operations.sh.  Tokens come from the real
// authorization server (as.mjs, oidc-provider) by client_credentials with
// the resource indicator.  Like client.mjs it asserts nothing: it prints
// one fact a line, "NAME<TAB>VALUE", and the shell test compares them.
//
// Environment:
//   MCP_URL     the MCP endpoint through the web server
//   AS_URL      the authorization server (issuer)
//   RESOURCE    the resource indicator (the token's aud)
//   APP_STATS   the app's own /_stats, straight to the app
import { Client as Client2, StreamableHTTPClientTransport as Transport2 } from '@modelcontextprotocol/client';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const env = name => {
    const v = process.env[name];
    if (!v) {
        console.error(`ops_client.mjs: ${name} is not set`);
        process.exit(2);
    }
    return v;
};
const MCP_URL = new URL(env('MCP_URL'));
const AS_URL = env('AS_URL');
const RESOURCE = env('RESOURCE');
const APP_STATS = env('APP_STATS');

setTimeout(() => {
    console.error('ops_client.mjs: timed out');
    process.exit(3);
}, 30000).unref();

function fact(name, value) {
    const v = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    process.stdout.write(`${name}\t${v.replace(/[\r\n]/g, ' ')}\n`);
}

async function step(name, fn) {
    try {
        await fn();
    } catch (e) {
        fact(`${name}.exception`, `${e?.constructor?.name}: ${e?.message ?? e}`);
    }
}

// A token from the authorization server for client id (secret "secret").
async function token(id, scope) {
    const res = await fetch(`${AS_URL}/token`, {
        method: 'POST',
        headers: {
            authorization: `Basic ${Buffer.from(`${id}:secret`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded'
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: RESOURCE })
    });
    const j = await res.json();
    if (!j.access_token) throw new Error(`token for ${id}: ${JSON.stringify(j)}`);
    return j.access_token;
}

const claims = t => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString());
const stats = async () => (await (await fetch(APP_STATS)).json()).admin_runs;
// Runs of the admin tool since this client started, as the app counts them.
const runs0 = await stats();
const adminRuns = async () => (await stats()) - runs0;

// A fetch that records each request as "METHOD Mcp-Method[ Mcp-Name] STATUS"
// (the JSON-RPC method from the body when there is no header), and keeps
// the responses and request bodies.
function recorder() {
    const log = [];
    const f = async (url, init) => {
        const h = new Headers(init?.headers);
        let method = h.get('mcp-method');
        if (!method && typeof init?.body === 'string') method = `(${JSON.parse(init.body).method})`;
        const name = h.get('mcp-name');
        const res = await fetch(url, init);
        log.push({
            line: `${init?.method ?? 'GET'} ${method ?? '-'}${name ? ` ${name}` : ''} ${res.status}`,
            version: h.get('mcp-protocol-version'),
            body: init?.body,
            res
        });
        return res;
    };
    return { f, log };
}
const posts = log => log.filter(x => x.line.startsWith('POST ')).map(x => x.line);
const challenge = log => log.findLast(x => x.res.status === 401 || x.res.status === 403)?.res.headers.get('www-authenticate') ?? null;
const errorName = e => (e === undefined ? 'none' : `${e?.constructor?.name}${e?.status ?? e?.code ? ` ${e.status ?? e.code}` : ''}`);

// A v2 client with tok; mode: the versionNegotiation mode ('legacy' is
// the SDK's default, 2025-11-25).
function client2(tok, mode, f) {
    const c = new Client2({ name: 'mcpauth-ops', version: '1.0.0' }, mode === 'legacy' ? {} : { versionNegotiation: { mode } });
    const t = new Transport2(MCP_URL, { fetch: f, authProvider: { token: async () => tok }, onInsufficientScope: 'throw' });
    return { c, t };
}

// Connect, list, call read_tool, then admin_tool; facts under prefix.
async function session(prefix, c, t, log) {
    let err;
    try {
        await c.connect(t);
        fact(`${prefix}.tools`, (await c.listTools()).tools.map(x => x.name));
        fact(`${prefix}.read_tool`, (await c.callTool({ name: 'read_tool', arguments: {} })).content?.[0]?.text ?? null);
        fact(`${prefix}.admin_tool`, (await c.callTool({ name: 'admin_tool', arguments: {} })).content?.[0]?.text ?? null);
    } catch (e) {
        err = e;
    }
    fact(`${prefix}.error`, errorName(err));
    if (err?.requiredScope !== undefined) fact(`${prefix}.required_scope`, err.requiredScope);
    fact(`${prefix}.requests`, posts(log));
    fact(`${prefix}.challenge`, challenge(log));
    await c.close().catch(() => {});
    return log;
}

const reader = await token('reader', 'mcp:read');
const admin = await token('admin', 'mcp:admin');
const full = await token('full', 'mcp:read mcp:admin');
fact('token.reader', { aud: claims(reader).aud, scope: claims(reader).scope, client_id: claims(reader).client_id });
fact('token.admin', { aud: claims(admin).aud, scope: claims(admin).scope });

// --- 2026-07-28: per-tool policy ----------------------------------------------
let readCallBody;
await step('modern.read', async () => {
    const { f, log } = recorder();
    const { c, t } = client2(reader, { pin: '2026-07-28' }, f);
    await session('modern.read', c, t, log);
    readCallBody = log.find(x => x.line.startsWith('POST tools/call read_tool'))?.body;
    fact('modern.read.version', [...new Set(log.map(x => x.version))]);
});
fact('admin_runs.after_modern_read', await adminRuns());
await step('modern.admin', async () => {
    const { f, log } = recorder();
    const { c, t } = client2(admin, 'auto', f);
    await session('modern.admin', c, t, log);
});
fact('admin_runs.after_modern_admin', await adminRuns());

// --- a tampered 2026-07-28 request, by hand ------------------------------------
// The read tool's call as the client sent it, with the body switched to the
// admin tool: mcpauth sees read_tool, the server sees the disagreement.
await step('tamper', async () => {
    const body = JSON.parse(readCallBody);
    body.params.name = 'admin_tool';
    const res = await fetch(MCP_URL, {
        method: 'POST',
        headers: {
            authorization: `Bearer ${reader}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': '2026-07-28',
            'mcp-method': 'tools/call',
            'mcp-name': 'read_tool'
        },
        body: JSON.stringify(body)
    });
    fact('tamper.status', res.status);
    const j = await res.json().catch(() => null);
    fact('tamper.error_code', j?.error?.code ?? null);
    fact('tamper.error_message', j?.error?.message ?? null);
});
fact('admin_runs.after_tamper', await adminRuns());

// --- 2025-11-25 clients: the strictest reading ------------------------------------
await step('legacy2.read', async () => {
    const { f, log } = recorder();
    const { c, t } = client2(reader, 'legacy', f);
    await session('legacy2.read', c, t, log);
});
await step('legacy2.full', async () => {
    const { f, log } = recorder();
    const { c, t } = client2(full, 'legacy', f);
    await session('legacy2.full', c, t, log);
});
fact('admin_runs.after_legacy2', await adminRuns());
for (const [name, tok] of [['legacy1.read', reader], ['legacy1.full', full]]) {
    await step(name, async () => {
        const { f, log } = recorder();
        const c = new Client1({ name: 'mcpauth-ops-v1', version: '1.0.0' });
        const t = new Transport1(MCP_URL, { fetch: f, requestInit: { headers: { Authorization: `Bearer ${tok}` } } });
        await session(name, c, t, log);
    });
}
fact('admin_runs.after_legacy1', await adminRuns());

// A 2025-11-25 request naming the read tool in Mcp-Name while its body calls
// the admin tool.  Servers of that revision do not compare the two.
async function oldTamper(tok) {
    const res = await fetch(MCP_URL, {
        method: 'POST',
        headers: {
            authorization: `Bearer ${tok}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': '2025-11-25',
            'mcp-method': 'tools/call',
            'mcp-name': 'read_tool'
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'admin_tool', arguments: {} } })
    });
    const text = await res.text();
    return { status: res.status, www: res.headers.get('www-authenticate'), text };
}
await step('oldtamper.read', async () => {
    const r = await oldTamper(reader);
    fact('oldtamper.read.status', r.status);
    fact('oldtamper.read.challenge', r.www);
});
fact('admin_runs.after_oldtamper_read', await adminRuns());
await step('oldtamper.full', async () => {
    const r = await oldTamper(full);
    fact('oldtamper.full.status', r.status);
    // JSON, or one SSE event whose data is the JSON-RPC response.
    const json = r.text.startsWith('event:') ? r.text.match(/^data: (.*)$/m)?.[1] : r.text;
    fact('oldtamper.full.result', JSON.parse(json)?.result?.content?.[0]?.text ?? r.text);
});
fact('admin_runs.after_oldtamper_full', await adminRuns());

// --- step-up: the host asks for what the challenge names, and retries -------
// The client "full" may hold both scopes but starts with mcp:read only.
await step('stepup', async () => {
    const { f, log } = recorder();
    let tok = await token('full', 'mcp:read');
    const c = new Client2({ name: 'mcpauth-ops', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const t = new Transport2(MCP_URL, { fetch: f, authProvider: { token: async () => tok }, onInsufficientScope: 'throw' });
    await c.connect(t);
    try {
        await c.callTool({ name: 'admin_tool', arguments: {} });
        fact('stepup.first', 'allowed');
    } catch (e) {
        // The SDK's InsufficientScopeError carries the challenge's scopes;
        // behind mod_fcgid, which answers 401, the host reads the challenge.
        const scope = e.requiredScope ?? challenge(log)?.match(/scope="([^"]*)"/)?.[1];
        fact('stepup.first', `${errorName(e)}: ${scope}`);
        tok = await token('full', scope);
        fact('stepup.new_token_scope', claims(tok).scope);
    }
    fact('stepup.retry', (await c.callTool({ name: 'admin_tool', arguments: {} })).content?.[0]?.text ?? null);
    fact('stepup.requests', posts(log));
    await c.close();
});
fact('admin_runs.after_stepup', await adminRuns());
fact('done', 'yes');
