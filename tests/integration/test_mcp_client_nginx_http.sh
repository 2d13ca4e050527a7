#!/bin/sh
# test_mcp_client.sh with mcpauth over HTTP behind nginx auth_request over HTTP (fcgi-conf/nginx/mcpauth-http.conf).
MCP_PROXY=nginx-http exec sh "$(dirname "$0")/test_mcp_client.sh"
