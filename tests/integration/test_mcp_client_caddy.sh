#!/bin/sh
# test_mcp_client.sh with mcpauth over HTTP behind Caddy forward_auth (fcgi-conf/caddy/Caddyfile).
MCP_PROXY=caddy exec sh "$(dirname "$0")/test_mcp_client.sh"
