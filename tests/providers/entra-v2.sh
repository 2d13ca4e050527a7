# Microsoft Entra ID v2: RS256, header typ JWT, kid and x5t; iss holds the
# tenant (https://login.microsoftonline.com/{tid}/v2.0), aud is the API's
# client id, azp the caller; a delegated token has scp (a string), an
# app-only token roles (an array) and idtyp app.  The templated issuer:
# tid must fill the template to the token's iss, from a listed tenant.
d=$(provider_dir entra-v2)
provider_keys "$d" rsa2048 nOo3ZDrODXEK1jKWhXslHR_KXEg RS256
provider_config entra-v2 "$d"
h='{"typ":"JWT","alg":"RS256","x5t":"nOo3ZDrODXEK1jKWhXslHR_KXEg","kid":"nOo3ZDrODXEK1jKWhXslHR_KXEg"}'
tid=72f988bf-86f1-41af-91ab-2d7cd011db47
iss=https://login.microsoftonline.com/$tid/v2.0
api=6e74172b-be56-4843-9ff4-e66a39bb12e3
# entra_token TID ISS MEMBERS: a token of the API for tenant TID.
entra_token() {
	mint "$d" RS256 "$h" "{\"aud\":\"$api\",\"iss\":\"$2\",\"iat\":$IAT,\"nbf\":$IAT,\"exp\":$EXP,\"aio\":\"AXQAi/8UAAAA\",\"azp\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"azpacr\":\"1\",\"oid\":\"4b7d8f2a-0e1c-4d5b-9a6f-3c2e1d0b9a8f\",\"rh\":\"0.AXkAv4j5cvGGr0GRqy180BHbRw.\",\"sub\":\"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_abcde\",\"tid\":\"$1\",\"uti\":\"fGhIjKlMnOp\",\"ver\":\"2.0\"$3}"
}
user=$(entra_token "$tid" "$iss" ',"name":"Alice","preferred_username":"alice@contoso.com","scp":"MCP.Use User.Read"')
accepts "entra-v2: a delegated token, scopes from scp" "$d" "$user" \
    "{\"subject\":\"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_abcde\",\"client_id\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"scopes\":[\"MCP.Use\",\"User.Read\"],\"issuer\":\"$iss\",\"audience\":\"$api\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Tenant-Id\":\"$tid\",\"X-Auth-Object-Id\":\"4b7d8f2a-0e1c-4d5b-9a6f-3c2e1d0b9a8f\"}}"
app=$(entra_token "$tid" "$iss" ',"idtyp":"app","roles":["MCP.Use"]')
accepts "entra-v2: an app-only token, scopes from roles" "$d" "$app" \
    "{\"subject\":\"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_abcde\",\"client_id\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"scopes\":[\"MCP.Use\"],\"issuer\":\"$iss\",\"audience\":\"$api\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Tenant-Id\":\"$tid\",\"X-Auth-Object-Id\":\"4b7d8f2a-0e1c-4d5b-9a6f-3c2e1d0b9a8f\"}}"
t2=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
other=$(entra_token "$t2" "https://login.microsoftonline.com/$t2/v2.0" ',"roles":["MCP.Use"]')
verify "$d" "$other"
is "$rc" 0 "entra-v2: the second listed tenant"
# Hostile: the tenant and the issuer must agree, and tid is a plain id.
bad=$(entra_token "$t2" "$iss" ',"roles":["MCP.Use"]')
refuses "entra-v2: a tid that does not match iss" "$d" "$bad" 1 \
    "invalid_token: issuer \"$iss\" is not trusted (no issuer, nor a template filled with tid \"$t2\")"
t3=11111111-2222-3333-4444-555555555555
bad=$(entra_token "$t3" "https://login.microsoftonline.com/$t3/v2.0" ',"roles":["MCP.Use"]')
refuses "entra-v2: a tenant not listed" "$d" "$bad" 1 \
    "invalid_token: tenant \"$t3\" is not allowed for issuer https://login.microsoftonline.com/{tenantid}/v2.0"
bad=$(entra_token "$tid/../evil" "https://login.microsoftonline.com/$tid/../evil/v2.0" ',"roles":["MCP.Use"]')
refuses "entra-v2: {tenantid} filled with / and .." "$d" "$bad" 1 \
    "invalid_token: tid is not a tenant id (letters, digits, '-', '_', '.'; not . or ..)"
bad=$(entra_token ".." "https://login.microsoftonline.com/../v2.0" ',"roles":["MCP.Use"]')
refuses "entra-v2: {tenantid} filled with .." "$d" "$bad" 1 \
    "invalid_token: tid is not a tenant id (letters, digits, '-', '_', '.'; not . or ..)"
bad=$(entra_token "{tenantid}" "https://login.microsoftonline.com/{tenantid}/v2.0" ',"roles":["MCP.Use"]')
refuses "entra-v2: iss the template itself" "$d" "$bad" 1 \
    "invalid_token: tid is not a tenant id (letters, digits, '-', '_', '.'; not . or ..)"
noscope=$(entra_token "$tid" "$iss" ',"scp":"User.Read"')
refuses "entra-v2: a delegated token without MCP.Use" "$d" "$noscope" 3 \
    "insufficient_scope: token lacks scope MCP.Use"
"$MCPAUTH" check-config -c "$d/mcpauth.conf" > "$d/check" 2>&1
grep -qx "issuer https://login.microsoftonline.com/{tenantid}/v2.0 type=auto jwks=$d/jwks.json tenants=$tid,$t2 advertise=https://login.microsoftonline.com/organizations/v2.0" "$d/check"
ok $? "entra-v2: check-config prints the template, its tenants and advertise="
