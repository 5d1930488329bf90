-- Real-looking traffic for wrk: many links, >1000 user agents, a random client IP per request
-- (X-Forwarded-For; the server trusts loopback), several referrers and languages.
-- Arguments: the files bench/lib/traffic.ts writes (codes, agents, referrers, languages), a value a line;
-- an empty referrer or language sends no such header.
local codes, agents, referrers, languages = {}, {}, {}, {}

local function read_lines(path, into)
  for line in io.lines(path) do into[#into + 1] = line end
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  read_lines(args[1], codes)
  read_lines(args[2], agents)
  read_lines(args[3], referrers)
  read_lines(args[4], languages)
end

function request()
  local headers = {
    ["User-Agent"] = agents[math.random(#agents)],
    ["X-Forwarded-For"] = string.format("%d.%d.%d.%d", math.random(1, 223), math.random(0, 255), math.random(0, 255), math.random(1, 254)),
  }
  local referrer = referrers[math.random(#referrers)]
  if referrer ~= "" then headers["Referer"] = referrer end
  local language = languages[math.random(#languages)]
  if language ~= "" then headers["Accept-Language"] = language end
  return wrk.format("GET", "/" .. codes[math.random(#codes)], headers)
end
