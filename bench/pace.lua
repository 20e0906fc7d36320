-- wrk script: each connection waits `delay` ms between requests, so the
-- total rate is about connections * 1000 / delay. Set with `-- DELAY_MS`.
local wait = 10

function init(args)
  wait = tonumber(args[1]) or wait
end

function delay()
  return wait
end
