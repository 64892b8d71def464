-- Check-in burst: registered volunteers scanning the current code at the venue.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
local tokens, body
function init(args)
  c.seed()
  tokens = c.lines("volunteer_tokens.txt")
  body = '{"token":"' .. c.read("checkin_code.txt") .. '","lat":30.6598,"lng":104.0633}'
end
function request()
  return wrk.format("POST", "/api/v1/checkins", {Authorization = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json"}, body)
end
