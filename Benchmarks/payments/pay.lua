-- wrk script: each request starts a request to pay (POST /pay/{order}) for the next order of ORDERS_FILE (one payment
-- path a line, written by orders.py), with a fresh one-time key and one CSRF cookie and token pair (PAY_COOKIE: the
-- cookie "name=value", PAY_CSRF: the form's token) reused for all; each wrk thread takes its own share of the orders
-- and stops when it has used them up (wrk then divides by the shorter run time). A 303 is the expected answer.
local orders, position, stopped = {}, 0, false
unexpected = 0
local threads = {}

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
end

request = function()
  position = position + 1
  local path = orders[position]
  if path == nil then
    -- no order left: a request that is never sent (the thread stops at its next response)
    stopped = true
    path = orders[#orders]
  end
  local key = string.format("wrk-%d-%d-%08x%08x", id, position, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  local body = "operator=orange-money&phone=77+123+45+67&key=" .. key .. "&_csrf=" .. csrf
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)
end

response = function(status, headers, body)
  if status ~= 303 then unexpected = unexpected + 1 end
  if stopped then wrk.thread:stop() end
end

done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local n = thread:get("unexpected")
    if n and n > 0 then io.stderr:write(string.format("thread %d: %d answers other than 303\n", thread:get("id"), n)) end
  end
end
