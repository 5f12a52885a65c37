// How replication says why it did not do something: an absl::Status whose code tells the kind
// of failure and whose message explains it in plain words. Replication never writes a Redis
// error line; the front end turns a status into one by its code (server/outcome.h):
//   kUnavailable                            no leader: CLUSTERDOWN The cluster is down: <message>
//   kAborted, kDeadlineExceeded, kCancelled retry:     TRYAGAIN <message>
//   anything else                           refused:   ERR <message>
// A write that failed with a retryable code was never acknowledged (it may still be applied).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace seshat::replication::errors {

inline absl::Status no_leader() { return absl::UnavailableError("no leader is elected"); }
inline absl::Status not_leader() {
  return absl::AbortedError("this node is no longer the leader; retry");
}
inline absl::Status timed_out() {
  return absl::DeadlineExceededError(
      "the request was not committed within request_timeout_secs; it may still be applied");
}
inline absl::Status shutting_down() { return absl::CancelledError("the node is shutting down"); }

// Membership changes (SESHAT MEMBER REMOVE).
inline absl::Status change_in_progress() {
  return absl::AbortedError("another membership change is in progress; retry");
}
inline absl::Status change_not_taken() {
  return absl::AbortedError("the leader could not take the change now; retry");
}
inline absl::Status change_timed_out() {
  return absl::DeadlineExceededError(
      "the membership change was not applied within request_timeout_secs; it may still be; "
      "check SESHAT MEMBERS");
}
inline absl::Status no_longer_member() {
  return absl::FailedPreconditionError("this node is no longer a member of the cluster");
}
inline absl::Status not_a_member(uint64_t id) {
  return absl::NotFoundError("node " + std::to_string(id) + " is not a member of the cluster");
}
inline absl::Status last_voter(uint64_t id) {
  return absl::FailedPreconditionError(
      "node " + std::to_string(id) + " is the only voter: a cluster cannot remove its last voter");
}

}  // namespace seshat::replication::errors
