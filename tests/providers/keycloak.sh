# Keycloak: RS256, header typ JWT and kid; aud an array (the resource, by
# an audience mapper, and account), typ Bearer in the payload, azp the
# client, scope a string, roles nested in realm_access.roles and
# resource_access.CLIENT.roles.  The rule on realm_access.roles refuses a
# user without the role with a 403 that names it, without scope=.
d=$(provider_dir keycloak)
provider_keys "$d" rsa2048 xJ8yM1tT4d0Zq6lB2nW5cR7vK3sF9gH1aP0oE4uI2yQ RS256
provider_config keycloak "$d"
h='{"alg":"RS256","typ":"JWT","kid":"xJ8yM1tT4d0Zq6lB2nW5cR7vK3sF9gH1aP0oE4uI2yQ"}'
iss=https://sso.example.com/realms/mcp
# kc_token ROLES SCOPE: a user's token with these realm roles and scope.
kc_token() {
	mint "$d" RS256 "$h" "{\"exp\":$EXP,\"iat\":$IAT,\"auth_time\":$IAT,\"jti\":\"onrtac:5d0c7e8a\",\"iss\":\"$iss\",\"aud\":[\"https://mcp.example.com/mcp\",\"account\"],\"sub\":\"7f3c1e2a-9b8d-4c6e-a5f4-3e2d1c0b9a87\",\"typ\":\"Bearer\",\"azp\":\"mcp-client\",\"sid\":\"1a2b3c4d\",\"acr\":\"1\",\"allowed-origins\":[\"https://app.example.com\"],\"realm_access\":{\"roles\":[$1]},\"resource_access\":{\"account\":{\"roles\":[\"manage-account\",\"view-profile\"]}},\"scope\":\"$2\",\"email_verified\":true,\"name\":\"Alice Example\",\"preferred_username\":\"alice\",\"given_name\":\"Alice\",\"family_name\":\"Example\",\"email\":\"alice@example.com\"}"
}
user=$(kc_token '"default-roles-mcp","offline_access","mcp-user"' "openid email profile mcp:tools")
accepts "keycloak: a user with the realm role" "$d" "$user" \
    "{\"subject\":\"7f3c1e2a-9b8d-4c6e-a5f4-3e2d1c0b9a87\",\"client_id\":\"mcp-client\",\"scopes\":[\"openid\",\"email\",\"profile\",\"mcp:tools\"],\"issuer\":\"$iss\",\"audience\":\"https://mcp.example.com/mcp\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Username\":\"alice\",\"X-Auth-Email\":\"alice@example.com\"}}"
norole=$(kc_token '"default-roles-mcp"' "openid email profile mcp:tools")
refuses "keycloak: a user without the role: the rule is named" "$d" "$norole" 3 \
    "insufficient_scope: claim rule \"realm_access.roles has mcp-user\" is not met"
both=$(kc_token '"default-roles-mcp"' "openid profile")
refuses "keycloak: without the scope and the role, the scope is reported" "$d" "$both" 3 \
    "insufficient_scope: token lacks scope mcp:tools"
noaud=$(mint "$d" RS256 "$h" "{\"exp\":$EXP,\"iss\":\"$iss\",\"aud\":\"account\",\"sub\":\"7f3c\",\"typ\":\"Bearer\",\"azp\":\"mcp-client\",\"realm_access\":{\"roles\":[\"mcp-user\"]},\"scope\":\"mcp:tools\"}")
refuses "keycloak: without the audience mapper" "$d" "$noaud" 1 \
    "invalid_token: aud does not contain https://mcp.example.com/mcp"
