-- wrk script (scripts/bench-switch.sh, scripts/demo.sh): counts the answers whose body holds
-- the text after wrk's `--` (default "broken": a broken release's answer names it) and prints
-- one line of totals when wrk stops.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) broken = 0; pattern = args[1] or "broken" end
function response(status, headers, body)
  if body ~= nil and string.find(body, pattern, 1, true) then broken = broken + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("broken") end
  local e = summary.errors
  io.write(string.format("requests=%d rate=%.0f/s failed=%d broken=%d (connect %d, read %d, write %d, timeout %d, non-2xx %d)\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write + e.timeout + e.status, b,
    e.connect, e.read, e.write, e.timeout, e.status))
end
