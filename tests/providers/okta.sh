# Okta (custom authorization server): RS256, header kid only (no typ);
# ver 1, jti AT...., aud api://default, the client in cid, the user's id
# in uid, scp an array; a client-credentials token has sub = cid, no uid.
d=$(provider_dir okta)
provider_keys "$d" rsa2048 Hh3hJ1tHnQ0aS1ZpEj7Ez9TvVZkQd0mN8gT6wT2lR4E RS256
provider_config okta "$d"
h='{"kid":"Hh3hJ1tHnQ0aS1ZpEj7Ez9TvVZkQd0mN8gT6wT2lR4E","alg":"RS256"}'
iss=https://example.okta.com/oauth2/default
user=$(mint "$d" RS256 "$h" "{\"ver\":1,\"jti\":\"AT.8s0oBvP1dNqH7X2kY4cL5mZ6rT3uW9eQ1aS2dF3gH4j\",\"iss\":\"$iss\",\"aud\":\"api://default\",\"iat\":$IAT,\"exp\":$EXP,\"cid\":\"0oa1b2c3d4e5f6g7h8i9\",\"uid\":\"00u1a2b3c4d5e6f7g8h9\",\"scp\":[\"openid\",\"mcp:tools\"],\"auth_time\":$IAT,\"sub\":\"alice@example.com\"}")
accepts "okta: a user's token, scp array, client from cid" "$d" "$user" \
    "{\"subject\":\"alice@example.com\",\"client_id\":\"0oa1b2c3d4e5f6g7h8i9\",\"scopes\":[\"openid\",\"mcp:tools\"],\"issuer\":\"$iss\",\"audience\":\"api://default\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Okta-User-Id\":\"00u1a2b3c4d5e6f7g8h9\"}}"
svc=$(mint "$d" RS256 "$h" "{\"ver\":1,\"jti\":\"AT.x\",\"iss\":\"$iss\",\"aud\":\"api://default\",\"iat\":$IAT,\"exp\":$EXP,\"cid\":\"0oa9z8y7x6w5v4u3t2s1\",\"scp\":[\"mcp:tools\"],\"sub\":\"0oa9z8y7x6w5v4u3t2s1\"}")
accepts "okta: a client-credentials token" "$d" "$svc" \
    "{\"subject\":\"0oa9z8y7x6w5v4u3t2s1\",\"client_id\":\"0oa9z8y7x6w5v4u3t2s1\",\"scopes\":[\"mcp:tools\"],\"issuer\":\"$iss\",\"audience\":\"api://default\",\"expires_at\":$EXP,\"headers\":{\"X-Auth-Okta-User-Id\":\"\"}}"
org=$(mint "$d" RS256 "$h" "{\"ver\":1,\"iss\":\"https://example.okta.com\",\"aud\":\"https://example.okta.com\",\"exp\":$EXP,\"cid\":\"0oa1\",\"scp\":[\"mcp:tools\"],\"sub\":\"alice@example.com\"}")
refuses "okta: a token of the org authorization server" "$d" "$org" 1 \
    "invalid_token: issuer \"https://example.okta.com\" is not trusted"
