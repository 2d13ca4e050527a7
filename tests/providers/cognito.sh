# Amazon Cognito: RS256, header kid only; an access token has no aud, the
# client in client_id, token_use access, scope a string, groups in
# cognito:groups, username; an ID token has aud (the client) and
# token_use id, and must not pass for an access token.
d=$(provider_dir cognito)
provider_keys "$d" rsa2048 abcdEFGHijklMNOPqrstUVWXyz0123456789+/ABCDE= RS256
provider_config cognito "$d"
h='{"kid":"abcdEFGHijklMNOPqrstUVWXyz0123456789+/ABCDE=","alg":"RS256"}'
iss=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123
cid=3n4b5urk1ft4fl3mg5e62d9ado
user=$(mint "$d" RS256 "$h" "{\"sub\":\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\",\"cognito:groups\":[\"admins\",\"mcp\"],\"iss\":\"$iss\",\"version\":2,\"client_id\":\"$cid\",\"origin_jti\":\"o-1\",\"event_id\":\"e-1\",\"token_use\":\"access\",\"scope\":\"openid https://mcp.example.com/tools\",\"auth_time\":$IAT,\"exp\":$EXP,\"iat\":$IAT,\"jti\":\"j-1\",\"username\":\"alice\"}")
accepts "cognito: a user's access token, audience from client_id" "$d" "$user" \
    "{\"subject\":\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\",\"client_id\":\"$cid\",\"scopes\":[\"openid\",\"https://mcp.example.com/tools\"],\"issuer\":\"$iss\",\"audience\":\"$cid\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Username\":\"alice\",\"X-Auth-Groups\":\"admins mcp\"}}"
idtok=$(mint "$d" RS256 "$h" "{\"sub\":\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\",\"aud\":\"$cid\",\"cognito:groups\":[\"mcp\"],\"email_verified\":true,\"token_use\":\"id\",\"auth_time\":$IAT,\"iss\":\"$iss\",\"cognito:username\":\"alice\",\"exp\":$EXP,\"iat\":$IAT,\"scope\":\"https://mcp.example.com/tools\"}")
refuses "cognito: an ID token is refused by token_use" "$d" "$idtok" 3 \
    "insufficient_scope: claim rule \"token_use = access\" is not met"
other=$(mint "$d" RS256 "$h" "{\"sub\":\"s\",\"iss\":\"$iss\",\"client_id\":\"7otherclient\",\"token_use\":\"access\",\"scope\":\"https://mcp.example.com/tools\",\"exp\":$EXP}")
refuses "cognito: another app client" "$d" "$other" 1 \
    "invalid_token: no audience claim contains $cid"
