-- wrk script: call-next by agents, one agent per wrk thread (run it with -t N -c N: one connection per thread, so each
-- connection is one agent's browser). AGENTS_FILE has one line per agent: "<cookies>\t<csrf token>\t<counter id>"
-- (Benchmarks/writes/agents.py signs them in and opens their counters). An agent's cycle is what the console does:
-- call the next ticket (POST …/counters/{counter}/call, timed here), read the console (GET) for the called ticket's
-- no-show action, mark it a no-show (POST) so that the counter is free again.
-- Written to OUT_DIR/call-<thread>.txt: one line per call, "call <status> <ms> <called|empty|error> <epoch s>", and per
-- other request that did not answer as expected, "other <status> - - <epoch s>".
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *t);
]]
local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end
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
  local index = 0
  for line in io.lines(os.getenv("AGENTS_FILE")) do
    if index == id then cookie, csrf, counter = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$") end
    index = index + 1
  end
  assert(counter, "no agent for thread " .. id .. " in AGENTS_FILE")
  centre = os.getenv("CENTRE")
  console = "/admin/centres/" .. centre
  call = console .. "/counters/" .. counter .. "/call"
  pattern = 'action="(' .. (console .. "/counters/" .. counter .. "/tickets/"):gsub("%p", "%%%0") .. '[^"/]+/no%-show)"'
  out = assert(io.open(os.getenv("OUT_DIR") .. "/call-" .. id .. ".txt", "w"))
  out:setvbuf("full")
  state, started, noshow = "call", 0, nil
  -- wrk asks thread 0 for one request before the run, to check it, and never sends it: that one must not move the cycle.
  checked = id ~= 0
end

local function form(path)
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, "_csrf=" .. csrf)
end

request = function()
  if not checked then
    checked = true
    return wrk.format("GET", "/ping")
  end
  if state == "console" then return wrk.format("GET", console, {["Cookie"] = cookie}) end
  if state == "noshow" then return form(noshow) end
  started = now()
  return form(call)
end

response = function(status, headers, body)
  if state == "call" then
    local ms = (now() - started) * 1000
    local location = headers["Location"] or headers["location"] or ""
    if status == 303 and not location:find("empty=1", 1, true) then
      out:write(string.format("call %d %.3f called %.3f\n", status, ms, epoch()))
      state = "console"
    elseif status == 303 then
      out:write(string.format("call %d %.3f empty %.3f\n", status, ms, epoch()))
    else
      -- e.g. 409 counter_busy: read the console, which frees the counter if it holds a ticket.
      out:write(string.format("call %d %.3f error %.3f\n", status, ms, epoch()))
      state = "console"
    end
  elseif state == "console" then
    if status ~= 200 then out:write(string.format("other %d - - %.3f\n", status, epoch())) end
    noshow = body:match(pattern)
    state = noshow and "noshow" or "call"
  else
    if status ~= 303 then out:write(string.format("other %d - - %.3f\n", status, epoch())) end
    state = "call"
  end
  if state == "call" then out:flush() end
end
