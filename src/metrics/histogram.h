// A latency histogram for Prometheus: fixed buckets, recorded into from any thread without a
// lock (one relaxed atomic add per bucket, sum and count), read as a snapshot at scrape time.
#pragma once

#include <array>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seshat::metrics {

class Histogram {
 public:
  // Upper bounds of the buckets in microseconds (Prometheus's "le", in seconds, is these over a
  // million), from 50 µs (a write to the page cache, an fsync on a fast disk) to 10 s (the
  // longest a command may wait); +Inf is implied.
  static constexpr std::array<uint64_t, 17> kBoundsUs = {
      50,     100,     250,     500,     1'000,     2'500,     5'000,     10'000,    25'000,
      50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};

  struct Snapshot {
    std::array<uint64_t, kBoundsUs.size() + 1> buckets{};  // per bucket, not cumulative; last: +Inf
    uint64_t count = 0;
    uint64_t sum_us = 0;
  };

  void observe_us(uint64_t usec) {
    size_t i = 0;
    while (i < kBoundsUs.size() && usec > kBoundsUs[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(usec, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
  }

  Snapshot snapshot() const {
    Snapshot s;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    s.sum_us = sum_us_.load(std::memory_order_relaxed);
    s.count = count_.load(std::memory_order_relaxed);
    return s;
  }

  void reset() {
    for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
    sum_us_.store(0, std::memory_order_relaxed);
    count_.store(0, std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<uint64_t>, kBoundsUs.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_us_{0};
  std::atomic<uint64_t> count_{0};
};

// A sample value as the text format writes it: the shortest form that reads back exactly
// (`fixed` for bucket bounds: "0.0001", not "1e-04", as Prometheus's own clients write them).
std::string format_value(double value, std::chars_format how = std::chars_format::general);

// One histogram family in Prometheus's text format: HELP and TYPE, then for each series (its
// labels, e.g. `kind="write"`, or empty) the cumulative `_bucket{le=...}` lines, `_sum` in
// seconds and `_count`. A snapshot taken while threads record may be off by the observations
// in flight; each line is still a count that only grows.
std::string histogram_text(std::string_view name, std::string_view help,
                           const std::vector<std::pair<std::string, Histogram::Snapshot>>& series);

}  // namespace seshat::metrics
