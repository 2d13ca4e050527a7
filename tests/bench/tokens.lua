-- tokens.lua: wrk script for bench_nginx.sh.
--
--   wrk ... -s tokens.lua URL -- TOKENFILE [PATH]
--
-- TOKENFILE holds one token a line; requests go round-robin through them,
-- each with "Authorization: Bearer <token>".  TOKENFILE "-" sends no
-- Authorization header at all.  PATH defaults to /mcp.  Every request is
-- formatted once in init(), so request() costs the same whatever the
-- workload.  done() prints one machine-readable line:
--   RESULT requests=N duration_us=N p50_us=N p99_us=N non2xx=N errors=N
local reqs = {}
local n, i = 0, 0

function init(args)
	local file = args[1] or "-"
	local path = args[2] or "/mcp"
	if file == "-" then
		reqs[1] = wrk.format("GET", path)
		n = 1
		return
	end
	for line in io.lines(file) do
		local tok = line:gsub("%s+$", "")
		if tok ~= "" then
			n = n + 1
			reqs[n] = wrk.format("GET", path,
			    { ["Authorization"] = "Bearer " .. tok })
		end
	end
	if n == 0 then
		error("no tokens in " .. file)
	end
end

function request()
	i = i + 1
	if i > n then
		i = 1
	end
	return reqs[i]
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
	    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d " ..
	    "non2xx=%d errors=%d\n",
	    summary.requests, summary.duration,
	    latency:percentile(50), latency:percentile(99),
	    e.status, e.connect + e.read + e.write + e.timeout))
end
