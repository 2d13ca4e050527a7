// A real MCP server on the SDK v2 (@modelcontextprotocol/server and
// @modelcontextprotocol/node) for tests/integration/test_mcp_operations.sh:
// Streamable HTTP at /mcp on 127.0.0.1 through createMcpHandler: 2026-07-28
// requests, and 2025-11-25 ones on its stateless legacy leg.  Authorization is the web server's (nginx or Apache with
// mcpauth); the server itself only checks that the MCP headers agree with
// the body, as every 2026-07-28 server must.
//
// Tools: read_tool (anyone the web server lets through) and admin_tool,
// which counts its runs: GET /_stats (straight to the app, not through the
// web server) answers {"admin_runs": N}, so a test proves from the app's
// side that a refused call never ran.  Every answer of 400 or more is
// logged on stderr as "server2: STATUS <headers> <body>".
//
// usage: node server2.mjs PORTFILE
import { createServer } from 'node:http';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { listenLoopback } from './listen.mjs';

const portFile = process.argv[2];
let adminRuns = 0;

function build() {
    const server = new McpServer({ name: 'mcpauth-ops-app', version: '1.0.0' });
    server.registerTool('read_tool', { description: 'Reads something harmless' }, async () => ({
        content: [{ type: 'text', text: 'read ok' }]
    }));
    server.registerTool('admin_tool', { description: 'Does something only an admin may do' }, async () => {
        adminRuns++;
        return { content: [{ type: 'text', text: 'admin ran' }] };
    });
    return server;
}

// What the web server forwarded, for the log line of a refusal.
function mcpHeaders(req) {
    const h = req.headers;
    return `MCP-Protocol-Version=${h['mcp-protocol-version'] ?? '-'} Mcp-Method=${h['mcp-method'] ?? '-'} Mcp-Name=${h['mcp-name'] ?? '-'}`;
}

const handle = toNodeHandler(createMcpHandler(build));

const http = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/_stats') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ admin_runs: adminRuns }));
        return;
    }
    if (path !== '/mcp') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
    }
    // Keep the body of a refusal for the log.
    const chunks = [];
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = (c, ...a) => {
        if (c && typeof c !== 'function') chunks.push(Buffer.from(c));
        return write(c, ...a);
    };
    res.end = (c, ...a) => {
        if (c && typeof c !== 'function') chunks.push(Buffer.from(c));
        if (res.statusCode >= 400) {
            console.error(`server2: ${res.statusCode} ${mcpHeaders(req)} ${Buffer.concat(chunks).toString().replace(/\n/g, ' ')}`);
        }
        return end(c, ...a);
    };
    try {
        await handle(req, res);
    } catch (e) {
        console.error('server2:', e);
        if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'application/json' }).end(
                JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null })
            );
        }
    }
});

listenLoopback(http, portFile);
