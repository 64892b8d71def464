-- A page of the public activity list (20 items, joined with their organizations).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
function request() return wrk.format("GET", "/api/v1/activities?limit=20") end
