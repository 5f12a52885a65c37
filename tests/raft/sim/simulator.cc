#include "sim/simulator.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "sim/invariants.h"
#include "sim/rng.h"
#include "support/test_node.h"

namespace seshat::raft::sim {

using testing::Outbox;
using testing::TestNode;

namespace {

struct InFlight {
  Message msg;
  uint64_t deliver_at;
};

struct PendingRead {
  NodeId node;
  Index acknowledged_at_start;
};

class Simulation {
 public:
  explicit Simulation(const SimOptions& o) : opt_(o), rng_(o.seed) {
    // Knobs drawn per seed, so that the seed budget covers many configurations.
    pre_vote_ = rng_.chance(800);
    check_quorum_ = rng_.chance(800);
    max_size_per_msg_ = rng_.chance(600) ? 1 : (rng_.chance(500) ? 300 : kNoLimit);
    hunt_per_mille_ = rng_.below(600);
    max_inflight_ = 1 + rng_.below(8);
    drop_per_mille_ = rng_.chance(500) ? rng_.below(60) : rng_.below(250);
    dup_per_mille_ = rng_.below(60);
    max_delay_ = 1 + (rng_.chance(700) ? rng_.below(8) : rng_.below(30));
    // Later knobs come from a stream of their own, so the ones above (and every run recorded
    // with them) keep their values.
    Rng more(o.seed + 0x5E5A7ull);
    lazy_commit_ = more.chance(500);
    hold_votes_ = check_quorum_ && more.chance(500);
    for (int i = 1; i <= o.nodes; ++i) ids_.push_back(static_cast<NodeId>(i));
    for (NodeId id : ids_) {
      // Tick skew: some nodes' clocks run up to three times faster than others'.
      tick_weight_[id] = 1 + rng_.below(3);
      nodes_.emplace(id, std::make_unique<TestNode>(id, ids_, [this, id](Config& c) {
                       c.election_tick = 6;
                       c.pre_vote = pre_vote_;
                       c.check_quorum = check_quorum_;
                       c.lazy_commit_broadcast = lazy_commit_;
                       c.hold_votes_after_start = hold_votes_;
                       c.max_size_per_msg = max_size_per_msg_;
                       c.max_inflight_msgs = max_inflight_;
                       c.random_seed = opt_.seed * 131 + id * 7 + restarts_;
                       c.planted_bugs = opt_.bugs;
                     }));
    }
  }

  SimResult run() {
    if (opt_.trace) {
      std::printf(
          "seed=%llu prevote=%d checkquorum=%d lazycommit=%d holdvotes=%d maxmsg=%llu inflight=%zu "
          "drop=%llu dup=%llu delay=%llu\n",
          static_cast<unsigned long long>(opt_.seed), pre_vote_, check_quorum_, lazy_commit_,
          hold_votes_, static_cast<unsigned long long>(max_size_per_msg_), max_inflight_,
          static_cast<unsigned long long>(drop_per_mille_),
          static_cast<unsigned long long>(dup_per_mille_),
          static_cast<unsigned long long>(max_delay_));
    }
    for (step_ = 1; step_ <= opt_.steps && result_.ok; ++step_) {
      run_scheduled();
      random_event();
      check_all(step_ % 25 == 0);
    }
    if (result_.ok) liveness();
    result_.committed = checker_.committed_count();
    return result_;
  }

 private:
  TestNode& node(NodeId id) { return *nodes_.at(id); }

  void fail(const std::string& what) {
    if (!result_.ok) return;
    result_.ok = false;
    result_.failure = what;
    result_.step = step_;
  }

  void trace(const std::string& what) {
    if (opt_.trace) std::printf("[%d] %s\n", step_, what.c_str());
  }

  enum class Action { kIsolate, kCrash, kHeal };
  struct Scheduled {
    int step;
    NodeId node;
    Action action;
  };

  void run_scheduled() {
    for (size_t i = 0; i < scheduled_.size();) {
      if (scheduled_[i].step > step_) {
        ++i;
        continue;
      }
      Scheduled sch = scheduled_[i];
      scheduled_.erase(scheduled_.begin() + static_cast<std::ptrdiff_t>(i));
      switch (sch.action) {
        case Action::kIsolate: isolate(sch.node); break;
        case Action::kCrash: crash(sch.node); break;
        case Action::kHeal:
          cut_.clear();
          if (!node(sch.node).alive()) restart(sch.node);
          trace("heal");
          break;
      }
    }
  }

  NodeId pick_node() { return ids_[rng_.below(ids_.size())]; }

  NodeId pick_tick_node() {
    uint64_t total = 0;
    for (NodeId id : ids_) total += tick_weight_[id];
    uint64_t r = rng_.below(total);
    for (NodeId id : ids_) {
      if (r < tick_weight_[id]) return id;
      r -= tick_weight_[id];
    }
    return ids_.back();
  }

  // The live leader of the highest term, if any.
  NodeId leader() {
    NodeId best = kNone;
    Term best_term = 0;
    for (NodeId id : ids_) {
      TestNode& n = node(id);
      if (n.alive() && n.raft().state() == StateType::kLeader && n.raft().term() >= best_term) {
        best = id;
        best_term = n.raft().term();
      }
    }
    return best;
  }

  void random_event() {
    uint64_t r = rng_.below(1000);
    NodeId touched = kNone;
    if (r < 460 || r >= 965) {
      touched = deliver_one();
    } else if (r < 500) {
      touched = deliver_one();  // more deliveries than anything else: messages pile up fast
    } else if (r < 700) {
      touched = pick_tick_node();
      if (node(touched).alive()) node(touched).raw().tick();
    } else if (r < 780) {
      // A driver that batches: the Ready of some node is processed later, on its own.
      // Once in a while the node crashes after sending what it may send early, before its
      // write is durable: the persistence contract must make that harmless.
      process_ready(pick_node(), rng_.chance(30));
    } else if (r < 870) {
      touched = pick_node();
      propose(touched);
    } else if (r < 915) {
      touched = pick_node();
      read(touched);
    } else if (r < 925) {
      fault();
    } else if (r < 932) {
      touched = conf_change();
    } else if (r < 940) {
      touched = transfer();
    } else if (r < 960) {
      NodeId id = pick_node();
      trace("snapshot+compact " + std::to_string(id));
      node(id).snapshot_and_compact(rng_.below(4));
    } else if (r < 965) {
      // Restart a crashed node (more often than crashes happen, so the group recovers).
      for (NodeId id : ids_) {
        if (!node(id).alive()) {
          restart(id);
          break;
        }
      }
    }
    // Most of the time the driver handles the Ready right after the input that caused it.
    if (touched != kNone && rng_.chance(750)) process_ready(touched, rng_.chance(4));
  }

  NodeId deliver_one() {
    if (network_.empty()) return kNone;
    // Reordering: any message whose delay has passed may go next.
    size_t tries = std::min<size_t>(network_.size(), 4);
    for (size_t t = 0; t < tries; ++t) {
      size_t i = rng_.below(network_.size());
      if (network_[i].deliver_at > static_cast<uint64_t>(step_)) continue;
      InFlight f = std::move(network_[i]);
      network_.erase(network_.begin() + static_cast<std::ptrdiff_t>(i));
      deliver(f.msg);
      return f.msg.to;
    }
    return kNone;
  }

  bool blocked(const Message& m) const { return cut_.count({m.from, m.to}) > 0; }

  void deliver(const Message& m) {
    TestNode& to = node(m.to);
    bool lost = blocked(m) || !to.alive();
    if (lost) {
      report_snapshot_outcome(m, true);
      return;
    }
    if (opt_.trace) trace("deliver " + testing::describe(m));
    // What the core sends must pass the transport's check, or real peers would refuse it.
    if (std::string_view why = malformed_peer_message(m); !why.empty()) {
      return fail("the transport would refuse " + testing::describe(m) + ": " + std::string(why));
    }
    (void)to.raw().step(m);
    report_snapshot_outcome(m, false);
  }

  // The transport tells the leader whether a snapshot arrived, as etcd's does.
  void report_snapshot_outcome(const Message& m, bool failed) {
    if (m.type != MessageType::kSnap) return;
    TestNode& from = node(m.from);
    if (from.alive()) from.raw().report_snapshot(m.to, failed);
  }

  void send_all(std::vector<Message>& msgs) {
    for (auto& m : msgs) {
      if (rng_.chance(drop_per_mille_)) {
        report_snapshot_outcome(m, true);
        continue;
      }
      uint64_t at = static_cast<uint64_t>(step_) + rng_.below(max_delay_);
      if (rng_.chance(dup_per_mille_)) network_.push_back({m, at + rng_.below(max_delay_)});
      network_.push_back({std::move(m), at});
    }
  }

  void process_ready(NodeId id, bool crash) {
    TestNode& n = node(id);
    if (!n.alive() || !n.raw().has_ready()) return;
    size_t before = n.applied().size();
    if (crash) trace("crash before persist " + std::to_string(id));
    Outbox out = n.handle_ready(crash);
    send_all(out.early);
    send_all(out.after);
    if (!n.alive()) return;
    check_applied(n, before);
    // Reads answered in this Ready.
    for (const ReadState& rs : n.read_states()) {
      auto it = reads_.find(rs.request_ctx);
      if (it == reads_.end()) continue;
      if (rs.index < it->second.acknowledged_at_start) {
        fail("linearizable read: read " + rs.request_ctx + " on node " + std::to_string(id) +
             " got read index " + std::to_string(rs.index) + " but index " +
             std::to_string(it->second.acknowledged_at_start) +
             " was acknowledged before it began");
      }
      ++result_.reads_checked;
      reads_.erase(it);
    }
    n.read_states().clear();
  }

  void check_applied(TestNode& n, size_t from) {
    const auto& applied = n.applied();
    for (size_t i = from; i < applied.size(); ++i) {
      auto err = checker_.record_applied(n.id(), applied[i], n.raft().term());
      if (!err.empty()) return fail(err);
      if (i > 0 && applied[i].index != applied[i - 1].index + 1) {
        return fail("node " + std::to_string(n.id()) + " applied index " +
                    std::to_string(applied[i].index) + " after " +
                    std::to_string(applied[i - 1].index));
      }
    }
  }

  void propose(NodeId id) {
    TestNode& n = node(id);
    if (!n.alive()) return;
    std::string data = "w" + std::to_string(++proposals_);
    trace("propose " + data + " at " + std::to_string(id));
    (void)n.raw().propose(data);
  }

  void read(NodeId id) {
    TestNode& n = node(id);
    if (!n.alive()) return;
    std::string ctx = "r" + std::to_string(++read_counter_);
    reads_[ctx] = PendingRead{id, checker_.acknowledged_index()};
    trace("read " + ctx + " at " + std::to_string(id));
    n.raw().read_index(ctx);
  }

  void restart(NodeId id) {
    ++restarts_;
    trace("restart " + std::to_string(id));
    node(id).restart();
    // The restarted state machine replays from its snapshot: check it applies the same again.
    check_applied(node(id), 0);
  }

  size_t down_count() {
    size_t down = 0;
    for (NodeId x : ids_) down += node(x).alive() ? 0 : 1;
    return down;
  }

  void crash(NodeId id) {
    // Keep a majority of the nodes up most of the time, or nothing would ever happen.
    if (!node(id).alive() || down_count() + 1 > (ids_.size() - 1) / 2 + 1) return;
    trace("crash " + std::to_string(id));
    node(id).crash();
  }

  void isolate(NodeId id) {
    cut_.clear();
    for (NodeId x : ids_) {
      if (x == id) continue;
      cut_.insert({x, id});
      cut_.insert({id, x});
    }
    trace("isolate " + std::to_string(id));
  }

  // The nemesis: partitions, one-way cuts, crashes (of anyone, or of the leader), quick
  // reboots, and recovery.
  void fault() {
    uint64_t r = rng_.below(10);
    NodeId lead = leader();
    if (r == 0) {
      // Symmetric partition into two random groups.
      cut_.clear();
      std::set<NodeId> a;
      for (NodeId id : ids_) {
        if (rng_.chance(500)) a.insert(id);
      }
      for (NodeId x : ids_) {
        for (NodeId y : ids_) {
          if (a.count(x) != a.count(y)) cut_.insert({x, y});
        }
      }
      trace("partition");
    } else if (r == 1) {
      NodeId x = pick_node(), y = pick_node();
      if (x != y) cut_.insert({x, y});  // one-way: y stops hearing x
      trace("cut " + std::to_string(x) + "->" + std::to_string(y));
    } else if (r == 2 || r == 3) {
      cut_.clear();
      trace("heal");
    } else if (r == 4) {
      isolate(lead != kNone ? lead : pick_node());
    } else if (r == 5) {
      crash(pick_node());
    } else if (r == 6) {
      crash(lead != kNone ? lead : pick_node());
    } else if (r == 7) {
      // A quick reboot: whatever was not durable is gone, the rest comes straight back.
      NodeId id = pick_node();
      if (node(id).alive()) {
        trace("reboot " + std::to_string(id));
        node(id).crash();
        restart(id);
      }
    } else {
      for (NodeId id : ids_) {
        if (!node(id).alive()) {
          restart(id);
          break;
        }
      }
    }
  }

  NodeId conf_change() {
    NodeId lead = leader();
    if (lead == kNone) return kNone;
    const TrackerConfig& cfg = node(lead).raft().tracker().config;
    ConfChange cc;
    if (cfg.voters.joint()) {
      if (cfg.auto_leave) return kNone;
      trace("propose leave joint");
      (void)node(lead).raw().propose_conf_change(cc);
      return lead;
    }
    std::vector<NodeId> voters(cfg.voters.incoming.begin(), cfg.voters.incoming.end());
    std::vector<NodeId> learners(cfg.learners.begin(), cfg.learners.end());
    std::vector<NodeId> outside;
    for (NodeId id : ids_) {
      if (!cfg.voters.contains(id) && !cfg.learners.count(id)) outside.push_back(id);
    }
    uint64_t r = rng_.below(4);
    if (r == 0 && !outside.empty()) {
      cc.changes.push_back({ConfChangeType::kAddLearnerNode, outside[rng_.below(outside.size())]});
    } else if (r == 1 && !learners.empty()) {
      cc.changes.push_back({ConfChangeType::kAddNode, learners[rng_.below(learners.size())]});
    } else if (r == 2 && voters.size() >= 3) {
      NodeId v = voters[rng_.below(voters.size())];
      cc.changes.push_back(
          {rng_.chance(500) ? ConfChangeType::kRemoveNode : ConfChangeType::kAddLearnerNode, v});
    } else if (r == 3 && voters.size() >= 3 && !learners.empty()) {
      // Swap a voter for a learner through a joint configuration.
      cc.changes.push_back({ConfChangeType::kAddNode, learners[rng_.below(learners.size())]});
      cc.changes.push_back({ConfChangeType::kAddLearnerNode, voters[rng_.below(voters.size())]});
      cc.transition =
          rng_.chance(500) ? ConfChangeTransition::kAuto : ConfChangeTransition::kJointExplicit;
    } else {
      return kNone;
    }
    trace("propose conf change at " + std::to_string(lead));
    (void)node(lead).raw().propose_conf_change(cc);
    return lead;
  }

  NodeId transfer() {
    NodeId lead = leader();
    if (lead == kNone) return kNone;
    NodeId to = pick_node();
    trace("transfer leader " + std::to_string(lead) + " -> " + std::to_string(to));
    node(lead).raw().transfer_leader(to);
    return lead;
  }

  // A node's commit index is evidence of commitment as strong as an application: record what
  // its log holds up to there, so violations show before anyone applies the entry.
  void record_commits(TestNode& n) {
    const Raft& r = n.raft();
    Index commit = r.log().committed();
    Index from = std::max(recorded_commit_[n.id()] + 1, r.log().first_index());
    if (commit < from) return;
    auto ents = r.log().slice(from, commit + 1, kNoLimit);
    if (!ents.ok()) return;
    for (const Entry& e : *ents) {
      auto err = checker_.record_applied(n.id(), e, r.term());
      if (!err.empty()) return fail(err);
    }
    recorded_commit_[n.id()] = commit;
  }

  void check_all(bool full) {
    if (!result_.ok) return;
    std::vector<const Raft*> rafts;
    for (NodeId id : ids_) {
      TestNode& n = node(id);
      if (!n.alive()) {
        recorded_commit_[id] = 0;
        continue;
      }
      const Raft& r = n.raft();
      rafts.push_back(&r);
      record_commits(n);
      if (r.state() == StateType::kLeader) {
        if (last_leader_term_[id] != r.term()) {
          last_leader_term_[id] = r.term();
          ++result_.elections;
          // Leader hunting: new leaders are often cut off (or crashed) soon after they win,
          // before their first entries are replicated. That is what leaves logs with
          // conflicting uncommitted tails, the raw material of the subtle safety bugs.
          if (rng_.chance(hunt_per_mille_)) {
            int at = step_ + 1 + static_cast<int>(rng_.below(30));
            scheduled_.push_back({at, id, rng_.chance(700) ? Action::kIsolate : Action::kCrash});
            scheduled_.push_back({at + 10 + static_cast<int>(rng_.below(150)), id, Action::kHeal});
          }
          trace("node " + std::to_string(id) + " leads term " + std::to_string(r.term()));
        }
        auto err = checker_.check_leader(id, r.term());
        if (err.empty()) err = checker_.check_leader_completeness(r);
        if (!err.empty()) return fail(err);
      }
      auto err = checker_.check_committed_prefix(r);
      if (!err.empty()) return fail(err);
    }
    auto err = checker_.check_log_matching(rafts, full);
    if (!err.empty()) fail(err);
  }

  // After the faults heal, the group must elect a leader and commit a new proposal on every
  // member within a bounded number of rounds.
  void liveness() {
    cut_.clear();
    drop_per_mille_ = 0;
    dup_per_mille_ = 0;
    for (NodeId id : ids_) {
      if (!node(id).alive()) restart(id);
    }
    constexpr int kRounds = 600;
    std::string probe = "final";
    int proposed_at = -1000;
    for (int round = 0; round < kRounds && result_.ok; ++round, ++step_) {
      for (NodeId id : ids_) node(id).raw().tick();
      // Deliver everything, including the backlog of delayed messages.
      for (int i = 0; i < 200; ++i) {
        bool any = false;
        for (NodeId id : ids_) {
          if (node(id).raw().has_ready()) {
            process_ready(id, false);
            any = true;
          }
        }
        if (network_.empty() && !any) break;
        auto batch = std::exchange(network_, {});
        for (auto& f : batch) deliver(f.msg);
      }
      check_all(round % 10 == 0);
      if (round % 40 == 39) {
        for (NodeId id : ids_) node(id).snapshot_and_compact(rng_.below(4));
      }
      NodeId lead = leader();
      if (lead == kNone) continue;
      const TrackerConfig& cfg = node(lead).raft().tracker().config;
      if (cfg.voters.joint() && !cfg.auto_leave && round - proposed_at > 20) {
        (void)node(lead).raw().propose_conf_change(ConfChange{});
      }
      if (round - proposed_at > 30) {
        (void)node(lead).raw().propose(probe);
        proposed_at = round;
      }
      // Done when every member of the leader's configuration has applied the probe.
      Index probe_index = 0;
      for (Index i = checker_.acknowledged_index(); i > 0; --i) {
        const Entry* e = checker_.history_at(i);
        if (e == nullptr) break;
        if (e->data == probe) {
          probe_index = i;
          break;
        }
      }
      if (probe_index == 0) continue;
      bool all = true;
      for (NodeId id : ids_) {
        bool member = cfg.voters.contains(id) || cfg.learners.count(id);
        if (member && node(id).applied_index() < probe_index) all = false;
      }
      if (all) {
        check_all(true);
        return;
      }
    }
    if (result_.ok) {
      std::string state;
      for (NodeId id : ids_) {
        const Raft& r = node(id).raft();
        state += " " + std::to_string(id) + ":" + std::string(to_string(r.state())) + "/t" +
                 std::to_string(r.term()) + "/c" + std::to_string(r.log().committed()) + "/a" +
                 std::to_string(node(id).applied_index());
      }
      fail("liveness: no new entry committed on every member within " + std::to_string(kRounds) +
           " rounds after healing;" + state);
    }
  }

  SimOptions opt_;
  Rng rng_;
  bool pre_vote_ = true;
  bool check_quorum_ = true;
  bool lazy_commit_ = false;
  bool hold_votes_ = false;
  uint64_t max_size_per_msg_ = kNoLimit;
  size_t max_inflight_ = 4;
  uint64_t drop_per_mille_ = 0;
  uint64_t dup_per_mille_ = 0;
  uint64_t max_delay_ = 1;
  uint64_t restarts_ = 0;
  uint64_t hunt_per_mille_ = 0;
  std::vector<Scheduled> scheduled_;
  std::vector<NodeId> ids_;
  std::map<NodeId, uint64_t> tick_weight_;
  std::map<NodeId, std::unique_ptr<TestNode>> nodes_;
  std::vector<InFlight> network_;
  std::set<std::pair<NodeId, NodeId>> cut_;
  std::map<std::string, PendingRead> reads_;
  std::map<NodeId, Term> last_leader_term_;
  std::map<NodeId, Index> recorded_commit_;
  InvariantChecker checker_;
  uint64_t proposals_ = 0;
  uint64_t read_counter_ = 0;
  int step_ = 0;
  SimResult result_;
};

}  // namespace

SimResult run_simulation(const SimOptions& options) { return Simulation(options).run(); }

}  // namespace seshat::raft::sim
