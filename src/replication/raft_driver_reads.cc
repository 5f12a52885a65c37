// The read half of the Raft driver: linearizable reads that keep each connection's order.
//
// On the leader a read is positioned in the log: it runs right after the last proposal (or
// entry) that reached the driver before it, inside the same apply batch, so it sees every write
// proposed before it (its own connection's included) and none proposed after. That alone would
// not prove that this node still leads, so the reply also waits for a ReadIndex round started
// after the read arrived: once a quorum has confirmed the leadership, the state at the read's
// position holds every write acknowledged before the read came in (Raft paper, section 8).
// The reads of one turn share one round.
//
// A follower (READONLY clients) asks the leader for its commit index through the same round
// and runs the read once it has applied that far. Its writes are never applied locally (MOVED,
// or forwarded by the follower proxy, which keeps the two routes apart per connection).
//
// With read_mode = "lease" (the default) a leader skips the round while it holds a lease: a
// round first sent at time t and confirmed by a quorum proves that no other leader can be
// elected before t + lease_duration_. Every voter that acknowledged the round heard from us
// after t, and with CheckQuorum refuses to vote for anyone else (or to campaign) for a minimum
// election timeout after hearing from its leader; a voter that restarts holds its vote that
// long too (raft::Config::hold_votes_after_start). Any new leader needs one of them, so while
// the lease runs this node is the only leader and its applied state holds every acknowledged
// write. The lease is an election timeout less one tick (a timer can fire up to a tick early),
// less a tenth for the clocks of two machines running at different rates; it is measured on
// the monotonic clock (a paused or suspended process finds it expired when it wakes), is
// renewed by a background round once half spent, ends with the term, is never trusted again
// in a term in which this leader began a leadership transfer (the target's votes ignore the
// lease), and restarts after a membership change. While the lease runs, io threads answer
// reads from applied state without the driver when nothing committed is unapplied
// (LocalReadGate has the argument; a follower may already have served an entry this leader
// has committed but not yet applied, so a read then goes to the driver and is positioned in
// the log), and ask the driver to renew the lease when half of it is spent. Reads that reach
// the driver are positioned in the log and need no round. A follower's READONLY read asks the
// leader for its commit index; the leader answers that from its lease too (a heartbeat to the
// follower, then the index: raft::Raft::step_read_index_under_lease), or with a round, which
// also starts a lease for the next request.
//
// With read_mode = "stale" no round is taken: a leader still positions its reads, a follower
// serves them from what it has.
#include <spdlog/spdlog.h>

#include "kv/state_machine.h"
#include "replication/errors.h"
#include "replication/membership.h"
#include "replication/raft_driver.h"
#include "replication/raft_timing.h"

namespace seshat::replication {

using protocol::Reply;
using namespace errors;

void RaftDriver::handle_read(ReadInput& in, const std::vector<Proposal>& batch) {
  auto r = std::make_shared<PendingRead>();
  r->op = std::move(in.op);
  r->done = std::move(in.done);
  r->deadline = in.arrived + std::chrono::milliseconds(options_.request_timeout_ms);
  if (leader_id_.load() == options_.node_id) {
    r->positioned = true;
    r->confirmed = options_.stale_reads || lease_covers_read();
    if (!r->confirmed) reads_unsent_.push_back(r);
    if (!batch.empty()) {
      proposals_[batch.back().id].reads_after.push_back(r);
      return;
    }
    const raft::Index last = node_->raft().log().last_index();
    if (last > applied_) {
      reads_at_index_.emplace(last, r);
      return;
    }
    // Everything in the log is applied: this is the read's position.
    std::vector<std::pair<Done, Reply>> answers;
    run_positioned_read(r, nullptr, answers);
    for (auto& [done, reply] : answers) done(std::move(reply));
    return;
  }
  if (options_.stale_reads) {
    answer(*r, for_client([&](kv::KeyLookups* lookups) { return state_.read(r->op, lookups); }));
    return;
  }
  if (leader_id_.load() == 0) {
    answer(*r, no_leader());
    return;
  }
  reads_unsent_.push_back(r);
}

void RaftDriver::run_positioned_read(const ReadPtr& r, kv::StateMachine::Batch* batch,
                                     std::vector<std::pair<Done, Reply>>& answers) {
  if (r->answered) return;
  Reply reply = for_client([&](kv::KeyLookups* lookups) {
    return batch != nullptr ? batch->read(r->op, lookups) : state_.read(r->op, lookups);
  });
  if (!r->confirmed) {
    r->result = std::move(reply);
    return;
  }
  r->answered = true;
  answers.emplace_back(std::move(r->done), std::move(reply));
}

void RaftDriver::run_reads_at(raft::Index index, kv::StateMachine::Batch& batch,
                              std::vector<std::pair<Done, Reply>>& answers) {
  while (!reads_at_index_.empty() && reads_at_index_.begin()->first <= index) {
    auto node = reads_at_index_.extract(reads_at_index_.begin());
    run_positioned_read(node.mapped(), &batch, answers);
  }
}

void RaftDriver::send_read_round() {
  // A renewal goes alone only when no round is in flight: any confirmed round renews.
  const bool renew = lease_round_wanted_ && reads_waiting_index_.empty();
  lease_round_wanted_ = false;
  if (reads_unsent_.empty() && !renew) return;
  std::string ctx = std::to_string(options_.node_id) + ":" + std::to_string(next_read_ctx_++);
  // The clock is read before the request leaves: the lease counts from no later than the
  // moment any voter could have acknowledged it.
  const auto now = Clock::now();
  node_->read_index(ctx);
  ++read_rounds_;
  reads_waiting_index_[ctx] = ReadRound{std::move(reads_unsent_), now, now, node_->raft().term()};
  reads_unsent_.clear();
}

bool RaftDriver::lease_covers_read() {
  if (!options_.lease_reads) return false;
  const auto& raft = node_->raft();
  if (raft.transfer_term() == raft.term()) lease_until_ = {};
  const auto now = Clock::now();
  if (lease_term_ != raft.term() || now >= lease_until_) return false;
  if (lease_until_ - now < lease_duration_ / 2) lease_round_wanted_ = true;
  lease_reads_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void RaftDriver::renew_lease(const ReadRound& round, raft::Index index) {
  const auto& raft = node_->raft();
  if (!options_.lease_reads || leader_id_.load() != options_.node_id) return;
  if (round.term != raft.term() || raft.transfer_term() == raft.term()) return;
  if (round.started < lease_floor_) return;
  const auto until = round.started + lease_duration_;
  if (lease_term_ == round.term && until <= lease_until_) return;
  lease_term_ = round.term;
  lease_until_ = until;
  lease_index_ = index;
  lease_expiry_ms_ =
      wall_clock_ms() +
      std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
}

void RaftDriver::drop_lease(Clock::time_point floor) {
  lease_until_ = {};
  lease_floor_ = floor;
  publish_local_lease();
}

void RaftDriver::publish_local_lease() {
  const auto& raft = node_->raft();
  if (options_.lease_reads && leader_id_.load() == options_.node_id && lease_term_ == raft.term() &&
      raft.transfer_term() != raft.term() && lease_until_ > Clock::now()) {
    local_reads_.publish_lease(lease_until_);
  } else if (sole_voter_leader_ || options_.stale_reads) {
    // Nobody else can be elected, or leadership does not matter; the gate's commit check still
    // applies (an apply batch in progress, a learner's READONLY read).
    local_reads_.publish_lease(Clock::time_point::max());
  } else {
    local_reads_.end_lease();
  }
}

void RaftDriver::renew_lease_if_used() {
  if (!local_reads_.take_used() || sole_voter_leader_ || options_.stale_reads) return;
  if (lease_until_ - Clock::now() < lease_duration_ / 2) lease_round_wanted_ = true;
}

void RaftDriver::on_read_state(const raft::ReadState& rs) {
  auto it = reads_waiting_index_.find(rs.request_ctx);
  if (it == reads_waiting_index_.end()) return;
  renew_lease(it->second, rs.index);
  for (auto& r : it->second.readers) {
    if (r->answered) continue;
    r->confirmed = true;
    if (!r->positioned) {
      reads_waiting_apply_.emplace(rs.index, r);
    } else if (r->result) {
      answer(*r, std::move(*r->result));
    }
    // A positioned read that has not run yet answers when its entry is applied.
  }
  reads_waiting_index_.erase(it);
  serve_follower_reads();
}

void RaftDriver::serve_follower_reads() {
  while (!reads_waiting_apply_.empty() && reads_waiting_apply_.begin()->first <= applied_) {
    auto node = reads_waiting_apply_.extract(reads_waiting_apply_.begin());
    PendingRead& r = *node.mapped();
    if (r.answered) continue;
    answer(r, for_client([&](kv::KeyLookups* lookups) { return state_.read(r.op, lookups); }));
  }
}

void RaftDriver::resend_read_index(Clock::time_point now) {
  // Half the shortest election timeout: long after a healthy round trip, and short enough that
  // a lost message costs a reader little.
  const auto after =
      std::chrono::milliseconds(std::max<uint64_t>(options_.election_timeout_min_ms / 2, 1));
  if (reads_waiting_index_.empty() || leader_id_.load() == 0) return;
  for (auto& [ctx, round] : reads_waiting_index_) {
    if (now - round.sent < after) continue;
    node_->read_index(ctx);
    round.sent = now;
  }
}

void RaftDriver::answer(PendingRead& r, absl::StatusOr<Reply> outcome) {
  if (r.answered) return;
  r.answered = true;
  r.done(std::move(outcome));
}

void RaftDriver::expire_reads(Clock::time_point now) {
  const auto expire = [now](const ReadPtr& r) {
    if (!r->answered && r->deadline <= now) answer(*r, timed_out());
    return r->answered;
  };
  for (auto it = reads_waiting_index_.begin(); it != reads_waiting_index_.end();) {
    std::erase_if(it->second.readers, expire);
    // A renewal round is kept while its answer could still extend the lease.
    const bool useless = it->second.readers.empty() &&
                         (!options_.lease_reads || now - it->second.started >= lease_duration_);
    it = useless ? reads_waiting_index_.erase(it) : std::next(it);
  }
  std::erase_if(reads_at_index_, [&](const auto& entry) { return expire(entry.second); });
  std::erase_if(reads_waiting_apply_, [&](const auto& entry) { return expire(entry.second); });
}

void RaftDriver::fail_reads(const absl::Status& error, bool leader_reads_only) {
  const auto fail = [&](const ReadPtr& r) {
    if (leader_reads_only && !r->positioned) return false;
    answer(*r, error);
    return true;
  };
  for (auto it = reads_waiting_index_.begin(); it != reads_waiting_index_.end();) {
    std::erase_if(it->second.readers, fail);
    it = it->second.readers.empty() ? reads_waiting_index_.erase(it) : std::next(it);
  }
  std::erase_if(reads_unsent_, fail);
  std::erase_if(reads_at_index_, [&](const auto& entry) { return fail(entry.second); });
  for (auto& [id, p] : proposals_) std::erase_if(p.reads_after, fail);
  if (!leader_reads_only) {
    std::erase_if(reads_waiting_apply_, [&](const auto& entry) { return fail(entry.second); });
  }
}

void RaftDriver::update_local_reads() {
  // The sole voter of its group leads as long as it lives: its io threads read under a lease
  // without end, checked as any leader's (publish_local_lease).
  const bool sole_voter = conf_.voters.size() == 1 && conf_.voters[0] == options_.node_id &&
                          conf_.voters_outgoing.empty();
  sole_voter_leader_ = sole_voter && leader_id_.load() == options_.node_id;
  publish_local_lease();
}

}  // namespace seshat::replication
