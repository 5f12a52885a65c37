#include "support/test_node.h"

#include <cstdio>
#include <cstring>

namespace seshat::raft::testing {

TestNode::TestNode(NodeId id, const std::vector<NodeId>& peers, std::function<void(Config&)> tweak,
                   const std::vector<NodeId>& learners)
    : id_(id), tweak_(std::move(tweak)), storage_(std::make_unique<MemoryStorage>()) {
  ConfState cs;
  cs.voters = peers;
  cs.learners = learners;
  storage_->bootstrap(cs);
  conf_state_ = cs;
  initial_conf_ = cs;
  start();
}

void TestNode::start() {
  Config c;
  c.id = id_;
  c.storage = storage_.get();
  c.election_tick = 10;
  c.heartbeat_tick = 1;
  c.max_size_per_msg = kNoLimit;
  c.max_inflight_msgs = 256;
  c.applied = applied_index_;
  if (tweak_) tweak_(c);
  c.applied = applied_index_;
  auto n = RawNode::create(c);
  if (!n.ok()) {
    std::fprintf(stderr, "RawNode::create failed: %s\n", std::string(to_string(n.error())).c_str());
    std::abort();
  }
  node_ = std::move(n).value();
}

Outbox TestNode::handle_ready(bool crash_before_persist) {
  Outbox out;
  if (!node_ || !node_->has_ready()) return out;
  Ready rd = node_->ready();
  out.early = std::move(rd.messages);
  if (crash_before_persist) {
    crash();
    return out;
  }
  // 2. Persist: snapshot, entries, hard state.
  if (rd.snapshot) (void)storage_->apply_snapshot(*rd.snapshot);
  if (auto s = storage_->append(rd.entries); !s.ok()) std::abort();
  if (rd.hard_state) storage_->set_hard_state(*rd.hard_state);
  // 3. Now the acknowledgements may leave.
  out.after = std::move(rd.messages_after_persist);
  // 4. Apply.
  if (rd.snapshot && rd.snapshot->metadata.index > applied_index_) {
    applied_ = decode_state(rd.snapshot->data);
    applied_index_ = rd.snapshot->metadata.index;
    conf_state_ = rd.snapshot->metadata.conf_state;
  }
  for (const Entry& e : rd.committed_entries) {
    if (e.index <= applied_index_) continue;
    if (e.type == EntryType::kConfChange) {
      auto cc = decode_conf_change(e.data);
      if (cc.ok()) {
        auto cs = node_->apply_conf_change(*cc);
        if (cs.ok()) conf_state_ = *cs;
      }
    }
    applied_.push_back(e);
    applied_index_ = e.index;
  }
  for (auto& rs : rd.read_states) read_states_.push_back(std::move(rs));
  node_->advance(rd);
  return out;
}

void TestNode::crash() { node_.reset(); }

void TestNode::wipe() {
  node_.reset();
  storage_ = std::make_unique<MemoryStorage>();
  storage_->bootstrap(initial_conf_);
  applied_.clear();
  applied_index_ = 0;
  conf_state_ = initial_conf_;
  read_states_.clear();
  start();
}

void TestNode::restart() {
  node_.reset();
  // The state machine is volatile too: rebuild it from the durable snapshot, then the log
  // replays from there.
  auto snap = storage_->snapshot();
  applied_ = decode_state(snap->data);
  applied_index_ = snap->metadata.index;
  conf_state_ = snap->metadata.conf_state;
  read_states_.clear();
  start();
}

void TestNode::snapshot_and_compact(Index keep_entries) {
  if (!node_) return;
  auto snap = storage_->snapshot();
  if (applied_index_ <= snap->metadata.index) return;
  (void)storage_->create_snapshot(applied_index_, &conf_state_, encode_state(applied_));
  if (applied_index_ > keep_entries + 1) {
    Index to = applied_index_ - keep_entries;
    if (to > storage_->first_index().value()) (void)storage_->compact(to);
  }
}

namespace {
void put_u64(std::string* s, uint64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }
uint64_t get_u64(const std::string& s, size_t* pos) {
  uint64_t v = 0;
  std::memcpy(&v, s.data() + *pos, 8);
  *pos += 8;
  return v;
}
}  // namespace

std::string TestNode::encode_state(const std::vector<Entry>& applied) {
  std::string s;
  for (const auto& e : applied) {
    put_u64(&s, e.index);
    put_u64(&s, e.term);
    put_u64(&s, static_cast<uint64_t>(e.type));
    put_u64(&s, e.data.size());
    s += e.data;
  }
  return s;
}

std::vector<Entry> TestNode::decode_state(const std::string& data) {
  std::vector<Entry> out;
  size_t pos = 0;
  while (pos + 32 <= data.size()) {
    Entry e;
    e.index = get_u64(data, &pos);
    e.term = get_u64(data, &pos);
    e.type = static_cast<EntryType>(get_u64(data, &pos));
    uint64_t n = get_u64(data, &pos);
    e.data = data.substr(pos, n);
    pos += n;
    out.push_back(std::move(e));
  }
  return out;
}

std::string describe(const Entry& e) {
  std::string s = std::to_string(e.term) + "/" + std::to_string(e.index);
  if (e.type == EntryType::kConfChange) {
    auto cc = decode_conf_change(e.data);
    s += " EntryConfChange";
    if (cc.ok()) {
      if (cc->leave_joint()) s += " leave";
      for (const auto& c : cc->changes) {
        s += c.type == ConfChangeType::kAddNode          ? " v"
             : c.type == ConfChangeType::kAddLearnerNode ? " l"
                                                         : " r";
        s += std::to_string(c.node_id);
      }
    }
  } else {
    s += " EntryNormal";
    if (!e.data.empty()) s += " \"" + e.data + "\"";
  }
  return s;
}

std::string describe(const Message& m) {
  std::string s = std::to_string(m.from) + "->" + std::to_string(m.to) + " " +
                  std::string(to_string(m.type)) + " Term:" + std::to_string(m.term);
  switch (m.type) {
    case MessageType::kApp:
      s += " Log:" + std::to_string(m.log_term) + "/" + std::to_string(m.index) +
           " Commit:" + std::to_string(m.commit);
      if (!m.entries.empty()) {
        s += " Entries:[";
        for (size_t i = 0; i < m.entries.size(); ++i) {
          s += (i ? ", " : "") + describe(m.entries[i]);
        }
        s += "]";
      }
      break;
    case MessageType::kAppResp:
      s += " Index:" + std::to_string(m.index);
      if (m.reject) {
        s += " Rejected (Hint: " + std::to_string(m.reject_hint) +
             ", Term: " + std::to_string(m.log_term) + ")";
      }
      break;
    case MessageType::kVote:
    case MessageType::kPreVote:
      s += " Log:" + std::to_string(m.log_term) + "/" + std::to_string(m.index);
      if (!m.context.empty()) s += " " + m.context;
      break;
    case MessageType::kVoteResp:
    case MessageType::kPreVoteResp:
      if (m.reject) s += " Rejected";
      break;
    case MessageType::kHeartbeat:
      s += " Commit:" + std::to_string(m.commit);
      if (!m.context.empty()) s += " Ctx:" + m.context;
      break;
    case MessageType::kHeartbeatResp:
      if (m.reject) s += " Rejected (Hint: " + std::to_string(m.reject_hint) + ")";
      if (!m.context.empty()) s += " Ctx:" + m.context;
      break;
    case MessageType::kSnap:
      if (m.snapshot) {
        s += " Snapshot: Index:" + std::to_string(m.snapshot->metadata.index) +
             " Term:" + std::to_string(m.snapshot->metadata.term);
      }
      break;
    case MessageType::kReadIndex:
    case MessageType::kReadIndexResp:
      s += " Index:" + std::to_string(m.index) + " Ctx:" + m.context;
      break;
    case MessageType::kProp:
      for (const auto& e : m.entries) s += " " + describe(e);
      break;
    default: break;
  }
  return s;
}

}  // namespace seshat::raft::testing
