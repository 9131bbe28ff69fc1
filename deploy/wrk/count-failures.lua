-- wrk script for the rollout tests (scripts/rollout-rehearsal.sh,
-- scripts/deploy-proof.sh): a mix of queries and reads through the load
-- balancer; each thread counts non-2xx replies and the wall-clock time (ms)
-- of its first and last one, and done() prints one line
--   RESULT requests=N ok=N non2xx=N connect=N read=N write=N timeout=N
--          first_bad_ms=T last_bad_ms=T rps=R p50_ms=X p99_ms=X max_ms=X codes=502x2,...
-- (socket errors are wrk's own counts; they never reach response()).
--
--   wrk -t2 -c8 -d60s -s deploy/wrk/count-failures.lua URL -- API_KEY TICKER1,TICKER2
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } rehearsal_timespec;
int clock_gettime(int clock_id, rehearsal_timespec *tp);
]]
local ts = ffi.new("rehearsal_timespec")
local function now_ms()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1000000)
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  ok, bad, first_bad, last_bad, codes = 0, 0, 0, 0, {}
  local key, tickers = args[1], {}
  for t in string.gmatch(args[2], "[^,]+") do table.insert(tickers, t) end
  local h = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
  local questions = { "When did %s show a breakout?", "What patterns did %s show in 2019?",
                      "How volatile was %s in 2018?" }
  reqs = {}
  for _, t in ipairs(tickers) do
    for _, q in ipairs(questions) do
      table.insert(reqs, wrk.format("POST", "/api/v1/query", h,
        string.format('{"question": "' .. q .. '"}', t)))
    end
    table.insert(reqs, wrk.format("GET", "/api/v1/tickers/" .. t .. "/bars?limit=20", h))
  end
  table.insert(reqs, wrk.format("GET", "/api/v1/tickers", h))
  table.insert(reqs, wrk.format("GET", "/api/v1/status", h))
  n = math.random(#reqs)
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
    codes[status] = (codes[status] or 0) + 1
    local t = now_ms()
    if first_bad == 0 then first_bad = t end
    last_bad = t
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, first, last, all = 0, 0, 0, 0, {}
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
    local f, l = t:get("first_bad"), t:get("last_bad")
    if f > 0 and (first == 0 or f < first) then first = f end
    if l > last then last = l end
    for code, c in pairs(t:get("codes")) do all[code] = (all[code] or 0) + c end
  end
  local list = {}
  for code, c in pairs(all) do table.insert(list, code .. "x" .. c) end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d ok=%d non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "first_bad_ms=%d last_bad_ms=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f codes=%s\n",
    summary.requests, total_ok, total_bad, e.connect, e.read, e.write, e.timeout, first, last,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    #list > 0 and table.concat(list, ",") or "-"))
end
