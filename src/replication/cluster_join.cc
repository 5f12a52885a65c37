#include "replication/cluster_join.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "transport/grpc_transport.h"

namespace seshat::replication {

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(200);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);

// Sleeps for `d` unless SIGINT/SIGTERM arrives first (then true). Both are blocked in every
// thread, so waiting for them here is how a joining node stays stoppable.
bool wait_or_signal(std::chrono::milliseconds d) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  timespec ts{static_cast<time_t>(d.count() / 1000),
              static_cast<long>((d.count() % 1000) * 1000000)};
  for (;;) {
    int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM) return true;
    if (sig < 0 && errno == EINTR) continue;
    return false;  // timed out
  }
}

}  // namespace

JoinedCluster joined_cluster_of(const transport::JoinReply& reply) {
  JoinedCluster out;
  out.cluster_id = reply.cluster_id;
  for (const auto& m : reply.members) {
    out.book[m.id] = storage::MemberAddress{m.id, m.internal_addr, m.client_addr};
    (m.learner ? out.conf.learners : out.conf.voters).push_back(m.id);
  }
  std::sort(out.conf.voters.begin(), out.conf.voters.end());
  std::sort(out.conf.learners.begin(), out.conf.learners.end());
  return out;
}

absl::StatusOr<JoinedCluster> join_cluster(const JoinSettings& self) {
  transport::JoinRequest request;
  request.node_id = self.node_id;
  request.internal_addr = self.internal_addr;
  request.client_addr = self.client_addr;
  // The leader answers once the change is committed, within its request timeout.
  const auto rpc_timeout = std::chrono::milliseconds(self.request_timeout_ms + 2000);
  std::string target = self.join_addr;
  auto backoff = kFirstBackoff;
  int redirects = 0;
  for (int attempt = 1;; ++attempt) {
    spdlog::info("join: asking {} to add node {} ({}) to its cluster (attempt {})", target,
                 self.node_id, self.internal_addr, attempt);
    transport::JoinReply reply = transport::request_join(target, request, rpc_timeout, self.tls);
    switch (reply.outcome) {
      case transport::JoinReply::Outcome::kOk: {
        JoinedCluster joined = joined_cluster_of(reply);
        const bool listed = joined.book.count(self.node_id) > 0;
        if (reply.cluster_id.empty() || !listed) {
          spdlog::warn("join: {} answered without {}; retrying", target,
                       reply.cluster_id.empty() ? "a cluster id" : "this node in its members");
          break;
        }
        spdlog::info("join: added to cluster {} as node {} ({} members); catching up",
                     reply.cluster_id, self.node_id, joined.book.size());
        return joined;
      }
      case transport::JoinReply::Outcome::kRefused:
        return absl::FailedPreconditionError("the cluster refused to add node " +
                                             std::to_string(self.node_id) + ": " + reply.error);
      case transport::JoinReply::Outcome::kRedirect:
        spdlog::info("join: {} is not the leader; node {} at {} is", target, reply.leader_id,
                     reply.leader_addr);
        target = reply.leader_addr;
        // Straight to the leader, but not forever: members that disagree about the leader
        // could send us around in circles.
        if (++redirects % 5 != 0) continue;
        break;
      case transport::JoinReply::Outcome::kRetry:
        spdlog::warn("join: {}: {}; retrying in {} ms", target, reply.error, backoff.count());
        // The member named might have gone: start over from the configured address.
        target = self.join_addr;
        break;
    }
    if (wait_or_signal(backoff)) return absl::CancelledError("stopped before the node was added");
    backoff = std::min(kMaxBackoff, backoff * 2);
  }
}

}  // namespace seshat::replication
