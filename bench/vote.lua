-- Vote burst on one hot project: every vote must be counted exactly once.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
local tokens, path, body
function init(args)
  c.seed()
  tokens = c.lines("tokens.txt")
  path = "/api/v1/contests/" .. c.read("contest.txt") .. "/votes"
  body = '{"project_id":' .. c.read("hot_project.txt") .. '}'
end
function request()
  return wrk.format("POST", path, {Authorization = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json"}, body)
end
