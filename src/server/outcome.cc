#include "server/outcome.h"

#include <utility>

namespace seshat::server {

std::string error_line(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      // Redis Cluster's words: clients refresh their view of the cluster and retry.
      return "CLUSTERDOWN The cluster is down: " + message;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled: return "TRYAGAIN " + message;
    default: return "ERR " + message;
  }
}

protocol::Reply reply_of(absl::StatusOr<protocol::Reply> outcome) {
  if (outcome.ok()) return std::move(*outcome);
  return protocol::Reply::Error(error_line(outcome.status()));
}

}  // namespace seshat::server
