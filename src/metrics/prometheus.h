// Prometheus's text exposition format (version 0.0.4) made from a node's INFO text, so that a
// scrape reports exactly the numbers INFO does: the same counters under Prometheus's names and
// types, and labels where INFO packs several values into one line (commandstats, keyspace,
// per-peer replication).
#pragma once

#include <string>
#include <string_view>

namespace seshat::metrics {

// The content type of what prometheus_text() returns.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// The metrics for one INFO text (INFO everything: "# Section" headers, "field:value" lines,
// "\r\n" or "\n" line ends). Fields it does not know are left out; a field whose value is not
// a number is left out too, never reported as zero.
std::string prometheus_text(std::string_view info);

}  // namespace seshat::metrics
