# Auth0: RS256, header typ JWT with kid; a user's token has aud as an
# array (the API and /userinfo), scope as a string, RBAC permissions as an
# array and namespaced custom claims; a client-credentials token has sub
# ID@clients, gty and a string aud.
d=$(provider_dir auth0)
provider_keys "$d" rsa2048 auth0-kid-1 RS256
provider_config auth0 "$d"
h='{"alg":"RS256","typ":"JWT","kid":"auth0-kid-1"}'
iss=https://example.us.auth0.com/
user=$(mint "$d" RS256 "$h" "{\"https://example.com/roles\":[\"mcp-user\",\"dev\"],\"https://example.com/email\":\"alice@example.com\",\"iss\":\"$iss\",\"sub\":\"auth0|64f1c0ffee\",\"aud\":[\"https://mcp.example.com/mcp\",\"${iss}userinfo\"],\"iat\":$IAT,\"exp\":$EXP,\"scope\":\"openid profile\",\"azp\":\"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012\",\"permissions\":[\"read:tools\",\"write:tools\"]}")
accepts "auth0: a user's token, scopes from permissions" "$d" "$user" \
    "{\"subject\":\"auth0|64f1c0ffee\",\"client_id\":\"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012\",\"scopes\":[\"openid\",\"profile\",\"read:tools\",\"write:tools\"],\"issuer\":\"$iss\",\"audience\":\"https://mcp.example.com/mcp\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Roles\":\"mcp-user dev\",\"X-Auth-Email\":\"alice@example.com\"}}"
m2m=$(mint "$d" RS256 "$h" "{\"iss\":\"$iss\",\"sub\":\"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012@clients\",\"aud\":\"https://mcp.example.com/mcp\",\"iat\":$IAT,\"exp\":$EXP,\"scope\":\"read:tools\",\"gty\":\"client-credentials\",\"azp\":\"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012\",\"permissions\":[\"read:tools\"]}")
accepts "auth0: a client-credentials token" "$d" "$m2m" \
    "{\"subject\":\"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012@clients\",\"client_id\":\"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012\",\"scopes\":[\"read:tools\"],\"issuer\":\"$iss\",\"audience\":\"https://mcp.example.com/mcp\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Roles\":\"\",\"X-Auth-Email\":\"\"}}"
noperm=$(mint "$d" RS256 "$h" "{\"iss\":\"$iss\",\"sub\":\"auth0|1\",\"aud\":\"https://mcp.example.com/mcp\",\"iat\":$IAT,\"exp\":$EXP,\"scope\":\"openid\",\"azp\":\"c\",\"permissions\":[]}")
refuses "auth0: no permission: 403 naming the scope" "$d" "$noperm" 3 \
    "insufficient_scope: token lacks scope read:tools"
