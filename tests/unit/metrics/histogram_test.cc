// The latency histogram: which bucket an observation lands in, and the text Prometheus reads.
#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace seshat::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(Histogram, ObservationsLandInTheFirstBucketThatHoldsThem) {
  Histogram h;
  h.observe_us(50);          // exactly 50 µs: the first bucket (le is inclusive)
  h.observe_us(51);          // just above: the second
  h.observe_us(2'000);       // 2 ms: le 0.0025
  h.observe_us(60'000'000);  // a minute: +Inf
  const auto s = h.snapshot();
  EXPECT_EQ(s.buckets[0], 1u);
  EXPECT_EQ(s.buckets[1], 1u);
  EXPECT_EQ(s.buckets[5], 1u);
  EXPECT_EQ(s.buckets.back(), 1u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.sum_us, 50u + 51u + 2'000u + 60'000'000u);
  h.reset();
  EXPECT_EQ(h.snapshot().count, 0u);
}

TEST(Histogram, TextIsCumulativeWithSumAndCount) {
  Histogram writes, reads;
  writes.observe_us(100);
  writes.observe_us(3'000);
  reads.observe_us(40);
  const std::string out =
      histogram_text("seshat_command_duration_seconds", "How long.",
                     {{"kind=\"write\"", writes.snapshot()}, {"kind=\"read\"", reads.snapshot()}});
  EXPECT_TRUE(has_line(out, "# TYPE seshat_command_duration_seconds histogram"));
  EXPECT_TRUE(
      has_line(out, "seshat_command_duration_seconds_bucket{kind=\"write\",le=\"0.00005\"} 0"));
  EXPECT_TRUE(
      has_line(out, "seshat_command_duration_seconds_bucket{kind=\"write\",le=\"0.0001\"} 1"));
  EXPECT_TRUE(
      has_line(out, "seshat_command_duration_seconds_bucket{kind=\"write\",le=\"0.005\"} 2"));
  EXPECT_TRUE(
      has_line(out, "seshat_command_duration_seconds_bucket{kind=\"write\",le=\"+Inf\"} 2"));
  EXPECT_TRUE(has_line(out, "seshat_command_duration_seconds_sum{kind=\"write\"} 0.0031"));
  EXPECT_TRUE(has_line(out, "seshat_command_duration_seconds_count{kind=\"write\"} 2"));
  EXPECT_TRUE(
      has_line(out, "seshat_command_duration_seconds_bucket{kind=\"read\",le=\"0.00005\"} 1"));
  const std::string plain = histogram_text("x_seconds", "h", {{"", reads.snapshot()}});
  EXPECT_TRUE(has_line(plain, "x_seconds_bucket{le=\"+Inf\"} 1"));
  EXPECT_TRUE(has_line(plain, "x_seconds_count 1"));
}

TEST(Histogram, ThreadsRecordWithoutLosingObservations) {
  Histogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10'000; ++i) h.observe_us(static_cast<uint64_t>(i % 5'000));
    });
  }
  for (auto& t : threads) t.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.count, 40'000u);
  uint64_t total = 0;
  for (uint64_t b : s.buckets) total += b;
  EXPECT_EQ(total, 40'000u);
}

}  // namespace
}  // namespace seshat::metrics
