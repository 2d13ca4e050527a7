// A real MCP server (@modelcontextprotocol/sdk) for
// tests/integration/test_mcp_client.sh: Streamable HTTP, stateless, at /mcp
// on 127.0.0.1.  It does no authorization of its own: it sits behind nginx,
// which asks mcpauth and forwards the caller's identity in X-Auth-* headers.
//
// usage: node server.mjs [PORT [PORTFILE]]   (or $PORT, $PORTFILE)
//   PORT 0 (the default) picks a free port; the port chosen is written to
//   PORTFILE once the server listens.
import { createServer } from 'node:http';
import { writeFileSync, renameSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const portFile = process.argv[3] ?? process.env.PORTFILE;

// The headers nginx sets from mcpauth's answer, as the tool reports them.
const IDENTITY = {
    subject: 'x-auth-subject',
    client_id: 'x-auth-client-id',
    scopes: 'x-auth-scopes',
    issuer: 'x-auth-issuer',
    audience: 'x-auth-audience'
};

function header(headers, name) {
    const v = headers?.[name];
    return Array.isArray(v) ? v.join(', ') : (v ?? null);
}

// One McpServer per request: stateless mode, as the SDK's examples do it.
function buildServer() {
    const server = new McpServer({ name: 'mcpauth-test-app', version: '1.0.0' });
    server.registerTool(
        'whoami',
        { description: 'The caller identity this server received from the web server' },
        async extra => {
            const h = extra.requestInfo?.headers ?? {};
            const who = {};
            for (const [k, name] of Object.entries(IDENTITY)) who[k] = header(h, name);
            // nginx drops the token before the app: report whether one arrived.
            who.authorization = header(h, 'authorization');
            return { content: [{ type: 'text', text: JSON.stringify(who) }] };
        }
    );
    return server;
}

const http = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path !== '/mcp') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
    }
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true
    });
    res.on('close', () => {
        transport.close();
        server.close();
    });
    try {
        await server.connect(transport);
        await transport.handleRequest(req, res);
    } catch (e) {
        console.error('server.mjs:', e);
        if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'application/json' }).end(
                JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null })
            );
        }
    }
});

http.listen(port, '127.0.0.1', () => {
    const actual = http.address().port;
    if (portFile) {
        // Written whole, then renamed: a reader never sees a partial port.
        writeFileSync(portFile + '.tmp', `${actual}\n`);
        renameSync(portFile + '.tmp', portFile);
    } else {
        console.log(actual);
    }
});

for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
        http.close();
        http.closeAllConnections?.();
        process.exit(0);
    });
}
