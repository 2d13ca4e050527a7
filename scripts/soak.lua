-- soak.lua: wrk script for scripts/soak (see there for the whole method).
--
--   wrk -tT -cC -dD -s scripts/soak.lua URL -- TOKDIR QUOTA DRAIN D T
--
-- TOKDIR  holds valid.txt, expired.txt, badsig.txt and unknownkid.txt, one
--         token a line.
-- QUOTA   typed requests to send in this run, over all threads.
-- DRAIN   seconds before the end of the run after which only "drain"
--         requests are sent (scripts/soak uses wrk's --timeout).
-- D, T    the run's duration and wrk's thread count, as given to wrk.
--
-- Each thread sends the seven traffic types round-robin, each on its own
-- path, until its share of QUOTA is sent or the drain window begins; from
-- then on it sends only GET /.well-known/oauth-protected-resource/mcp
-- (the resource metadata: 200 with a JSON body that has no "path"), one
-- every 50 ms per connection.  So
-- when wrk stops, the requests still in flight are drain requests, and
-- every typed request sent has had its response: the per-type counts are
-- exact, with no in-flight allowance.
--
-- response() sorts each response into a class, from what the response
-- itself shows:
--   200 + the echo app's body  -> "200 <path>": the path the request was
--                                 sent to, i.e. its type, exactly
--   401 + WWW-Authenticate     -> "401 no-token" (challenge without error=),
--                                 "401 expired", "401 bad-signature",
--                                 "401 unknown-kid" (the challenge names the
--                                 token's own random kid "rnd-..."), or
--                                 "401 other: <description>"
--   403 with insufficient_scope -> "403 insufficient-scope"
--   400                         -> "400" (nginx: header too large)
--   metadata 200                -> "drain" (not counted)
--   anything else               -> its status
-- done() prints, for the whole run, one line per type and per class:
--   SOAK type NAME SENT EXPECTED_CLASS
--   SOAK class COUNT NAME
--   SOAK drain N
--   SOAK errors CONNECT READ WRITE TIMEOUT

local types = {
	{ name = "valid",      path = "/mcp/valid",      file = "valid.txt",
	  expect = "200 /mcp/valid" },
	{ name = "expired",    path = "/mcp/expired",    file = "expired.txt",
	  expect = "401 expired" },
	{ name = "badsig",     path = "/mcp/badsig",     file = "badsig.txt",
	  expect = "401 bad-signature" },
	{ name = "notoken",    path = "/mcp/notoken",
	  expect = "401 no-token" },
	{ name = "scope",      path = "/admin/scope",    file = "valid.txt",
	  expect = "403 insufficient-scope" },
	{ name = "unknownkid", path = "/mcp/unknownkid", file = "unknownkid.txt",
	  expect = "401 unknown-kid" },
	{ name = "oversized",  path = "/mcp/oversized",
	  expect = "400" },
}
local ntypes = #types
local OVERSIZED = 20 * 1024 -- bytes of token; nginx's limit is 8k a line

-- Main state: one entry per thread, and thread ids.
local threads, nthreads = {}, 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("id", nthreads)
	threads[nthreads] = thread
end

-- Thread state.
local reqs = {}          -- reqs[t] = list of formatted requests of type t
local pos = {}           -- pos[t] = next index into reqs[t]
local drainreq
local turn = 0           -- last type sent
local quota, deadline    -- this thread's typed requests, drain time
sent = {}                -- sent[t] = typed requests written, type t
classes = {}             -- classes[name] = responses of that class
drained = 0
typed = 0
-- wrk calls request() once on its first thread before the run, to check
-- the request's format (script_verify_request); that one is never sent.
local verified

local function draining()
	return typed >= quota or os.time() >= deadline
end

local function lines(path)
	local out = {}
	for line in io.lines(path) do
		local tok = line:gsub("%s+$", "")
		if tok ~= "" then
			out[#out + 1] = tok
		end
	end
	if #out == 0 then
		error("no tokens in " .. path)
	end
	return out
end

function init(args)
	local dir = args[1]
	local total = tonumber(args[2])
	local drain = tonumber(args[3])
	local duration = tonumber(args[4])
	local n = tonumber(args[5])
	-- This thread's share of the quota: the first (total % n) threads
	-- take one more, so the shares add up to total exactly.
	quota = math.floor(total / n) + ((id <= total % n) and 1 or 0)
	-- os.time() has whole seconds: draining starts between DRAIN and
	-- DRAIN + 1 seconds before the end of the run.
	deadline = os.time() + duration - drain
	for t, ty in ipairs(types) do
		local r = {}
		if ty.file then
			for _, tok in ipairs(lines(dir .. "/" .. ty.file)) do
				r[#r + 1] = wrk.format("GET", ty.path,
				    { ["Authorization"] = "Bearer " .. tok })
			end
		elseif ty.name == "oversized" then
			r[1] = wrk.format("GET", ty.path, { ["Authorization"] =
			    "Bearer " .. string.rep("A", OVERSIZED) })
		else
			r[1] = wrk.format("GET", ty.path)
		end
		reqs[t] = r
		-- Threads start at evenly spread places in each list, so that
		-- together they go through it once in #r requests of the type.
		pos[t] = math.floor((id - 1) * #r / n) + 1
		sent[t] = 0
	end
	drainreq = wrk.format("GET", "/.well-known/oauth-protected-resource/mcp")
	verified = id ~= 1
end

-- Drain requests only keep the connections busy until wrk stops: one
-- every 50 ms per connection is plenty.
function delay()
	return draining() and 50 or 0
end

function request()
	if not verified then
		verified = true
		return drainreq
	end
	if draining() then
		return drainreq
	end
	typed = typed + 1
	turn = turn % ntypes + 1
	sent[turn] = sent[turn] + 1
	local r, p = reqs[turn], pos[turn]
	pos[turn] = p % #r + 1
	return r[p]
end

local function challenge(headers)
	local w = headers["WWW-Authenticate"]
	if w then
		return w
	end
	for k, v in pairs(headers) do
		if k:lower() == "www-authenticate" then
			return v
		end
	end
	return nil
end

local function classify(status, headers, body)
	if status == 200 then
		local p = body:match('"path": "([^"]*)"')
		if p then
			return "200 " .. p
		end
		if body:find('"resource"', 1, true) then
			return "drain"
		end
		return "200 unknown body"
	end
	if status == 401 or status == 403 then
		local w = challenge(headers)
		if w == nil then
			return status .. " no challenge"
		end
		if status == 403 then
			return w:find('error="insufficient_scope"', 1, true) and
			    "403 insufficient-scope" or "403 other: " .. w:sub(1, 80)
		end
		if not w:find("error=", 1, true) then
			return "401 no-token"
		end
		if w:find('no key with kid \\?"rnd%-') then
			return "401 unknown-kid"
		end
		if w:find('error="invalid_token"', 1, true) then
			if w:find("token expired", 1, true) then
				return "401 expired"
			end
			if w:find("signature verification failed", 1, true) then
				return "401 bad-signature"
			end
		end
		local d = w:match('error_description="([^"]*)') or w
		return "401 other: " .. d:sub(1, 60)
	end
	return tostring(status)
end

function response(status, headers, body)
	local c = classify(status, headers, body)
	if c == "drain" then
		drained = drained + 1
	else
		classes[c] = (classes[c] or 0) + 1
	end
end

function done(summary, latency, requests)
	local tsent, tclass, tdrain = {}, {}, 0
	for t = 1, ntypes do
		tsent[t] = 0
	end
	for _, thread in ipairs(threads) do
		local s, c = thread:get("sent"), thread:get("classes")
		for t = 1, ntypes do
			tsent[t] = tsent[t] + (s[t] or 0)
		end
		for k, v in pairs(c) do
			tclass[k] = (tclass[k] or 0) + v
		end
		tdrain = tdrain + thread:get("drained")
	end
	for t, ty in ipairs(types) do
		io.write(string.format("SOAK type %s %d %s\n", ty.name, tsent[t],
		    ty.expect))
	end
	for k, v in pairs(tclass) do
		io.write(string.format("SOAK class %d %s\n", v, k))
	end
	io.write(string.format("SOAK drain %d\n", tdrain))
	local e = summary.errors
	io.write(string.format("SOAK errors %d %d %d %d\n", e.connect, e.read,
	    e.write, e.timeout))
	io.write(string.format("SOAK latency %d %d %d\n",
	    latency:percentile(50), latency:percentile(99), latency.max))
end
