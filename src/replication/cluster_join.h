// A new node joining a running cluster (bootstrap = false, join_addr = a member's internal
// address): it asks to be added through the Join RPC, following the leader the members name,
// and retrying with backoff until it is added or refused. The cluster adds it as a learner and
// answers with the cluster id and every member's addresses, which the node records before it
// starts Raft; from then on its data directory says which cluster it belongs to, so a restart
// needs no join_addr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "raft/types.h"
#include "storage/member_book.h"
#include "transport/transport.h"

namespace seshat::replication {

struct JoinedCluster {
  std::string cluster_id;
  storage::MemberBook book;
  raft::ConfState conf;  // the membership the node starts from (itself a learner in it)
};

// Who asks to join, and through which member.
struct JoinSettings {
  uint64_t node_id = 0;
  std::string internal_addr;
  std::string client_addr;
  std::string join_addr;                  // a member's internal address
  uint64_t request_timeout_ms = 5000;     // the members' request_timeout_secs
  std::optional<transport::PeerTls> tls;  // tls_cluster: the Join call is mutual TLS too
};

// Blocks until this node is a member. FailedPrecondition when the cluster refused it (the
// message says why: an id in use by another member, another cluster's data); Cancelled when
// SIGINT or SIGTERM arrived meanwhile (the caller must have blocked them, as main does).
absl::StatusOr<JoinedCluster> join_cluster(const JoinSettings& self);

// The membership and addresses a Join reply lists.
JoinedCluster joined_cluster_of(const transport::JoinReply& reply);

}  // namespace seshat::replication
