-- Real-looking traffic for wrk: many links, >1000 user agents, a random client IP per request
-- (X-Forwarded-For; the server trusts loopback), several referrers and languages.
local codes = {}
local agents = {}
local referrers = { "https://www.google.com/", "https://t.co/x1", "https://news.ycombinator.com/item?id=1",
  "https://www.reddit.com/r/programming/", "https://www.linkedin.com/feed/", "https://duckduckgo.com/", "" }
local languages = { "en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9", "es-ES,es;q=0.9",
  "ja-JP,ja;q=0.9", "pt-BR,pt;q=0.9", "zh-CN,zh;q=0.9", "" }

local function build_agents()
  local platforms = {
    "Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64",
    "Linux; Android 14; Pixel 8", "Linux; Android 13; SM-S911B", "iPad; CPU OS 17_4 like Mac OS X",
  }
  for _, platform in ipairs(platforms) do
    for major = 90, 139 do
      for build = 0, 3 do
        agents[#agents + 1] = string.format(
          "Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36", platform, major, 4000 + major, build)
      end
    end
  end
  for major = 100, 135 do
    agents[#agents + 1] = string.format("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", major, major)
    agents[#agents + 1] = string.format("Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E148 Safari/604.1", major % 6, major % 6)
  end
  agents[#agents + 1] = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
  agents[#agents + 1] = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  for line in io.lines(args[1]) do codes[#codes + 1] = line end
  build_agents()
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
