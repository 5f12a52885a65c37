// The membership half of the Raft driver: joins, removals, promotion of caught-up learners, and
// keeping the transport's peers and the cluster view in step with the applied membership.
// Everything here runs on the driver thread except the three public entry points, which only
// queue. docs/raft.md ("Membership changes") describes the flow.
#include <spdlog/spdlog.h>

#include "replication/errors.h"
#include "replication/membership.h"
#include "replication/raft_driver.h"

namespace seshat::replication {

namespace {

using protocol::Reply;
using Clock = std::chrono::steady_clock;
using transport::JoinReply;

// A removed peer's sender lives this much longer, so that the messages telling it about its
// removal (the commit of that entry) still leave.
constexpr auto kPeerGrace = std::chrono::seconds(3);
// A learner within this many entries of the leader's last index is promoted to voter.
constexpr uint64_t kPromoteMaxLag = 64;
constexpr auto kPromotionCheckEvery = std::chrono::milliseconds(200);
// How often a change proposed through another node is proposed again until it applies.
constexpr auto kResendEvery = std::chrono::milliseconds(1000);

JoinReply join_error(JoinReply::Outcome outcome, std::string error) {
  JoinReply r;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

std::string ids_text(const std::vector<raft::NodeId>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

raft::ConfChange single_change(raft::ConfChangeType type, raft::NodeId id, ChangeContext ctx) {
  raft::ConfChange cc;
  cc.changes.push_back(raft::ConfChangeSingle{type, id});
  cc.context = encode_change_context(ctx);
  return cc;
}

}  // namespace

// ---- entry points (any thread) ----

void RaftDriver::join(transport::JoinRequest request, std::function<void(JoinReply)> done) {
  enqueue(JoinInput{std::move(request), std::move(done)});
}

void RaftDriver::remove_member(uint64_t id, Done done) {
  enqueue(RemoveInput{id, std::move(done)});
}

void RaftDriver::hand_over_leadership(std::function<void(raft::NodeId, uint64_t)> started) {
  enqueue(HandOverInput{std::move(started)});
}

bool RaftDriver::is_peer(uint64_t id) const {
  std::lock_guard lock(status_mu_);
  return std::find(peer_ids_.begin(), peer_ids_.end(), id) != peer_ids_.end();
}

// ---- requests ----

bool RaftDriver::conf_change_pending() const {
  return node_->raft().pending_conf_index() > applied_ || self_removal_.has_value();
}

JoinReply RaftDriver::join_ok() const {
  JoinReply r;
  r.outcome = JoinReply::Outcome::kOk;
  r.cluster_id = engine_.cluster_id();
  r.members = member_list(book_, conf_);
  r.leader_id = leader_id_.load();
  return r;
}

void RaftDriver::handle_join(transport::JoinRequest& req, std::function<void(JoinReply)>& done) {
  const raft::NodeId leader = leader_id_.load();
  if (removed_) {
    done(join_error(JoinReply::Outcome::kRetry,
                    "node " + std::to_string(options_.node_id) + " is no longer a member"));
    return;
  }
  if (!req.cluster_id.empty() && req.cluster_id != engine_.cluster_id()) {
    done(join_error(JoinReply::Outcome::kRefused, "node " + std::to_string(req.node_id) +
                                                      " belongs to cluster " + req.cluster_id +
                                                      ", this is cluster " + engine_.cluster_id()));
    return;
  }
  if (leader != options_.node_id) {
    JoinReply r;
    r.leader_id = leader;
    auto it = book_.find(leader);
    if (leader == raft::kNone) {
      r.error = "no leader is elected yet";
    } else if (it == book_.end() || it->second.internal_addr.empty()) {
      r.error = "the address of the leader (node " + std::to_string(leader) + ") is not known";
    } else {
      r.outcome = JoinReply::Outcome::kRedirect;
      r.leader_addr = it->second.internal_addr;
      r.error = "node " + std::to_string(options_.node_id) + " is not the leader";
    }
    done(std::move(r));
    return;
  }
  JoinDecision decision = check_join(book_, conf_, req);
  if (decision.kind == JoinDecision::Kind::kConflict) {
    spdlog::warn("membership: refused to add node {} at {}: {}", req.node_id, req.internal_addr,
                 decision.error);
    done(join_error(JoinReply::Outcome::kRefused, decision.error));
    return;
  }
  if (decision.kind == JoinDecision::Kind::kAlreadyMember) {
    spdlog::info("membership: node {} at {} asked to join and is a member already", req.node_id,
                 req.internal_addr);
    done(join_ok());
    return;
  }
  // A retry of a join whose change is still on its way: answer both once it applies.
  for (auto& [rid, pending] : changes_) {
    if (pending.node == req.node_id && !pending.join_done.empty()) {
      pending.join_done.push_back(std::move(done));
      return;
    }
  }
  if (conf_change_pending()) {
    done(join_error(JoinReply::Outcome::kRetry, "another membership change is in progress"));
    return;
  }
  const uint64_t rid = new_request_id();
  auto cc = single_change(
      raft::ConfChangeType::kAddLearnerNode, req.node_id,
      ChangeContext{rid, storage::MemberAddress{req.node_id, req.internal_addr, req.client_addr}});
  if (!node_->propose_conf_change(cc).ok()) {
    done(join_error(JoinReply::Outcome::kRetry, "the leader could not take the change now"));
    return;
  }
  spdlog::info("membership: node {} at {} (clients {}) asks to join: adding it as a learner",
               req.node_id, req.internal_addr, req.client_addr);
  PendingChange pending;
  pending.join_done.push_back(std::move(done));
  pending.node = req.node_id;
  pending.deadline = Clock::now() + std::chrono::milliseconds(options_.request_timeout_ms);
  changes_[rid] = std::move(pending);
}

void RaftDriver::handle_remove(raft::NodeId id, Done& done) {
  if (removed_) {
    done(errors::no_longer_member());
    return;
  }
  if (!is_member(conf_, id)) {
    done(errors::not_a_member(id));
    return;
  }
  if (conf_.voters.size() == 1 && conf_.voters[0] == id && conf_.voters_outgoing.empty()) {
    done(errors::last_voter(id));
    return;
  }
  const raft::NodeId leader = leader_id_.load();
  if (leader == raft::kNone) {
    done(errors::no_leader());
    return;
  }
  const auto now = Clock::now();
  const uint64_t rid = new_request_id();
  auto cc = single_change(raft::ConfChangeType::kRemoveNode, id, ChangeContext{rid, std::nullopt});
  PendingChange pending;
  pending.node = id;
  pending.deadline = now + std::chrono::milliseconds(options_.request_timeout_ms);
  if (leader == options_.node_id) {
    if (conf_change_pending()) {
      done(errors::change_in_progress());
      return;
    }
    if (id == options_.node_id) {
      // Hand leadership to the most caught-up voter first, so the cluster does not wait an
      // election timeout; the removal then goes through the new leader.
      raft::NodeId target = best_transferee(node_->status(), conf_, options_.node_id);
      if (target != raft::kNone) {
        node_->transfer_leader(target);
        self_removal_ =
            SelfRemoval{rid, now + std::chrono::milliseconds(2 * options_.election_timeout_min_ms)};
        pending.done = std::move(done);
        changes_[rid] = std::move(pending);
        spdlog::info(
            "membership: removing this node, the leader: handing leadership to node {} "
            "first",
            target);
        return;
      }
      // Nobody to hand over to: remove ourselves as leader; the core steps down once applied.
    }
  }
  // On a follower the core forwards the proposal to the leader.
  if (!node_->propose_conf_change(cc).ok()) {
    done(errors::change_not_taken());
    return;
  }
  if (leader != options_.node_id) {
    pending.resend = cc;
    pending.next_resend = now + kResendEvery;
  }
  pending.done = std::move(done);
  changes_[rid] = std::move(pending);
  spdlog::info("membership: proposed to remove node {}{}", id,
               leader == options_.node_id
                   ? ""
                   : " (through the leader, node " + std::to_string(leader) + ")");
}

// ---- applying ----

void RaftDriver::apply_conf_change_entry(const raft::Entry& e, kv::StateMachine::Batch& batch,
                                         std::vector<uint64_t>& finished) {
  auto cc = raft::decode_conf_change(e.data);
  if (!cc.ok()) {
    spdlog::warn("membership: entry {} holds an undecodable membership change; skipped", e.index);
    return;
  }
  auto ctx = decode_change_context(cc->context);
  auto cs = node_->apply_conf_change(*cc);
  if (!cs.ok()) {
    // Every node applies the same entries to the same configuration, so every node skips it.
    spdlog::warn(
        "membership: the change at index {} ({}) does not apply to the configuration; "
        "skipped",
        e.index, describe_conf_change(*cc, ctx));
    return;
  }
  conf_ = *cs;
  // The quorum changed: only rounds sent from now on vouch for the lease.
  drop_lease(Clock::now());
  update_member_book(book_, ctx, conf_);
  // With the applied index, in one batch: after a crash either all of it is there or the entry
  // is applied again, to the configuration it was first applied to.
  log_.stage_conf_state(batch.metadata(), conf_);
  storage::stage_member_book(batch.metadata(), engine_, book_);
  spdlog::info("membership: applied at index {}: {}; voters {}, learners {}", e.index,
               describe_conf_change(*cc, ctx), ids_text(conf_.voters), ids_text(conf_.learners));
  if (ctx && ctx->request_id != 0) finished.push_back(ctx->request_id);
}

void RaftDriver::after_membership_change(const std::vector<uint64_t>& finished) {
  const bool was_removed = removed_;
  removed_ = !is_member(conf_, options_.node_id);
  if (removed_ && !was_removed) {
    spdlog::warn(
        "membership: this node was removed from the cluster: it no longer votes, "
        "campaigns or serves. Stop it; wipe its data directory before reusing it");
  } else if (!removed_ && was_removed) {
    spdlog::info("membership: this node is a member of the cluster");
  }
  sync_peers();
  update_local_reads();
  publish_view();
  for (uint64_t rid : finished) {
    auto it = changes_.find(rid);
    if (it == changes_.end()) continue;
    if (it->second.done) it->second.done(Reply::Ok());
    for (auto& done : it->second.join_done) done(join_ok());
    changes_.erase(it);
  }
}

void RaftDriver::sync_peers() {
  if (transport_ == nullptr) return;
  std::map<raft::NodeId, std::string> want;
  if (!removed_) {
    for (raft::NodeId id : member_ids(conf_)) {
      if (id == options_.node_id) continue;
      auto it = book_.find(id);
      if (it == book_.end() || it->second.internal_addr.empty()) {
        spdlog::warn("membership: no address is known for member {}", id);
        continue;
      }
      want[id] = it->second.internal_addr;
    }
  }
  for (const auto& [id, addr] : want) {
    peers_leaving_.erase(id);
    auto it = peers_.find(id);
    if (it != peers_.end() && it->second == addr) continue;
    spdlog::info("membership: peer {} at {}", id, addr);
    transport_->add_peer(id, addr);
    peers_[id] = addr;
  }
  const auto leave_at = Clock::now() + kPeerGrace;
  for (const auto& [id, addr] : peers_) {
    if (!want.count(id) && !peers_leaving_.count(id)) peers_leaving_[id] = leave_at;
  }
}

// ---- each turn ----

void RaftDriver::membership_maintenance(Clock::time_point now) {
  for (auto it = changes_.begin(); it != changes_.end();) {
    PendingChange& pc = it->second;
    if (pc.deadline <= now) {
      if (pc.done) pc.done(errors::change_timed_out());
      for (auto& done : pc.join_done) {
        done(join_error(JoinReply::Outcome::kRetry, "the change was not committed in time"));
      }
      if (self_removal_ && self_removal_->request_id == it->first) self_removal_.reset();
      it = changes_.erase(it);
      continue;
    }
    const raft::NodeId leader = leader_id_.load();
    if (pc.resend && now >= pc.next_resend && leader != raft::kNone && leader != options_.node_id) {
      (void)node_->propose_conf_change(*pc.resend);
      pc.next_resend = now + kResendEvery;
    }
    ++it;
  }
  for (auto it = peers_leaving_.begin(); it != peers_leaving_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    spdlog::info("membership: node {} is no longer a member: disconnecting from it", it->first);
    if (transport_ != nullptr) transport_->remove_peer(it->first);
    peers_.erase(it->first);
    client_addrs_.erase(it->first);
    it = peers_leaving_.erase(it);
  }
  advance_self_removal(now);
  if (now >= next_promotion_check_) {
    next_promotion_check_ = now + kPromotionCheckEvery;
    promote_caught_up_learners();
  }
}

void RaftDriver::promote_caught_up_learners() {
  if (leader_id_.load() != options_.node_id || removed_ || conf_.learners.empty()) return;
  if (conf_change_pending() || node_->raft().lead_transferee() != raft::kNone ||
      !conf_.voters_outgoing.empty()) {
    return;
  }
  const raft::Index last = node_->raft().log().last_index();
  auto ready = learners_ready_for_promotion(node_->status(), conf_, last, kPromoteMaxLag);
  if (ready.empty()) return;
  const raft::NodeId id = ready.front();
  ChangeContext ctx;
  if (auto it = book_.find(id); it != book_.end()) ctx.member = it->second;
  if (!node_->propose_conf_change(single_change(raft::ConfChangeType::kAddNode, id, ctx)).ok())
    return;
  spdlog::info(
      "membership: learner {} has caught up (within {} entries of {}): promoting it to "
      "voter",
      id, kPromoteMaxLag, last);
}

void RaftDriver::advance_self_removal(Clock::time_point now) {
  if (!self_removal_) return;
  auto it = changes_.find(self_removal_->request_id);
  if (it == changes_.end()) {
    self_removal_.reset();
    return;
  }
  const raft::NodeId leader = leader_id_.load();
  const uint64_t rid = self_removal_->request_id;
  auto cc = single_change(raft::ConfChangeType::kRemoveNode, options_.node_id,
                          ChangeContext{rid, std::nullopt});
  if (leader == options_.node_id) {
    if (now < self_removal_->transfer_deadline || node_->raft().lead_transferee() != raft::kNone) {
      return;  // still handing over
    }
    // The transfer did not happen: remove ourselves as leader (the core steps down once it is
    // applied, and the others elect a leader after their election timeout).
    if (node_->raft().pending_conf_index() > applied_) return;
    self_removal_.reset();
    if (!node_->propose_conf_change(cc).ok()) {
      it->second.done(errors::change_not_taken());
      changes_.erase(it);
      return;
    }
    spdlog::info("membership: leadership was not handed over; removing this node as leader");
    return;
  }
  if (leader == raft::kNone) return;  // an election is running
  self_removal_.reset();
  spdlog::info("membership: node {} leads now; asking it to remove this node", leader);
  (void)node_->propose_conf_change(cc);
  it->second.resend = cc;
  it->second.next_resend = now + kResendEvery;
}

void RaftDriver::fail_membership_waiters(const absl::Status& error) {
  for (auto& [rid, pc] : changes_) {
    if (pc.done) pc.done(error);
    for (auto& done : pc.join_done) {
      done(join_error(JoinReply::Outcome::kRetry, std::string(error.message())));
    }
  }
  changes_.clear();
  self_removal_.reset();
}

}  // namespace seshat::replication
