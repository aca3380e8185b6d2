-- wrk script: tickets. TICKET_KIND=api: POST /api/v1/centres/{CENTRE}/tickets (JSON, its own Idempotency-Key);
-- TICKET_KIND=kiosk: the kiosk's form, POST /centres/{CENTRE}/kiosk/tickets, with one visitor CSRF cookie and token
-- pair (KIOSK_COOKIE "name=value", KIOSK_CSRF). Each request comes from its own visitor address (X-Forwarded-For,
-- honoured by a server with GUICHET_TRUST_PROXY=1, or by nginx's real-IP module), as many people at many kiosks would:
-- the per-address limits are then those of real visitors, not of one load generator.
-- SERVICE: one service id, or several separated by commas (each request takes one at random).
-- Every answer is written to OUT_DIR/tickets-<thread>.txt: "<status> <ticket code or -> <epoch seconds>".
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *t);
]]
-- Wall-clock seconds (CLOCK_REALTIME), for the answer files: Benchmarks/multiprocess/run tells answers before and after
-- a kill apart with them.
local function epoch()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(0, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  out = assert(io.open(os.getenv("OUT_DIR") .. "/tickets-" .. id .. ".txt", "w"))
  out:setvbuf("line")
  kind = os.getenv("TICKET_KIND") or "api"
  centre = os.getenv("CENTRE")
  services = {}
  for service in (os.getenv("SERVICE") or ""):gmatch("[^,]+") do table.insert(services, service) end
  prefix = os.getenv("KEY_PREFIX") or "wrk"
  cookie, csrf = os.getenv("KIOSK_COOKIE") or "", os.getenv("KIOSK_CSRF") or ""
  sent = 0
  math.randomseed(os.time() + id * 104729)
end

local function address()
  return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end

request = function()
  sent = sent + 1
  local service = services[math.random(1, #services)]
  if kind == "kiosk" then
    return wrk.format("POST", "/centres/" .. centre .. "/kiosk/tickets", {
      ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie, ["X-Forwarded-For"] = address(),
    }, "service=" .. service .. "&_csrf=" .. csrf)
  end
  local key = string.format("%s-t%d-%d-%08x", prefix, id, sent, math.random(0, 0x7fffffff))
  return wrk.format("POST", "/api/v1/centres/" .. centre .. "/tickets", {
    ["Content-Type"] = "application/json", ["Idempotency-Key"] = key, ["X-Forwarded-For"] = address(),
  }, '{"service":"' .. service .. '"}')
end

response = function(status, headers, body)
  local code
  if kind == "kiosk" then
    code = (headers["Location"] or headers["location"] or ""):match("/tickets/([^?/]+)")
  else
    code = body:match('"code"%s*:%s*"([^"]+)"')
  end
  out:write(status, " ", code or "-", string.format(" %.3f\n", epoch()))
end
