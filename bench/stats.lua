-- The district dashboard: GET /api/v1/stats for the district seeded by bench/seed-district
-- (200 communities, 4,000 orgs, 100,000 activities, 1,000,000 check-ins), as an admin.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
local path, token
function init(args)
  c.seed()
  token = c.read("admin_token.txt")
  path = "/api/v1/stats?year=" .. c.read("stats_year.txt") .. "&district=" .. c.read("district.txt"):gsub(" ", "%%20")
end
function request() return wrk.format("GET", path, {Authorization = "Bearer " .. token}) end
