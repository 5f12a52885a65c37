#include "metrics/histogram.h"

#include <charconv>

namespace seshat::metrics {

std::string format_value(double value, std::chars_format how) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value, how);
  return ec == std::errc() ? std::string(buf, ptr) : "NaN";
}

std::string histogram_text(std::string_view name, std::string_view help,
                           const std::vector<std::pair<std::string, Histogram::Snapshot>>& series) {
  const std::string family(name);
  std::string out = "# HELP " + family + " " + std::string(help) + "\n";
  out += "# TYPE " + family + " histogram\n";
  for (const auto& [labels, s] : series) {
    const std::string prefix = labels.empty() ? "" : labels + ",";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < s.buckets.size(); ++i) {
      cumulative += s.buckets[i];
      const std::string le = i < Histogram::kBoundsUs.size()
                                 ? format_value(static_cast<double>(Histogram::kBoundsUs[i]) / 1e6,
                                                std::chars_format::fixed)
                                 : "+Inf";
      out +=
          family + "_bucket{" + prefix + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out +=
        family + "_sum" + braces + " " + format_value(static_cast<double>(s.sum_us) / 1e6) + "\n";
    // The count is the +Inf bucket, so that the two always agree within one scrape.
    out += family + "_count" + braces + " " + std::to_string(cumulative) + "\n";
  }
  return out;
}

}  // namespace seshat::metrics
