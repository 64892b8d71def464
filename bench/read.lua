-- Authenticated read of one activity: JWT + Redis session + user and roles + the activity.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
local tokens, ids
function init(args) c.seed(); tokens = c.lines("tokens.txt"); ids = c.lines("activities.txt") end
function request()
  return wrk.format("GET", "/api/v1/activities/" .. ids[math.random(#ids)],
    {Authorization = "Bearer " .. tokens[math.random(#tokens)]})
end
