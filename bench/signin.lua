-- Sign-in through the fake WeChat server: a new or returning resident each time.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
function init(args) c.seed() end
function request()
  return wrk.format("POST", "/api/v1/auth/wx-login", {["Content-Type"] = "application/json"},
    '{"code":"test:bench-signin-' .. math.random(20000) .. '"}')
end
