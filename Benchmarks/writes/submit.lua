-- wrk script: acknowledged submissions. Each request files and submits an application through the JSON API
-- (POST /api/v1/applications) with its own Idempotency-Key (KEY_PREFIX-thread-n-random) and the body in SUBMIT_BODY.
-- Every answer is written, one line each, to OUT_DIR/submit-<thread>.txt: "<status> <reference or -> <epoch seconds>", so that the
-- caller can check afterwards that every acknowledged (2xx) application is in the database exactly once.
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
  out = assert(io.open(os.getenv("OUT_DIR") .. "/submit-" .. id .. ".txt", "w"))
  out:setvbuf("line")
  prefix = os.getenv("KEY_PREFIX") or "wrk"
  body = os.getenv("SUBMIT_BODY")
  sent = 0
  math.randomseed(os.time() + id * 7919)
end

request = function()
  sent = sent + 1
  local key = string.format("%s-%d-%d-%08x", prefix, id, sent, math.random(0, 0x7fffffff))
  return wrk.format("POST", "/api/v1/applications", {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end

response = function(status, headers, body)
  out:write(status, " ", body:match('"reference"%s*:%s*"([^"]+)"') or "-", string.format(" %.3f\n", epoch()))
end
