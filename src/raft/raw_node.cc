#include "raft/raw_node.h"

namespace seshat::raft {

Result<std::unique_ptr<RawNode>> RawNode::create(const Config& config) {
  auto r = Raft::create(config);
  if (!r.ok()) return r.error();
  return std::make_unique<RawNode>(std::move(r).value());
}

RawNode::RawNode(std::unique_ptr<Raft> raft)
    : raft_(std::move(raft)), prev_soft_(raft_->soft_state()), prev_hard_(raft_->hard_state()) {}

void RawNode::tick() { raft_->tick(); }

Status RawNode::campaign() { return raft_->step(Message{.type = MessageType::kHup}); }

Status RawNode::propose(std::string data) {
  Message m{.type = MessageType::kProp, .from = raft_->id()};
  m.entries.push_back(Entry{.data = std::move(data)});
  return raft_->step(m);
}

Status RawNode::propose_conf_change(const ConfChange& cc) {
  Message m{.type = MessageType::kProp, .from = raft_->id()};
  m.entries.push_back(Entry{.type = EntryType::kConfChange, .data = encode_conf_change(cc)});
  return raft_->step(m);
}

Status RawNode::step(const Message& m) {
  if (is_local_message(m.type)) return ErrorCode::kStepLocalMsg;
  if (is_response_message(m.type) && !raft_->tracker().progress.count(m.from)) {
    return ErrorCode::kStepPeerNotFound;
  }
  return raft_->step(m);
}

Status RawNode::step_read_index_under_lease(const Message& m) {
  if (m.type != MessageType::kReadIndex) return step(m);
  return raft_->step_read_index_under_lease(m);
}

void RawNode::read_index(std::string context) {
  Message m{.type = MessageType::kReadIndex};
  m.context = std::move(context);
  (void)raft_->step(m);
}

void RawNode::transfer_leader(NodeId transferee) {
  (void)raft_->step(Message{.type = MessageType::kTransferLeader, .from = transferee});
}

Result<ConfState> RawNode::apply_conf_change(const ConfChange& cc) {
  return raft_->apply_conf_change(cc);
}

void RawNode::report_unreachable(NodeId id) { raft_->report_unreachable(id); }

void RawNode::reset_peer_progress(NodeId id) { raft_->forget_peer_progress(id); }
void RawNode::report_snapshot(NodeId id, bool failed) { raft_->report_snapshot(id, failed); }

bool RawNode::has_ready() const {
  const RaftLog& log = raft_->log();
  HardState hs = raft_->hard_state();
  return raft_->soft_state() != prev_soft_ || (!hs.empty() && hs != prev_hard_) ||
         log.unstable_snapshot().has_value() || !log.unstable_entries().empty() ||
         log.has_next_committed_entries() || raft_->has_messages() || raft_->has_read_states();
}

Ready RawNode::ready() {
  Ready rd;
  const RaftLog& log = raft_->log();
  rd.entries = log.unstable_entries();
  rd.committed_entries = log.next_committed_entries();
  if (log.unstable_snapshot()) rd.snapshot = *log.unstable_snapshot();
  SoftState ss = raft_->soft_state();
  if (ss != prev_soft_) {
    rd.soft_state = ss;
    prev_soft_ = ss;
  }
  HardState hs = raft_->hard_state();
  if (!hs.empty() && hs != prev_hard_) rd.hard_state = hs;
  rd.messages = raft_->take_messages();
  rd.messages_after_persist = raft_->take_messages_after_persist();
  rd.read_states = raft_->take_read_states();
  rd.must_sync = !rd.entries.empty() || (rd.hard_state && (rd.hard_state->term != prev_hard_.term ||
                                                           rd.hard_state->vote != prev_hard_.vote));
  return rd;
}

void RawNode::advance(const Ready& rd) {
  if (rd.hard_state) {
    prev_hard_ = *rd.hard_state;
    raft_->on_hard_state_persisted(*rd.hard_state);
  }
  if (rd.snapshot) {
    raft_->on_snapshot_persisted(rd.snapshot->metadata.index);
    // The state machine now reflects the snapshot.
    if (rd.snapshot->metadata.index > raft_->log().applied()) {
      raft_->applied_to(rd.snapshot->metadata.index, 0);
    }
  }
  if (!rd.entries.empty()) raft_->on_persisted(rd.entries.back().index, rd.entries.back().term);
  if (!rd.committed_entries.empty()) {
    uint64_t bytes = 0;
    for (const auto& e : rd.committed_entries) bytes += payload_size(e);
    raft_->applied_to(rd.committed_entries.back().index, bytes);
  }
}

NodeStatus RawNode::status() const {
  NodeStatus s;
  s.id = raft_->id();
  s.hard_state = raft_->hard_state();
  s.soft_state = raft_->soft_state();
  s.applied = raft_->log().applied();
  s.config = raft_->tracker().config;
  if (raft_->state() == StateType::kLeader) s.progress = raft_->tracker().progress;
  s.lead_transferee = raft_->lead_transferee();
  return s;
}

}  // namespace seshat::raft
