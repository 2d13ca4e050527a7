# Logto: ES384 (Logto's default signing key is P-384), header typ at+jwt
# and kid; aud the API resource indicator, scope a string, client_id; a
# machine-to-machine token has sub = client_id.
d=$(provider_dir logto)
provider_keys "$d" p384 pLk6nBkM0yVxj1zDq2rT3sU4vW5xY6zA7bC8dE9fG0h ES384
provider_config logto "$d"
h='{"alg":"ES384","typ":"at+jwt","kid":"pLk6nBkM0yVxj1zDq2rT3sU4vW5xY6zA7bC8dE9fG0h"}'
iss=https://example.logto.app/oidc
user=$(mint "$d" ES384 "$h" "{\"jti\":\"p1o2i3u4y5t6r7e8w9q0\",\"sub\":\"u1a2b3c4d5e6\",\"iat\":$IAT,\"exp\":$EXP,\"scope\":\"read:tools write:tools\",\"client_id\":\"m7n8b9v0c1x2z3\",\"iss\":\"$iss\",\"aud\":\"https://mcp.example.com/mcp\"}")
accepts "logto: a user's token (ES384, at+jwt)" "$d" "$user" \
    "{\"subject\":\"u1a2b3c4d5e6\",\"client_id\":\"m7n8b9v0c1x2z3\",\"scopes\":[\"read:tools\",\"write:tools\"],\"issuer\":\"$iss\",\"audience\":\"https://mcp.example.com/mcp\",\"expires_at\":$EXP}"
m2m=$(mint "$d" ES384 "$h" "{\"jti\":\"x\",\"sub\":\"m2mclient01\",\"iat\":$IAT,\"exp\":$EXP,\"scope\":\"read:tools\",\"client_id\":\"m2mclient01\",\"iss\":\"$iss\",\"aud\":\"https://mcp.example.com/mcp\"}")
accepts "logto: a machine-to-machine token" "$d" "$m2m" \
    "{\"subject\":\"m2mclient01\",\"client_id\":\"m2mclient01\",\"scopes\":[\"read:tools\"],\"issuer\":\"$iss\",\"audience\":\"https://mcp.example.com/mcp\",\"expires_at\":$EXP}"
idtok=$(mint "$d" ES384 '{"alg":"ES384","typ":"JWT","kid":"pLk6nBkM0yVxj1zDq2rT3sU4vW5xY6zA7bC8dE9fG0h"}' "{\"sub\":\"u1\",\"iat\":$IAT,\"exp\":$EXP,\"scope\":\"read:tools\",\"iss\":\"$iss\",\"aud\":\"https://mcp.example.com/mcp\"}")
refuses "logto: a token without typ at+jwt" "$d" "$idtok" 1 \
    "invalid_token: typ is not at+jwt"
org=$(mint "$d" ES384 "$h" "{\"sub\":\"u1\",\"exp\":$EXP,\"scope\":\"read:tools\",\"client_id\":\"c\",\"iss\":\"$iss\",\"aud\":\"urn:logto:organization:org123\",\"organization_id\":\"org123\"}")
refuses "logto: an organization token" "$d" "$org" 1 \
    "invalid_token: aud does not contain https://mcp.example.com/mcp"
