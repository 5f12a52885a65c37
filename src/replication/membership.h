// Membership changes at run time, the parts that need no thread or I/O: what a Seshat conf
// change carries in its context, how an applied change updates the member book, whether a join
// request may go ahead, and which learners have caught up. The driver (raft_driver.cc) does
// the proposing and applying; docs/raft.md ("Membership changes") tells the whole flow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raft/raw_node.h"
#include "raft/types.h"
#include "storage/member_book.h"
#include "transport/transport.h"

namespace seshat::replication {

// The context of every conf change Seshat proposes: which request to answer once it is
// applied (0: nobody waits), and the addresses of the member it adds or promotes, so that every
// node learns them by applying the log.
struct ChangeContext {
  uint64_t request_id = 0;
  std::optional<storage::MemberAddress> member;
  bool operator==(const ChangeContext&) const = default;
};

std::string encode_change_context(const ChangeContext& ctx);
// nullopt for a context Seshat did not write (empty, or another format).
std::optional<ChangeContext> decode_change_context(std::string_view bytes);

// Every member of a configuration: voters (both halves of a joint one) and learners, sorted.
std::vector<raft::NodeId> member_ids(const raft::ConfState& cs);
bool is_member(const raft::ConfState& cs, raft::NodeId id);
bool is_learner(const raft::ConfState& cs, raft::NodeId id);

// After a change was applied and `cs` is the membership it led to: the member named by the
// context is recorded with its addresses, and members no longer in `cs` are dropped.
void update_member_book(storage::MemberBook& book, const std::optional<ChangeContext>& ctx,
                        const raft::ConfState& cs);

// The members with their addresses and roles, as a Join reply lists them.
std::vector<transport::MemberInfo> member_list(const storage::MemberBook& book,
                                               const raft::ConfState& cs);

// What a leader makes of a join request, given the current membership.
struct JoinDecision {
  enum class Kind {
    kAdd,            // a new member: propose adding it as a learner
    kAlreadyMember,  // the same id at the same internal address: nothing to do, success
    kConflict,       // the id (or the address) belongs to another member: refuse, `error` says why
  };
  Kind kind = Kind::kAdd;
  std::string error;
};
JoinDecision check_join(const storage::MemberBook& book, const raft::ConfState& cs,
                        const transport::JoinRequest& request);

// On the leader: learners whose log is within `max_lag` entries of `last_index` and that are
// being replicated to normally, i.e. ready to become voters.
std::vector<raft::NodeId> learners_ready_for_promotion(const raft::NodeStatus& status,
                                                       const raft::ConfState& cs,
                                                       raft::Index last_index, uint64_t max_lag);

// The voter (other than `self`) best placed to take over leadership: the highest match index
// among those heard from recently; kNone when there is none.
raft::NodeId best_transferee(const raft::NodeStatus& status, const raft::ConfState& cs,
                             raft::NodeId self);

// A human summary of a conf change ("add learner 4 (127.0.0.1:7382)", "remove 2").
std::string describe_conf_change(const raft::ConfChange& cc,
                                 const std::optional<ChangeContext>& ctx);

}  // namespace seshat::replication
