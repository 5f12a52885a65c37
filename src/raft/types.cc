#include "raft/types.h"

namespace seshat::raft {

uint64_t entries_size(const std::vector<Entry>& entries) {
  uint64_t n = 0;
  for (const auto& e : entries) n += entry_size(e);
  return n;
}

std::string_view to_string(MessageType t) {
  static constexpr std::string_view kNames[kMessageTypeCount] = {
      "MsgHup",           "MsgBeat",           "MsgProp",        "MsgApp",
      "MsgAppResp",       "MsgVote",           "MsgVoteResp",    "MsgSnap",
      "MsgHeartbeat",     "MsgHeartbeatResp",  "MsgUnreachable", "MsgSnapStatus",
      "MsgCheckQuorum",   "MsgTransferLeader", "MsgTimeoutNow",  "MsgReadIndex",
      "MsgReadIndexResp", "MsgPreVote",        "MsgPreVoteResp"};
  auto i = static_cast<size_t>(t);
  return i < kMessageTypeCount ? kNames[i] : "MsgUnknown";
}

bool is_local_message(MessageType t) {
  return t == MessageType::kHup || t == MessageType::kBeat || t == MessageType::kUnreachable ||
         t == MessageType::kSnapStatus || t == MessageType::kCheckQuorum;
}

std::string_view malformed_peer_message(const Message& m) {
  switch (m.type) {
    case MessageType::kVote:
    case MessageType::kVoteResp:
    case MessageType::kPreVote:
    case MessageType::kPreVoteResp:
      if (m.term == 0) return "vote message without a term";
      break;
    case MessageType::kProp:
      if (m.entries.empty()) return "proposal without entries";
      break;
    case MessageType::kApp: {
      if (m.log_term > m.term) return "append whose previous entry has a later term than it";
      Term last = m.log_term;
      for (size_t i = 0; i < m.entries.size(); ++i) {
        const Entry& e = m.entries[i];
        if (e.index != m.index + 1 + i) return "append whose entries do not follow its index";
        if (e.term < last || e.term > m.term) return "append whose entry terms are out of order";
        last = e.term;
      }
      break;
    }
    case MessageType::kSnap:
      if (!m.snapshot.has_value() || m.snapshot->metadata.index == 0) {
        return "snapshot message without a snapshot";
      }
      break;
    default: break;
  }
  return {};
}

bool is_response_message(MessageType t) {
  return t == MessageType::kAppResp || t == MessageType::kVoteResp ||
         t == MessageType::kHeartbeatResp || t == MessageType::kUnreachable ||
         t == MessageType::kPreVoteResp;
}

MessageType vote_response_type(MessageType t) {
  if (t == MessageType::kVote) return MessageType::kVoteResp;
  if (t == MessageType::kPreVote) return MessageType::kPreVoteResp;
  panic("vote_response_type of a non-vote message");
}

std::string_view to_string(StateType s) {
  switch (s) {
    case StateType::kFollower: return "StateFollower";
    case StateType::kCandidate: return "StateCandidate";
    case StateType::kLeader: return "StateLeader";
    case StateType::kPreCandidate: return "StatePreCandidate";
  }
  return "StateUnknown";
}

bool ConfChange::enter_joint(bool* auto_leave) const {
  // A single change can be made without a joint configuration because any two majorities of
  // configurations that differ by one voter overlap. More changes need the joint step.
  if (transition != ConfChangeTransition::kAuto || changes.size() > 1) {
    *auto_leave = transition != ConfChangeTransition::kJointExplicit;
    return true;
  }
  *auto_leave = false;
  return false;
}

// The conf change encoding: varints, so that it is compact, stable across platforms and easy to
// re-implement in another language. Layout: transition, count, (type, node_id)*, context length,
// context bytes.
namespace {

void put_varint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool get_varint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string encode_conf_change(const ConfChange& cc) {
  std::string out;
  put_varint(&out, static_cast<uint64_t>(cc.transition));
  put_varint(&out, cc.changes.size());
  for (const auto& c : cc.changes) {
    put_varint(&out, static_cast<uint64_t>(c.type));
    put_varint(&out, c.node_id);
  }
  put_varint(&out, cc.context.size());
  out += cc.context;
  return out;
}

Result<ConfChange> decode_conf_change(std::string_view in) {
  ConfChange cc;
  uint64_t transition = 0, count = 0;
  if (!get_varint(&in, &transition) || transition > 2) return ErrorCode::kCorrupt;
  cc.transition = static_cast<ConfChangeTransition>(transition);
  if (!get_varint(&in, &count) || count > in.size()) return ErrorCode::kCorrupt;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t type = 0, id = 0;
    if (!get_varint(&in, &type) || type > 2 || !get_varint(&in, &id)) return ErrorCode::kCorrupt;
    cc.changes.push_back({static_cast<ConfChangeType>(type), id});
  }
  uint64_t ctx_len = 0;
  if (!get_varint(&in, &ctx_len) || ctx_len != in.size()) return ErrorCode::kCorrupt;
  cc.context = std::string(in);
  return cc;
}

}  // namespace seshat::raft
