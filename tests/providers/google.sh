# Google: access tokens are opaque (ya29....) and Google has no RFC 7662
# introspection endpoint; the README's configuration refuses them, as it
# refuses a Google ID token (a JWT for the OAuth client, not an access
# token for the resource).
d=$(provider_dir google)
provider_keys "$d" rsa2048 0e345fd7e4a97271dffa991f5a893cd16b8e0827 RS256
provider_config google "$d"
refuses "google: an opaque access token" "$d" \
    "ya29.a0AfB_byC1x2y3z4-EXAMPLE_only_not_a_real_token0123456789abcdef" 1 \
    "invalid_token: token has 2 segments, a JWS has 3"
idtok=$(mint "$d" RS256 '{"alg":"RS256","kid":"0e345fd7e4a97271dffa991f5a893cd16b8e0827","typ":"JWT"}' "{\"iss\":\"https://accounts.google.com\",\"azp\":\"1234567890-abc.apps.googleusercontent.com\",\"aud\":\"1234567890-abc.apps.googleusercontent.com\",\"sub\":\"110169484474386276334\",\"email\":\"alice@gmail.com\",\"email_verified\":true,\"iat\":$IAT,\"exp\":$EXP}")
refuses "google: an ID token is not for the resource" "$d" "$idtok" 1 \
    "invalid_token: aud does not contain https://mcp.example.com/mcp"
