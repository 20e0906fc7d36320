-- wrk script: searches of one or two words from a list, counting answers
-- by status. Arguments after `--`: MODE (rotate: the same N queries in
-- turn, as a few readers repeating searches; unique: a fresh pair each
-- time, so no page can come from the cache) then the words.
local words = {}
local mode = "rotate"
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  for i = 2, #args do
    table.insert(words, args[i])
  end
  ok, busy, other = 0, 0, 0
  counter = math.random(#words)
  math.randomseed(os.time() + counter)
end

function request()
  counter = counter + 1
  local q
  if mode == "unique" then
    q = words[math.random(#words)] .. "+" .. words[math.random(#words)]
  else
    local i = counter % #words + 1
    if i % 2 == 0 then
      q = words[i]
    else
      q = words[i] .. "+" .. words[(i * 7) % #words + 1]
    end
  end
  return wrk.format("GET", "/search?q=" .. q)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 503 then
    busy = busy + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { ok = 0, busy = 0, other = 0 }
  for _, thread in ipairs(threads) do
    t.ok = t.ok + thread:get("ok")
    t.busy = t.busy + thread:get("busy")
    t.other = t.other + thread:get("other")
  end
  io.write(string.format("statuses: 200=%d 503=%d other=%d\n", t.ok, t.busy, t.other))
end
