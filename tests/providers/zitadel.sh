# ZITADEL (access token type JWT): RS256, header typ JWT and kid; aud an
# array of the project id and the client id, client_id, and the project
# roles as an object keyed by role (each an object of organisation ids),
# which `has` tests by member name.  An object is not passed as a header.
d=$(provider_dir zitadel)
provider_keys "$d" rsa2048 263781098765432101 RS256
provider_config zitadel "$d"
h='{"alg":"RS256","kid":"263781098765432101","typ":"JWT"}'
iss=https://example-abc123.zitadel.cloud
# zt_token ROLES: a token with these project roles (JSON object members).
zt_token() {
	mint "$d" RS256 "$h" "{\"aud\":[\"263781234567890123\",\"263781234567890456@mcp\"],\"client_id\":\"263781234567890456@mcp\",\"exp\":$EXP,\"iat\":$IAT,\"iss\":\"$iss\",\"jti\":\"263781299999999999\",\"nbf\":$IAT,\"sub\":\"263781111111111111\",\"urn:zitadel:iam:org:project:roles\":{$1},\"urn:zitadel:iam:org:project:263781234567890123:roles\":{$1}}"
}
user=$(zt_token '"mcp-user":{"263780000000000001":"example.zitadel.cloud"}')
accepts "zitadel: a user with the project role (an object member)" "$d" "$user" \
    "{\"subject\":\"263781111111111111\",\"client_id\":\"263781234567890456@mcp\",\"scopes\":[],\"issuer\":\"$iss\",\"audience\":\"263781234567890123\",\"expires_at\":$EXP}"
norole=$(zt_token '"viewer":{"263780000000000001":"example.zitadel.cloud"}')
refuses "zitadel: another role only" "$d" "$norole" 3 \
    "insufficient_scope: claim rule \"urn:zitadel:iam:org:project:roles has mcp-user\" is not met"
verify "$d" "2DSaPUkKFYyAt2VaZbsiVP5XLfW0ml-nR4VWgmq0hrpqwRKHkP2HNr6lyeDFqOzeiXxEBdhgOXOQUf"
is "$rc:$err" "1:invalid_token: token has 1 segments, a JWS has 3" \
    "zitadel: an opaque token (the default type) needs introspect"
