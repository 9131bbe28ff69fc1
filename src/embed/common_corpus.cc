#include "embed/common_corpus.h"

namespace ohlcv {
namespace {

// Varied market sentences: news phrasing, technical analysis, and the
// window-summary style of windows/ (numbers are out of vocabulary and ignored).
constexpr std::string_view kSentences[] = {
    "the stock closed higher after a strong earnings report",
    "shares fell sharply in early trading on weak guidance",
    "the index gained for a third straight week",
    "prices dropped below the moving average on heavy volume",
    "the company beat analyst estimates and raised its outlook",
    "investors sold bank stocks as bond yields rose",
    "the shares rebounded from their lowest level in a year",
    "trading volume was well above average",
    "the market rallied as inflation eased",
    "energy stocks slumped with the price of oil",
    "the stock hit a record high before pulling back",
    "momentum indicators point to overbought conditions",
    "the share price traded sideways in a narrow range",
    "volatility increased ahead of the central bank decision",
    "the stock gapped down at the open and never recovered",
    "technology shares led the gains on the exchange",
    "the downtrend continued with lower highs and lower lows",
    "a breakout above resistance signalled a new uptrend",
    "the relative strength index fell into oversold territory",
    "the moving averages crossed as the trend turned",
    "quarterly revenue grew faster than expected",
    "the retailer warned that sales would decline",
    "the drug maker surged after regulators approved its treatment",
    "utility and real estate stocks lagged the broader market",
    "the company announced a share buyback and a higher dividend",
    "the stock lost a fifth of its value over the month",
    "the price recovered most of its losses by the close",
    "analysts downgraded the shares citing slowing growth",
    "the semiconductor maker rose on strong demand for chips",
    "a sharp selloff hit stocks across all sectors",
    "bollinger bands narrowed before the move",
    "the stock was little changed for the week",
    "heavy selling pushed the shares to a new low",
    "the airline fell as fuel costs climbed",
    "the insurer gained after profit rose",
    "prices swung between gains and losses during the session",
    "the shares have doubled since the start of the year",
    "the stock underperformed the index over the quarter",
    "the candle formed a hammer near support",
    "average true range widened as the price swung",
    "MSFT 2018-06-01 to 2018-07-13: +6.1% (98.84 to 104.87), uptrend; RSI 68.0",
    "XOM 2015-08-03 to 2015-09-14: -9.7% (83.11 to 75.05), downtrend; RSI 24.5 oversold",
    "JPM 2017-01-03 to 2017-02-14: +0.4% (86.50 to 86.84), sideways; low volatility",
    "KO 2016-05-02 to 2016-06-13: high 45.60 on 2016-05-20, low 43.10 on 2016-06-01",
    "NVDA 2018-10-01 to 2018-11-12: -28.3%, max drawdown -35.2%, relative volume 1.8",
    "golden cross on 2019-02-05 as the 50-day average crossed above the 200-day",
    "death cross on 2015-08-27, MACD below its signal line, ADX 31 strong trend",
    "bullish engulfing candle on 2016-02-12 after a gap down",
    "volume spike on 2020-03-16 at three times the average volume",
    "Bollinger squeeze ending in a breakout on 2017-07-10",
    "new 52-week high on 2019-12-27, stochastic above 80",
    "the stock broke below support and the selloff deepened",
    "the price consolidated for weeks before the rally",
    "dividend stocks held up while growth stocks dropped",
    "traders took profits after the strong run",
    "the company cut its forecast and the shares tumbled",
    "merger news lifted the shares in heavy trading",
    "the rebound faded as sellers returned",
    "bond yields fell and rate sensitive stocks rose",
    "the sector outperformed as commodity prices climbed",
};

}  // namespace

std::span<const std::string_view> CommonComponentCorpus() { return kSentences; }

}  // namespace ohlcv
