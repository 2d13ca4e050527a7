// A loopback RFC 7662 endpoint for bench_service.sh: every POST is answered
// with one active answer for the benchmark's resource (node's http server
// keeps connections alive, as a real authorization server does); GET
// /count answers the number of POSTs so far, GET /connections the number
// of connections accepted.  No dependencies.
//
// usage: node introspect_as.mjs PORTFILE ISSUER RESOURCE
import { createServer } from 'node:http';
import { writeFileSync, renameSync } from 'node:fs';

const [portFile, issuer, resource] = process.argv.slice(2);
const answer = JSON.stringify({
    active: true, client_id: 'bench-client', iss: issuer, aud: resource,
    scope: 'mcp:read mcp:write', token_type: 'Bearer',
    exp: Math.floor(Date.now() / 1000) + 7200, iat: Math.floor(Date.now() / 1000)
});
let calls = 0, connections = 0;
const http = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/count')
        return res.end(`${calls}\n`);
    if (req.method === 'GET' && req.url === '/connections')
        return res.end(`${connections - 1}\n`);	// less this one
    req.resume();
    req.on('end', () => {
        calls++;
        res.setHeader('Content-Type', 'application/json');
        res.end(answer);
    });
});
http.keepAliveTimeout = 60000;
http.on('connection', () => connections++);
http.listen(0, '127.0.0.1', () => {
    writeFileSync(portFile + '.tmp', `${http.address().port}\n`);
    renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => process.exit(0));
