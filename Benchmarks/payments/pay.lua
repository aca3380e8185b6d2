-- wrk script: each request starts a request to pay (POST /pay/{order}) for the next order of ORDERS_FILE (one payment
-- path a line, written by orders.py), with a fresh one-time key and one CSRF cookie and token pair (PAY_COOKIE:
-- "name=value" of the cookie, PAY_CSRF: the form's token) reused for every request. Each wrk thread takes its own share
-- of the orders (WRK_THREADS: wrk's -t) and stops when it has an answer for each of them. wrk divides by the whole
-- duration whatever happens, so the rate is measured here, from the first request to the last answer of an order, and
-- printed by done() as "intents: <answers> in <seconds> s, <rate>/s, <n> not 303".
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *t);
]]
local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, t) -- CLOCK_MONOTONIC: the same clock in every thread
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local threads = {}
local orders, sent, seen = {}, 0, {}
answered, not303, first, last = 0, 0, 0, 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local count, index = tonumber(os.getenv("WRK_THREADS") or "1"), 0
  for line in io.lines(os.getenv("ORDERS_FILE")) do
    if index % count == id then table.insert(orders, line) end
    index = index + 1
  end
  cookie, csrf = os.getenv("PAY_COOKIE"), os.getenv("PAY_CSRF")
  math.randomseed(os.time() + id * 7919)
  -- wrk calls request() once on the first thread before the run, to check it, and never sends that request
  checked = id ~= 0
end

request = function()
  if not checked then
    checked = true
    return wrk.format("POST", orders[1])
  end
  if first == 0 then first = now() end
  sent = sent + 1
  -- Past the last order (the other connections' last answers are awaited) the last one is asked again: that request
  -- lands on the request under way (the same Location) and is not counted.
  local path = orders[math.min(sent, #orders)]
  local key = string.format("wrk-%d-%d-%08x%08x", id, sent, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  local body = "operator=orange-money&phone=77+123+45+67&key=" .. key .. "&_csrf=" .. csrf
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)
end

response = function(status, headers, body)
  if answered >= #orders then return end
  if status == 303 then
    local location = headers["Location"] or headers["location"] or ""
    if seen[location] then return end -- the last order asked again
    seen[location] = true
  else
    not303 = not303 + 1
  end
  answered = answered + 1
  last = now()
  if answered >= #orders then wrk.thread:stop() end
end

done = function(summary, latency, requests)
  local total, bad, from, to = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("answered")
    bad = bad + thread:get("not303")
    local f, l = thread:get("first"), thread:get("last")
    if f > 0 and (from == nil or f < from) then from = f end
    if l > to then to = l end
  end
  local span = (from and to > from) and (to - from) or 0
  io.write(string.format("intents: %d in %.2f s, %.1f/s, %d not 303\n", total, span, span > 0 and total / span or 0, bad))
end
