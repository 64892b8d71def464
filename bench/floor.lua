-- The floor: nginx -> FastCGI "hello" (bench/hello.c), nothing else.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local c = require "common"
function request() return wrk.format("GET", "/bench/hello") end
