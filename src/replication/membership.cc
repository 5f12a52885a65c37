#include "replication/membership.h"

#include <algorithm>
#include <set>

#include "storage/kv_format.h"

namespace seshat::replication {

namespace {

constexpr std::string_view kContextMagic = "SMC1";

}  // namespace

std::string encode_change_context(const ChangeContext& ctx) {
  std::string out(kContextMagic);
  storage::put_u64_le(out, ctx.request_id);
  out.push_back(ctx.member ? 1 : 0);
  if (ctx.member) out += storage::encode_member(*ctx.member);
  return out;
}

std::optional<ChangeContext> decode_change_context(std::string_view bytes) {
  if (bytes.size() < kContextMagic.size() + 9 ||
      bytes.substr(0, kContextMagic.size()) != kContextMagic) {
    return std::nullopt;
  }
  bytes.remove_prefix(kContextMagic.size());
  ChangeContext ctx;
  ctx.request_id = storage::get_u64_le(bytes.data());
  bytes.remove_prefix(8);
  const char has_member = bytes[0];
  bytes.remove_prefix(1);
  if (has_member == 1) {
    ctx.member = storage::decode_member(bytes);
    if (!ctx.member) return std::nullopt;
  } else if (has_member != 0) {
    return std::nullopt;
  }
  if (!bytes.empty()) return std::nullopt;
  return ctx;
}

std::vector<raft::NodeId> member_ids(const raft::ConfState& cs) {
  std::set<raft::NodeId> ids;
  for (const auto* list : {&cs.voters, &cs.learners, &cs.voters_outgoing, &cs.learners_next}) {
    ids.insert(list->begin(), list->end());
  }
  return {ids.begin(), ids.end()};
}

bool is_member(const raft::ConfState& cs, raft::NodeId id) {
  auto ids = member_ids(cs);
  return std::binary_search(ids.begin(), ids.end(), id);
}

bool is_learner(const raft::ConfState& cs, raft::NodeId id) {
  return std::find(cs.learners.begin(), cs.learners.end(), id) != cs.learners.end();
}

void update_member_book(storage::MemberBook& book, const std::optional<ChangeContext>& ctx,
                        const raft::ConfState& cs) {
  if (ctx && ctx->member && is_member(cs, ctx->member->id)) {
    storage::MemberAddress m = *ctx->member;
    // A promotion may carry no client address where the book has one: keep what is known.
    auto it = book.find(m.id);
    if (m.client_addr.empty() && it != book.end()) m.client_addr = it->second.client_addr;
    book[m.id] = std::move(m);
  }
  std::erase_if(book, [&](const auto& entry) { return !is_member(cs, entry.first); });
}

std::vector<transport::MemberInfo> member_list(const storage::MemberBook& book,
                                               const raft::ConfState& cs) {
  std::vector<transport::MemberInfo> out;
  for (raft::NodeId id : member_ids(cs)) {
    transport::MemberInfo m;
    m.id = id;
    if (auto it = book.find(id); it != book.end()) {
      m.internal_addr = it->second.internal_addr;
      m.client_addr = it->second.client_addr;
    }
    m.learner = is_learner(cs, id);
    out.push_back(std::move(m));
  }
  return out;
}

JoinDecision check_join(const storage::MemberBook& book, const raft::ConfState& cs,
                        const transport::JoinRequest& request) {
  JoinDecision d;
  if (is_member(cs, request.node_id)) {
    auto it = book.find(request.node_id);
    if (it != book.end() && it->second.internal_addr == request.internal_addr) {
      d.kind = JoinDecision::Kind::kAlreadyMember;
      return d;
    }
    d.kind = JoinDecision::Kind::kConflict;
    d.error = "node id " + std::to_string(request.node_id) + " is already a member" +
              (it != book.end() ? " with internal address " + it->second.internal_addr : "") +
              ", not " + request.internal_addr +
              ": start the new node with an unused id, or remove the old member first "
              "(SESHAT MEMBER REMOVE " +
              std::to_string(request.node_id) + ")";
    return d;
  }
  for (const auto& [id, m] : book) {
    if (m.internal_addr == request.internal_addr && is_member(cs, id)) {
      d.kind = JoinDecision::Kind::kConflict;
      d.error = "internal address " + request.internal_addr + " belongs to member " +
                std::to_string(id) + ", not to node " + std::to_string(request.node_id) +
                ": remove member " + std::to_string(id) + " first (SESHAT MEMBER REMOVE " +
                std::to_string(id) + ")";
      return d;
    }
  }
  return d;
}

std::vector<raft::NodeId> learners_ready_for_promotion(const raft::NodeStatus& status,
                                                       const raft::ConfState& cs,
                                                       raft::Index last_index, uint64_t max_lag) {
  std::vector<raft::NodeId> out;
  for (raft::NodeId id : cs.learners) {
    auto it = status.progress.find(id);
    if (it == status.progress.end()) continue;
    const raft::Progress& pr = it->second;
    if (pr.state != raft::ProgressState::kReplicate) continue;
    if (pr.match + max_lag < last_index) continue;
    out.push_back(id);
  }
  return out;
}

raft::NodeId best_transferee(const raft::NodeStatus& status, const raft::ConfState& cs,
                             raft::NodeId self) {
  raft::NodeId best = raft::kNone;
  raft::Index best_match = 0;
  for (raft::NodeId id : cs.voters) {
    if (id == self) continue;
    auto it = status.progress.find(id);
    if (it == status.progress.end() || !it->second.recent_active) continue;
    if (best == raft::kNone || it->second.match > best_match) {
      best = id;
      best_match = it->second.match;
    }
  }
  return best;
}

std::string describe_conf_change(const raft::ConfChange& cc,
                                 const std::optional<ChangeContext>& ctx) {
  if (cc.leave_joint()) return "leave the joint configuration";
  std::string out;
  for (const auto& c : cc.changes) {
    if (!out.empty()) out += ", ";
    switch (c.type) {
      case raft::ConfChangeType::kAddNode: out += "add voter "; break;
      case raft::ConfChangeType::kAddLearnerNode: out += "add learner "; break;
      case raft::ConfChangeType::kRemoveNode: out += "remove "; break;
    }
    out += std::to_string(c.node_id);
    if (ctx && ctx->member && ctx->member->id == c.node_id &&
        c.type != raft::ConfChangeType::kRemoveNode) {
      out += " (" + ctx->member->internal_addr + ")";
    }
  }
  return out;
}

}  // namespace seshat::replication
