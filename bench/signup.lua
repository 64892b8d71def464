-- Sign-up burst on one activity: many users at once; capacity must hold.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
local tokens, path
function init(args) c.seed(); tokens = c.lines("tokens.txt"); path = "/api/v1/activities/" .. c.read("signup_activity.txt") .. "/signups" end
function request()
  return wrk.format("POST", path, {Authorization = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json"}, "{}")
end
