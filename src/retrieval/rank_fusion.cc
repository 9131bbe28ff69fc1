#include "retrieval/rank_fusion.h"

#include <algorithm>
#include <climits>
#include <unordered_map>

namespace ohlcv {

std::vector<FusedRank> ReciprocalRankFusion(std::span<const std::vector<std::string>> lists,
                                            const RankFusionOptions& options) {
  std::vector<FusedRank> out;
  std::unordered_map<std::string, size_t> slot;  // id -> index in out
  for (size_t li = 0; li < lists.size(); ++li) {
    const double weight = li < options.weights.size() ? options.weights[li] : 1.0;
    const auto& list = lists[li];
    for (size_t pos = 0; pos < list.size(); ++pos) {
      auto [it, inserted] = slot.try_emplace(list[pos], out.size());
      if (inserted) {
        out.push_back(FusedRank{list[pos], 0, std::vector<int>(lists.size(), 0)});
      }
      FusedRank& f = out[it->second];
      if (f.ranks[li] != 0) continue;  // a repeat counts once, at its best rank
      const int rank = static_cast<int>(pos) + 1;
      f.ranks[li] = rank;
      f.score += weight / (options.k + rank);
    }
  }
  auto best_rank = [](const FusedRank& f) {
    int best = INT_MAX;
    for (int r : f.ranks) {
      if (r > 0) best = std::min(best, r);
    }
    return best;
  };
  std::sort(out.begin(), out.end(), [&](const FusedRank& a, const FusedRank& b) {
    if (a.score != b.score) return a.score > b.score;
    const int ra = best_rank(a), rb = best_rank(b);
    if (ra != rb) return ra < rb;
    return a.id < b.id;
  });
  return out;
}

}  // namespace ohlcv
