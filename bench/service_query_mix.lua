-- wrk script: POST /api/v1/query with questions drawn at random from ~41,000
-- distinct ones (75 tickers x 78 periods x 7 templates), so the answer cache (1,024
-- entries, LRU) hits only rarely and the answer engine itself is measured.
-- Each wrk thread seeds its own generator (wrk gives every thread its own Lua state).
local tickers = {
  "AAPL", "MSFT", "AMZN", "GOOGL", "JPM", "XOM", "BA", "NVDA", "JNJ", "WMT", "PG", "V", "MA", "HD", "DIS",
  "INTC", "CSCO", "KO", "PEP", "MRK", "PFE", "T", "VZ", "CVX", "UNH", "BAC", "WFC", "C", "GS", "MS",
  "ORCL", "IBM", "QCOM", "TXN", "AMGN", "GILD", "MCD", "NKE", "SBUX", "COST", "LOW", "TGT", "CAT", "DE",
  "MMM", "GE", "HON", "UPS", "FDX", "LMT", "RTN", "NOC", "GD", "F", "GM", "ADBE", "CRM", "NFLX", "PYPL",
  "AMD", "MU", "AVGO", "ABT", "TMO", "DHR", "MDT", "LLY", "BMY", "CVS", "CI", "ANTM", "HUM", "SPG", "AMT",
}
-- Periods: six years and their 72 months.
local periods = {}
local months = { "January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December" }
for y = 2015, 2020 do
  table.insert(periods, tostring(y))
  for _, m in ipairs(months) do table.insert(periods, m .. " " .. y) end
end
local templates = {
  'How did %s perform in %s?',
  'What was the return of %s in %s?',
  'When did %s break above its 20-day high in %s?',
  'Was %s overbought in %s?',
  'Biggest drawdown of %s in %s',
  'Show me volume spikes for %s in %s',
  'Did %s have a golden cross in %s?',
}
local key = os.getenv("API_KEY") or ""
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter * 7919)
end

init = function(args)
  math.randomseed(seed or os.time())
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if key ~= "" then wrk.headers["X-API-Key"] = key end

request = function()
  local q = string.format(templates[math.random(#templates)], tickers[math.random(#tickers)],
                          periods[math.random(#periods)])
  return wrk.format(nil, nil, nil, string.format('{"question": "%s", "n_results": 5}', q))
end
