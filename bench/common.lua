-- Shared by every scenario: loads the seeded files, counts replies by status per thread,
-- and prints one JSON line ("BENCH {...}") with the figures bench/run reads.
local M = {}
local dir = os.getenv("BENCH_DIR")

function M.lines(name)
  local t = {}
  for l in io.lines(dir .. "/" .. name) do t[#t + 1] = l end
  return t
end

function M.read(name)
  local f = assert(io.open(dir .. "/" .. name))
  local s = f:read("*l")
  f:close()
  return s
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

counts = {}
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function M.seed()
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
end

function done(summary, latency, requests)
  local by = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do by[tostring(k)] = (by[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(by) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"socket_errors":%d,"non2xx":%d,"status":{%s}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, table.concat(parts, ",")))
end

return M
