#include "service/http/metrics.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "promtool.h"

namespace ohlcv {
namespace {

using testing::HavePromtool;
using testing::Promtool;

TEST(MetricsTest, RendersCountersGaugesHistograms) {
  MetricsRegistry r;
  auto& requests = r.AddCounter("ohlcv_requests_total", "Requests.", {"method", "endpoint", "status"});
  requests.WithLabels({"GET", "/api/v1/tickers/{T}/bars", "200"}).Inc();
  requests.WithLabels({"GET", "/api/v1/tickers/{T}/bars", "200"}).Inc(2);
  requests.WithLabels({"POST", "quote\"back\\slash\nnl", "400"}).Inc();
  auto& g = r.AddGauge("ohlcv_windows_indexed", "Windows.");
  g.Get().Set(42.5);
  auto& h = r.AddHistogram("ohlcv_request_duration_seconds", "Duration.", {"endpoint"}, {0.1, 1});
  h.WithLabels({"/x"}).Observe(0.05);
  h.WithLabels({"/x"}).Observe(0.5);
  h.WithLabels({"/x"}).Observe(5);
  r.AddCallbackGauge("ohlcv_active_connections", "Connections.", [] { return 7.0; });
  std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE ohlcv_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("ohlcv_requests_total{method=\"GET\",endpoint=\"/api/v1/tickers/{T}/bars\",status=\"200\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("endpoint=\"quote\\\"back\\\\slash\\nnl\""), std::string::npos) << text;
  EXPECT_NE(text.find("ohlcv_windows_indexed 42.5\n"), std::string::npos);
  EXPECT_NE(text.find("ohlcv_request_duration_seconds_bucket{endpoint=\"/x\",le=\"0.1\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ohlcv_request_duration_seconds_bucket{endpoint=\"/x\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ohlcv_request_duration_seconds_bucket{endpoint=\"/x\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("ohlcv_request_duration_seconds_sum{endpoint=\"/x\"} 5.55\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ohlcv_request_duration_seconds_count{endpoint=\"/x\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("ohlcv_active_connections 7\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry r;
  auto& c = r.AddCounter("c_total", "C.", {"k"});
  auto& h = r.AddHistogram("h_seconds", "H.", {}, RequestDurationBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.WithLabels({i % 2 ? "a" : "b"}).Inc();
        h.Get().Observe(0.001 * (i % 7));
      }
    });
  }
  std::string during = r.Render();  // rendering concurrently is safe
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.WithLabels({"a"}).Value() + c.WithLabels({"b"}).Value(), 40000);
  EXPECT_EQ(h.Get().CumulativeCounts().back(), 40000u);
}

TEST(MetricsTest, ProcessMetricsArePresent) {
  std::string out;
  AppendProcessMetrics(&out);
  for (auto name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ",
                    "process_start_time_seconds ", "process_max_fds ", "process_virtual_memory_bytes "}) {
    EXPECT_NE(out.find(std::string("\n") + name), std::string::npos) << name << "\n" << out;
  }
  // Start time is a plausible epoch (after 2020).
  size_t pos = out.find("\nprocess_start_time_seconds ");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_GT(std::stod(out.substr(pos + 28)), 1.5e9);
}

TEST(MetricsTest, PromtoolAcceptsTheOutput) {
  if (!HavePromtool()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  MetricsRegistry r;
  r.AddCounter("ohlcv_requests_total", "Requests.", {"method", "endpoint", "status"})
      .WithLabels({"GET", "/health", "200"})
      .Inc();
  r.AddHistogram("ohlcv_request_duration_seconds", "Duration.", {"method", "endpoint"}, RequestDurationBuckets())
      .WithLabels({"GET", "/health"})
      .Observe(0.003);
  r.AddCollector(AppendProcessMetrics);
  std::string output;
  EXPECT_EQ(Promtool(r.Render(), &output), 0) << output;
  // And promtool does reject broken text, so the check means something.
  std::string bad_output;
  EXPECT_NE(Promtool("# TYPE x counter\nx{a=\"1\" 1\n", &bad_output), 0);
}

}  // namespace
}  // namespace ohlcv
