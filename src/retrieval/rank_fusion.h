// Reciprocal rank fusion (Cormack, Clarke & Buettcher 2009): merges ranked
// lists whose scores are not comparable (BM25 vs cosine) by rank alone.
// An id at 1-based rank r in list i adds weight_i / (k + r) to its score;
// k = 60 is the paper's value and damps the influence of the very top ranks.
//
// Thread-safety: pure function.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace ohlcv {

struct RankFusionOptions {
  // The constant in 1 / (k + rank). Default 60. REQUIRES: k >= 0.
  double k = 60.0;
  // Weight per input list; empty = 1 for every list. REQUIRES: empty or one
  // weight per list.
  std::vector<double> weights;
};

struct FusedRank {
  std::string id;
  double score = 0;        // sum over lists of weight / (k + rank)
  std::vector<int> ranks;  // 1-based rank in each input list, 0 = absent
};

// Fuses `lists` (each best first; a repeated id counts at its best rank).
// Result is sorted by score descending; ties go to the better best rank, then
// to the smaller id, so the output is deterministic.
std::vector<FusedRank> ReciprocalRankFusion(std::span<const std::vector<std::string>> lists,
                                            const RankFusionOptions& options = {});

}  // namespace ohlcv
