-- wrk script: POST /api/v1/query with a rotating set of typical questions.
local questions = {
  "How did AAPL perform in 2019?",
  "When did MSFT break above its 20-day high?",
  "Which tech stocks had RSI above 70 in March 2020?",
  "Compare AMZN and GOOGL in 2018",
  "What happens after a golden cross for JPM?",
  "Show me volume spikes for XOM in 2016",
  "Was NVDA overbought in late 2017?",
  "Biggest drawdown of BA in 2020",
}
local key = os.getenv("API_KEY") or ""
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if key ~= "" then wrk.headers["X-API-Key"] = key end

request = function()
  i = i % #questions + 1
  local body = string.format('{"question": "%s", "n_results": 5}', questions[i])
  return wrk.format(nil, nil, nil, body)
end
