# Microsoft Entra ID v1: RS256, header typ JWT, x5t and kid; iss
# https://sts.windows.net/{tid}/, aud the App ID URI, the client in appid
# (no azp), upn and unique_name in delegated tokens, ver 1.0.
d=$(provider_dir entra-v1)
provider_keys "$d" rsa2048 q-23falevZhhD3hm9CQbkP5MQyU RS256
provider_config entra-v1 "$d"
h='{"typ":"JWT","alg":"RS256","x5t":"q-23falevZhhD3hm9CQbkP5MQyU","kid":"q-23falevZhhD3hm9CQbkP5MQyU"}'
tid=72f988bf-86f1-41af-91ab-2d7cd011db47
iss=https://sts.windows.net/$tid/
base="\"aud\":\"api://mcp.example.com\",\"iss\":\"$iss\",\"iat\":$IAT,\"nbf\":$IAT,\"exp\":$EXP,\"appid\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"appidacr\":\"1\",\"idp\":\"https://sts.windows.net/$tid/\",\"oid\":\"4b7d8f2a-0e1c-4d5b-9a6f-3c2e1d0b9a8f\",\"sub\":\"l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA\",\"tid\":\"$tid\",\"ver\":\"1.0\""
user=$(mint "$d" RS256 "$h" "{$base,\"amr\":[\"pwd\",\"mfa\"],\"name\":\"Alice\",\"scp\":\"MCP.Use\",\"unique_name\":\"alice@contoso.com\",\"upn\":\"alice@contoso.com\"}")
accepts "entra-v1: a delegated token, client from appid" "$d" "$user" \
    "{\"subject\":\"l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA\",\"client_id\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"scopes\":[\"MCP.Use\"],\"issuer\":\"$iss\",\"audience\":\"api://mcp.example.com\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Tenant-Id\":\"$tid\",\"X-Auth-Upn\":\"alice@contoso.com\"}}"
app=$(mint "$d" RS256 "$h" "{$base,\"roles\":[\"MCP.Use\"]}")
accepts "entra-v1: an app-only token, no upn" "$d" "$app" \
    "{\"subject\":\"l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA\",\"client_id\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"scopes\":[\"MCP.Use\"],\"issuer\":\"$iss\",\"audience\":\"api://mcp.example.com\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Tenant-Id\":\"$tid\",\"X-Auth-Upn\":\"\"}}"
v2=$(mint "$d" RS256 "$h" "{\"aud\":\"api://mcp.example.com\",\"iss\":\"https://login.microsoftonline.com/$tid/v2.0\",\"exp\":$EXP,\"tid\":\"$tid\",\"roles\":[\"MCP.Use\"]}")
refuses "entra-v1: a v2 issuer is another issuer" "$d" "$v2" 1 \
    "invalid_token: issuer \"https://login.microsoftonline.com/$tid/v2.0\" is not trusted (no issuer, nor a template filled with tid \"$tid\")"
