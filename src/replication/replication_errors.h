// The errors the replication layer answers with: retryable, in the words Redis Cluster clients
// know how to retry, carried as absl::Status (code Unavailable, message the whole Redis line).
#pragma once

#include "absl/status/status.h"

namespace seshat::replication::errors {

inline constexpr const char* kNoLeader = "CLUSTERDOWN The cluster is down: no leader is elected";
inline constexpr const char* kTimedOut =
    "TRYAGAIN the request was not committed within request_timeout_secs; it may still be applied";
inline constexpr const char* kNotLeader = "TRYAGAIN this node is no longer the leader; retry";
inline constexpr const char* kShuttingDown = "TRYAGAIN the node is shutting down";

inline absl::Status unavailable(const char* line) { return absl::UnavailableError(line); }

}  // namespace seshat::replication::errors
