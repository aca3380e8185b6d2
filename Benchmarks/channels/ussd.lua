-- wrk script: each request is one USSD hop of a new session (the language screen, then the home menu in French),
-- as the aggregator posts it, with the callback secret in the URL.
counter = 0
request = function()
  counter = counter + 1
  local session = string.format("bench-%d-%d", math.random(1, 1000000000), counter)
  local text = (counter % 2 == 0) and "1" or ""
  local body = "sessionId=" .. session .. "&serviceCode=%2A221%23&phoneNumber=%2B221770001122&networkCode=60801&text=" .. text
  return wrk.format("POST", "/channels/ussd?secret=bench-secret", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
