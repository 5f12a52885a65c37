// What a client sees for replication's answer: the state machine's reply, or the Redis error
// line for a failure, chosen by the status code (replication/errors.h lists the codes).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "protocol/reply.h"

namespace seshat::server {

// "CLUSTERDOWN The cluster is down: ...", "TRYAGAIN ..." or "ERR ...", without the '-'.
std::string error_line(const absl::Status& status);

// The reply for an outcome.
protocol::Reply reply_of(absl::StatusOr<protocol::Reply> outcome);

}  // namespace seshat::server
