#include "replication/raft_driver.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <random>

#include "kv/operation.h"
#include "kv/state_machine.h"
#include "replication/errors.h"
#include "replication/maintenance.h"
#include "replication/membership.h"
#include "replication/raft_timing.h"
#include "storage/snapshot_codec.h"
#include "transport/transport.h"

namespace seshat::replication {

namespace {

using protocol::Reply;

[[noreturn]] void fatal(const std::string& what) {
  spdlog::critical("{}; stopping the node", what);
  spdlog::shutdown();
  std::abort();
}

}  // namespace

using namespace errors;

RaftDriver::RaftDriver(storage::Engine& engine, storage::RaftLogStorage& log,
                       RaftDriverOptions options, ClusterViewHolder* cluster_view)
    : engine_(engine),
      log_(log),
      options_(std::move(options)),
      state_(engine, options_.limits),
      cluster_view_(cluster_view) {
  // Proposal ids only need to be unique among this process's live proposals and must not
  // match ids of entries proposed before a restart: start from a random point.
  std::random_device rd;
  next_proposal_id_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  client_addrs_[options_.node_id] = options_.client_addr;
  client_tls_ports_[options_.node_id] = options_.client_tls_port;
  book_ = options_.book;
}

RaftDriver::~RaftDriver() { stop(); }

absl::Status RaftDriver::start() {
  raft::Config config;
  config.id = options_.node_id;
  const RaftTiming timing =
      raft_timing(options_.heartbeat_interval_ms, options_.election_timeout_min_ms,
                  options_.election_timeout_max_ms);
  config.heartbeat_tick = timing.heartbeat_tick;
  config.election_tick = timing.election_tick;
  config.election_tick_max = timing.election_tick_max;
  // A fresh seed per start: the election timeouts of two nodes never follow one sequence.
  std::random_device seed_source;
  config.random_seed = (static_cast<uint64_t>(seed_source()) << 32 | seed_source()) | 1;
  config.storage = &log_;
  config.applied = state_.applied_index();
  config.check_quorum = true;
  config.pre_vote = true;
  // Always, whatever this node's read mode: other members' leases may count on our vote.
  config.hold_votes_after_start = true;
  // A commit goes only to followers that get entries anyway; the others learn it from the
  // next append or heartbeat, or at once when a READONLY read waits for it (the leader's
  // answer to their ReadIndex request sees to it). Followers then apply in larger batches.
  config.lazy_commit_broadcast = true;
  lease_duration_ = lease_duration(timing);
  config.max_size_per_msg = 1 << 20;
  config.max_inflight_msgs = 256;
  config.max_uncommitted_entries_size = 256ull << 20;
  auto node = raft::RawNode::create(config);
  if (!node.ok()) return absl::InternalError("cannot start the Raft node (bad config or storage)");
  node_ = std::move(*node);
  applied_ = state_.applied_index();
  applied_index_ = applied_;
  local_reads_.publish_applied(applied_);
  last_snapshot_index_ = applied_;
  conf_ = log_.conf_state();
  removed_ = !is_member(conf_, options_.node_id);
  spdlog::info("raft: node {} starting at applied index {}, {} members", options_.node_id, applied_,
               member_ids(conf_).size());
  if (removed_) {
    spdlog::warn(
        "raft: this node is not a member of the cluster (it was removed, or has not "
        "been added yet): it will not vote or campaign");
  }
  sync_peers();
  // A cluster of one has nobody to wait for: take leadership at once instead of after an
  // election timeout, so a single-member node serves writes as soon as it listens.
  const auto& voters = log_.conf_state().voters;
  if (voters.size() == 1 && voters[0] == options_.node_id) {
    (void)node_->campaign();
    while (node_->has_ready()) handle_ready();
  }
  next_tick_ = Clock::now() + std::chrono::milliseconds(timing.tick_ms);
  next_maintenance_ = Clock::now() + std::chrono::milliseconds(options_.active_expire_interval_ms);
  publish_view();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "raft-driver");  // for top -H and perf
    run();
  });
  return absl::OkStatus();
}

void RaftDriver::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// ---- inputs from other threads ----

void RaftDriver::enqueue(Input input) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(input));
      if (queue_.size() == 1) cv_.notify_one();
      return;
    }
  }
  refuse(input, shutting_down());
}

void RaftDriver::on_message(raft::Message msg) { enqueue(StepInput{std::move(msg)}); }

void RaftDriver::on_unreachable(raft::NodeId peer) { enqueue(UnreachableInput{peer}); }

void RaftDriver::on_snapshot_status(raft::NodeId peer, bool ok) {
  enqueue(SnapshotStatusInput{peer, ok});
}

void RaftDriver::on_peer_info(raft::NodeId peer, const std::string& client_addr,
                              uint32_t client_tls_port) {
  enqueue(PeerInfoInput{peer, client_addr, client_tls_port});
}

void RaftDriver::propose(kv::Operation op, Done done) {
  enqueue(ProposeInput{std::move(op), std::move(done), Clock::now()});
}

void RaftDriver::read(kv::Operation op, Done done) {
  enqueue(ReadInput{std::move(op), std::move(done), Clock::now()});
}

std::optional<Reply> RaftDriver::read_locally(const kv::Operation& op) {
  // Lookups are counted only for a read that is answered here (a refused one runs again).
  kv::KeyLookups lookups;
  auto reply = local_reads_.try_read([&] { return state_.read(op, &lookups); });
  if (reply && options_.keyspace_stats != nullptr) options_.keyspace_stats->add(lookups);
  return reply;
}

Reply RaftDriver::for_client(absl::FunctionRef<Reply(kv::KeyLookups*)> run) const {
  if (options_.keyspace_stats == nullptr) return run(nullptr);
  kv::KeyLookups lookups;
  Reply reply = run(&lookups);
  options_.keyspace_stats->add(lookups);
  return reply;
}

uint64_t RaftDriver::watch_version(std::string_view key, int64_t now_ms) {
  return state_.version(key, now_ms);
}

std::shared_ptr<const storage::AclTable> RaftDriver::acl_table() { return engine_.acl_table(); }

uint64_t RaftDriver::acl_generation() { return engine_.acl_generation(); }

int64_t RaftDriver::proposal_time_ms() {
  int64_t now = wall_clock_ms();
  int64_t prev = last_proposal_ms_.load(std::memory_order_relaxed);
  while (prev < now && !last_proposal_ms_.compare_exchange_weak(prev, now)) {
  }
  return std::max(prev, now);
}

// ---- the driver loop ----

void RaftDriver::run() {
  const RaftTiming timing =
      raft_timing(options_.heartbeat_interval_ms, options_.election_timeout_min_ms,
                  options_.election_timeout_max_ms);
  const auto tick_interval = std::chrono::milliseconds(timing.tick_ms);
  std::vector<Input> inputs;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, std::min(next_tick_, next_maintenance_),
                     [this] { return !queue_.empty() || stopping_; });
      inputs.swap(queue_);
      stopping = stopping_;
    }
    if (stopping) {
      for (auto& in : inputs) refuse(in, shutting_down());
      fail_all(shutting_down());
      return;
    }
    auto now = Clock::now();
    // Ticks missed while a turn ran long are caught up, up to one heartbeat interval's worth
    // per turn: time in the core keeps pace with the clock without a slow turn (a long fsync)
    // turning at once into an election timeout before the queued messages are looked at.
    for (int n = 0; now >= next_tick_; ++n) {
      if (n == timing.heartbeat_tick) {
        next_tick_ = now + tick_interval;
        break;
      }
      node_->tick();
      next_tick_ += tick_interval;
    }
    renew_lease_if_used();
    handle_inputs(inputs);
    inputs.clear();
    resend_read_index(now);
    while (node_->has_ready()) handle_ready();
    serve_follower_reads();
    expire_requests(Clock::now());
    membership_maintenance(Clock::now());
    while (node_->has_ready()) handle_ready();
    if (Clock::now() >= next_maintenance_) {
      publish_view();  // INFO and CLUSTER NODES stay current (match indexes, commit)
      log_.drop_unclaimed_snapshot_streams(std::chrono::seconds(60));
      run_maintenance();
      check_disk_space(Clock::now());
      next_maintenance_ =
          Clock::now() + std::chrono::milliseconds(options_.active_expire_interval_ms);
      while (node_->has_ready()) handle_ready();
    }
  }
}

void RaftDriver::refuse(Input& input, const absl::Status& error) {
  std::visit(
      [error](auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, JoinInput>) {
          transport::JoinReply r;
          r.error = std::string(error.message());
          in.done(std::move(r));
        } else if constexpr (std::is_same_v<T, RefreshInput>) {
          in.refreshed();  // nothing newer will come: the last published status stands
        } else if constexpr (std::is_same_v<T, HandOverInput>) {
          in.started(raft::kNone, 0);
        } else if constexpr (requires { in.done; }) {
          in.done(error);
        }
      },
      input);
}

void RaftDriver::handle_inputs(std::vector<Input>& inputs) {
  const auto timeout = std::chrono::milliseconds(options_.request_timeout_ms);
  const bool leader = leader_id_.load() == options_.node_id;
  // Every proposal of the turn goes into one log entry, in arrival order.
  std::vector<Proposal> batch;
  // Status refreshes are answered once this turn's inputs are in the core, so a status asked
  // for after a write was acknowledged includes that write.
  std::vector<std::function<void()>> refreshes;
  for (auto& input : inputs) {
    if (auto* in = std::get_if<ProposeInput>(&input)) {
      if (!leader) {
        in->done(leader_id_.load() == 0 ? no_leader() : not_leader());
        continue;
      }
      uint64_t id = next_proposal_id_++;
      batch.push_back(Proposal{id, kv::encode_operation(in->op)});
      proposals_[id] = PendingProposal{std::move(in->done), in->arrived + timeout, {}};
    } else if (auto* in = std::get_if<ReadInput>(&input)) {
      handle_read(*in, batch);
    } else if (auto* in = std::get_if<StepInput>(&input)) {
      // Messages from peers: the core checks terms, membership and commit indexes itself. A
      // follower's ReadIndex request is answered at once while this leader holds its lease;
      // without one it takes a round, and a round of our own starts the lease for the next.
      const bool follower_read = in->msg.type == raft::MessageType::kReadIndex && leader;
      if (follower_read && lease_covers_read()) {
        (void)node_->step_read_index_under_lease(in->msg);
      } else {
        if (follower_read && options_.lease_reads) lease_round_wanted_ = true;
        (void)node_->step(in->msg);
      }
    } else if (auto* in = std::get_if<UnreachableInput>(&input)) {
      node_->report_unreachable(in->peer);
    } else if (auto* in = std::get_if<SnapshotStatusInput>(&input)) {
      node_->report_snapshot(in->peer, !in->ok);
    } else if (auto* in = std::get_if<JoinInput>(&input)) {
      handle_join(in->request, in->done);
    } else if (auto* in = std::get_if<RemoveInput>(&input)) {
      handle_remove(in->id, in->done);
    } else if (auto* in = std::get_if<RefreshInput>(&input)) {
      refreshes.push_back(std::move(in->refreshed));
    } else if (auto* in = std::get_if<HandOverInput>(&input)) {
      raft::NodeId target = raft::kNone;
      uint64_t match = 0;
      if (leader_id_.load() == options_.node_id) {
        const raft::NodeStatus status = node_->status();
        target = best_transferee(status, conf_, options_.node_id);
        if (target != raft::kNone) {
          match = status.progress.at(target).match;
          node_->transfer_leader(target);
        }
      }
      in->started(target, match);
    } else if (auto* in = std::get_if<PeerInfoInput>(&input)) {
      // A handshake: the peer (re)connected. It may be a restarted process holding less than
      // it acknowledged (a wiped data directory): forget its progress so the leader finds
      // its real log by probing instead of trusting the old match index.
      node_->reset_peer_progress(in->peer);
      if (client_addrs_[in->peer] != in->client_addr ||
          client_tls_ports_[in->peer] != in->client_tls_port) {
        client_addrs_[in->peer] = in->client_addr;
        client_tls_ports_[in->peer] = in->client_tls_port;
        publish_view();
      }
    }
  }
  if (!batch.empty()) {
    // All proposals of this turn in one entry: one append, one replication round.
    if (node_->propose(encode_proposal_batch(batch)).ok()) {
      last_proposal_id_ = batch.back().id;
    } else {
      for (const auto& p : batch) {
        auto it = proposals_.find(p.id);
        if (it == proposals_.end()) continue;
        it->second.done(not_leader());
        for (auto& r : it->second.reads_after) answer(*r, not_leader());
        proposals_.erase(it);
      }
    }
  }
  send_read_round();
  if (!refreshes.empty()) {
    publish_view();
    for (auto& refreshed : refreshes) refreshed();
  }
}

void RaftDriver::send(std::vector<raft::Message> msgs) {
  if (msgs.empty() || transport_ == nullptr) return;
  // A snapshot's data is a token for a RocksDB view: stream it from that view on the
  // transport's thread, so the driver never waits for a whole data set to be read.
  std::vector<raft::Message> plain;
  plain.reserve(msgs.size());
  for (auto& m : msgs) {
    std::shared_ptr<storage::SnapshotStreamWriter> writer;
    if (m.type == raft::MessageType::kSnap && m.snapshot) {
      writer = log_.claim_snapshot_stream(m.snapshot->data);
    }
    if (!writer) {
      plain.push_back(std::move(m));
      continue;
    }
    m.snapshot->data.clear();
    spdlog::info("raft: streaming a snapshot at index {} to node {}", m.snapshot->metadata.index,
                 m.to);
    transport_->send_snapshot(
        std::move(m), [writer](size_t max_bytes) -> std::optional<transport::SnapshotPiece> {
          transport::SnapshotPiece piece;
          auto last = writer->next(max_bytes, piece.data);
          if (!last.ok()) {
            spdlog::warn("raft: reading the snapshot failed: {}", last.status().ToString());
            return std::nullopt;
          }
          piece.last = *last;
          return piece;
        });
  }
  if (!plain.empty()) transport_->send(std::move(plain));
}

void RaftDriver::on_leader_change(raft::NodeId before) {
  ++leader_changes_;
  const raft::NodeId lead = leader_id_.load();
  const uint64_t term = node_->status().hard_state.term;
  if (lead == options_.node_id) {
    last_election_ms_ = wall_clock_ms();
    spdlog::info("raft: became leader (term {})", term);
  } else if (lead == 0) {
    spdlog::info("raft: no leader (term {})", term);
  } else {
    spdlog::info("raft: following node {} (term {})", lead, term);
  }
  lease_until_ = {};
  publish_local_lease();
  if (before == options_.node_id) {
    fail_reads(not_leader(), /*leader_reads_only=*/true);
    if (options_.blocking != nullptr) options_.blocking->leadership_lost();
  }
  update_local_reads();
  publish_view();
}

void RaftDriver::handle_ready() {
  // Before anything leaves: io threads learn of a commit before any client can see it (a
  // follower's read, a reply), and a transfer begun this turn ends their lease reads.
  local_reads_.publish_commit(node_->raft().log().committed());
  publish_local_lease();
  raft::Ready rd = node_->ready();
  if (rd.soft_state && rd.soft_state->lead != leader_id_.load()) {
    const raft::NodeId before = leader_id_.exchange(rd.soft_state->lead);
    on_leader_change(before);
  }
  // 1. A leader's replication traffic goes out before its own write.
  send(std::move(rd.messages));
  // 2. Make the snapshot, entries and hard state durable in one batch.
  if (rd.snapshot && !rd.snapshot->empty()) {
    const auto install_began = Clock::now();
    auto st = state_.restore(log_, *rd.snapshot);
    snapshot_install_ms_ += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - install_began)
            .count());
    if (!st.ok()) fatal("installing a snapshot failed: " + st.ToString());
    applied_ = rd.snapshot->metadata.index;
    applied_index_ = applied_;
    local_reads_.publish_applied(applied_);
    last_snapshot_index_ = applied_;
    ++snapshots_installed_;
    spdlog::info("raft: installed snapshot at index {} (term {})", rd.snapshot->metadata.index,
                 rd.snapshot->metadata.term);
    // The snapshot carries the membership (its metadata) and the member book (its data).
    auto book = storage::load_member_book(engine_);
    if (!book.ok()) fatal("reading the member book of a snapshot: " + book.status().ToString());
    if (book->has_value()) book_ = std::move(**book);
    conf_ = rd.snapshot->metadata.conf_state;
    after_membership_change({});
    // Any key may have changed: clients blocked here (through the follower proxy) look again.
    if (options_.blocking != nullptr) options_.blocking->wake_all();
  }
  // Committed entries this node already holds on disk need not wait for this Ready's sync: a
  // leader under load finds batch N committed while batch N+1 is to be written, and N's
  // clients are answered before N+1's fsync instead of after it. The commit index goes to disk
  // first (unsynced, but ahead of the apply batch in RocksDB's WAL), so that a restart never
  // finds the applied index ahead of the stored commit.
  const bool apply_first = !rd.entries.empty() && !rd.committed_entries.empty() &&
                           rd.hard_state.has_value() && !rd.snapshot &&
                           rd.hard_state->commit <= log_.last_index().value();
  if (apply_first) {
    auto st = log_.persist(rd.hard_state, {}, /*sync=*/false);
    if (!st.ok()) fatal("persisting the Raft log failed: " + st.ToString());
    commit_index_ = rd.hard_state->commit;
    apply_committed(rd.committed_entries);
    ++applies_before_sync_;
  }
  if (rd.hard_state || !rd.entries.empty()) {
    auto st = log_.persist(rd.hard_state, rd.entries, rd.must_sync);
    if (!st.ok()) fatal("persisting the Raft log failed: " + st.ToString());
  }
  if (rd.hard_state) {
    term_ = rd.hard_state->term;
    commit_index_ = rd.hard_state->commit;
  }
  // 3. Acknowledgements and votes only once durable.
  send(std::move(rd.messages_after_persist));
  // 4. Apply, then answer.
  if (!apply_first && !rd.committed_entries.empty()) apply_committed(rd.committed_entries);
  for (const auto& rs : rd.read_states) on_read_state(rs);
  node_->advance(rd);
  publish_local_lease();
}

void RaftDriver::apply_committed(const std::vector<raft::Entry>& entries) {
  kv::StateMachine::Batch batch(state_);
  std::vector<std::pair<Done, Reply>> answers;
  std::vector<std::string> written;  // keys of applied writes, for blocked clients
  bool membership_changed = false;
  std::vector<uint64_t> finished_changes;
  for (const auto& e : entries) {
    if (e.index <= applied_) continue;  // already applied before a restart
    // Every entry moves the applied index, whether it carries operations or not (a new
    // leader's empty entry, a membership change).
    batch.skip(e.index);
    if (e.type == raft::EntryType::kConfChange) {
      apply_conf_change_entry(e, batch, finished_changes);
      membership_changed = true;
    } else if (!e.data.empty()) {
      apply_normal_entry(e, batch, written, answers);
    }
    applied_ = e.index;
    bytes_since_snapshot_ += e.data.size();
    run_reads_at(e.index, batch, answers);
  }
  if (auto st = batch.commit(); !st.ok()) fatal("applying entries failed: " + st.ToString());
  applied_index_ = applied_;
  local_reads_.publish_applied(applied_);
  for (auto& [done, reply] : answers) done(std::move(reply));
  if (!written.empty()) options_.blocking->keys_written(written);
  if (membership_changed) {
    log_.note_conf_state(conf_);
    after_membership_change(finished_changes);
  }
  maybe_snapshot();
}

void RaftDriver::apply_normal_entry(const raft::Entry& e, kv::StateMachine::Batch& batch,
                                    std::vector<std::string>& written,
                                    std::vector<std::pair<Done, Reply>>& answers) {
  auto proposals = decode_proposal_batch(e.data);
  if (!proposals) fatal("log entry " + std::to_string(e.index) + " holds an undecodable batch");
  for (auto& p : *proposals) {
    auto op = kv::decode_operation(p.operation);
    if (!op) fatal("log entry " + std::to_string(e.index) + " holds an undecodable operation");
    auto it = proposals_.find(p.id);
    if (it == proposals_.end()) {
      // Proposed by another node, or timed out here: nobody here waits for the reply.
      Reply reply = batch.apply(e.index, *op);
      note_written_keys(*op, reply, written);
      continue;
    }
    Reply reply =
        for_client([&](kv::KeyLookups* lookups) { return batch.apply(e.index, *op, lookups); });
    note_written_keys(*op, reply, written);
    answers.emplace_back(std::move(it->second.done), std::move(reply));
    // Reads that came between this proposal and the next see exactly the state after it.
    for (auto& r : it->second.reads_after) run_positioned_read(r, &batch, answers);
    proposals_.erase(it);
  }
}

void RaftDriver::note_written_keys(const kv::Operation& op, const Reply& reply,
                                   std::vector<std::string>& written) const {
  if (options_.blocking == nullptr || options_.blocking->empty()) return;
  // A blocking command's try that found nothing changed nothing: counting its keys would wake
  // its own waiter (or one on its destination) into another empty try, without end.
  const bool found_nothing =
      op.kind == kv::Operation::Kind::kCommand &&
      (reply.type() == Reply::Type::kNull || reply.type() == Reply::Type::kNullArray);
  for (const kv::Argv& argv : op.commands) {
    const kv::CommandSpec* spec = argv.empty() ? nullptr : kv::find_command(argv[0]);
    if (spec == nullptr || !(spec->flags & kv::kFlagWrite)) continue;
    if (found_nothing && (spec->flags & kv::kFlagBlocking)) continue;
    for (std::string_view key : kv::command_keys(*spec, argv)) written.emplace_back(key);
  }
}

void RaftDriver::expire_requests(Clock::time_point now) {
  for (auto it = proposals_.begin(); it != proposals_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    it->second.done(timed_out());
    for (auto& r : it->second.reads_after) answer(*r, timed_out());
    it = proposals_.erase(it);
  }
  expire_reads(now);
}

void RaftDriver::fail_all(const absl::Status& error) {
  fail_reads(error, /*leader_reads_only=*/false);
  for (auto& [id, p] : proposals_) p.done(error);
  proposals_.clear();
  fail_membership_waiters(error);
}

void RaftDriver::maybe_snapshot() {
  if (applied_ < last_snapshot_index_ + options_.snapshot_interval_entries &&
      bytes_since_snapshot_ < options_.snapshot_interval_bytes) {
    return;
  }
  // A snapshot is the state machine itself, cut on demand when a follower needs one; what
  // remains to do here is to drop the log behind the applied index. Keep some entries behind the
  // snapshot so a follower that is a little behind catches up from the log instead of needing the
  // whole snapshot.
  const uint64_t keep = std::min<uint64_t>(
      {options_.snapshot_interval_entries / 2, 5000, (applied_ - last_snapshot_index_) / 2});
  if (applied_ > keep) {
    if (auto c = log_.compact(applied_ - keep); !c.ok()) {
      spdlog::warn("raft: log compaction failed: {}", c.ToString());
    }
  }
  last_snapshot_index_ = applied_;
  bytes_since_snapshot_ = 0;
  ++log_compactions_;
  spdlog::info("raft: snapshot at index {}, log compacted", applied_);
}

void RaftDriver::propose_internal(std::string operation) {
  uint64_t id = next_proposal_id_++;
  (void)node_->propose(encode_proposal_batch({Proposal{id, std::move(operation)}}));
}

void RaftDriver::run_maintenance() {
  if (leader_id_.load() != options_.node_id) return;  // only the leader proposes deletions
  auto work =
      plan_maintenance(state_, proposal_time_ms(), options_.tombstone_ttl_ms, tombstone_cursor_);
  for (auto& op : work.operations) propose_internal(std::move(op));
}

}  // namespace seshat::replication
