#include "transport/message_codec.h"

#include <iterator>
#include <utility>

namespace seshat::transport {

namespace {

// The enums share their numbering (proto/raft.proto says so); these checks keep it that way.
using MT = raft::MessageType;
constexpr std::pair<MT, pb::MessageType> kSameNumber[] = {
    {MT::kHup, pb::MSG_HUP},
    {MT::kBeat, pb::MSG_BEAT},
    {MT::kProp, pb::MSG_PROP},
    {MT::kApp, pb::MSG_APP},
    {MT::kAppResp, pb::MSG_APP_RESP},
    {MT::kVote, pb::MSG_VOTE},
    {MT::kVoteResp, pb::MSG_VOTE_RESP},
    {MT::kSnap, pb::MSG_SNAP},
    {MT::kHeartbeat, pb::MSG_HEARTBEAT},
    {MT::kHeartbeatResp, pb::MSG_HEARTBEAT_RESP},
    {MT::kUnreachable, pb::MSG_UNREACHABLE},
    {MT::kSnapStatus, pb::MSG_SNAP_STATUS},
    {MT::kCheckQuorum, pb::MSG_CHECK_QUORUM},
    {MT::kTransferLeader, pb::MSG_TRANSFER_LEADER},
    {MT::kTimeoutNow, pb::MSG_TIMEOUT_NOW},
    {MT::kReadIndex, pb::MSG_READ_INDEX},
    {MT::kReadIndexResp, pb::MSG_READ_INDEX_RESP},
    {MT::kPreVote, pb::MSG_PRE_VOTE},
    {MT::kPreVoteResp, pb::MSG_PRE_VOTE_RESP},
};
constexpr bool same_numbering() {
  for (const auto& [ours, wire] : kSameNumber) {
    if (static_cast<int>(ours) != static_cast<int>(wire)) return false;
  }
  return std::size(kSameNumber) == raft::kMessageTypeCount;
}
static_assert(same_numbering(), "raft::MessageType and proto MessageType disagree");
static_assert(raft::kMessageTypeCount == pb::MessageType_ARRAYSIZE);
static_assert(static_cast<int>(raft::EntryType::kConfChange) == pb::ENTRY_CONF_CHANGE);

// A field added to one of these structs must be added to proto/raft.proto and to this file too;
// these size checks (x86-64, libstdc++) make sure such a change does not go unnoticed.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(raft::Message) == 288, "raft::Message changed: update the codec");
static_assert(sizeof(raft::Entry) == 56, "raft::Entry changed: update the codec");
static_assert(sizeof(raft::ConfState) == 104, "raft::ConfState changed: update the codec");
static_assert(sizeof(raft::SnapshotMetadata) == 120, "SnapshotMetadata changed: update codec");
static_assert(sizeof(raft::Snapshot) == 152, "raft::Snapshot changed: update the codec");
#endif

// Per-message and per-entry allowance for header fields in approximate_size().
constexpr size_t kMessageOverhead = 64;
constexpr size_t kEntryOverhead = 24;

template <class Ids>
void copy_ids(const std::vector<raft::NodeId>& in, Ids* out) {
  out->Reserve(static_cast<int>(in.size()));
  for (raft::NodeId id : in) out->Add(id);
}

template <class Ids>
std::vector<raft::NodeId> ids_of(const Ids& in) {
  return std::vector<raft::NodeId>(in.begin(), in.end());
}

void conf_state_to_proto(const raft::ConfState& in, pb::ConfState* out) {
  copy_ids(in.voters, out->mutable_voters());
  copy_ids(in.learners, out->mutable_learners());
  copy_ids(in.voters_outgoing, out->mutable_voters_outgoing());
  copy_ids(in.learners_next, out->mutable_learners_next());
  out->set_auto_leave(in.auto_leave);
}

raft::ConfState conf_state_from_proto(const pb::ConfState& in) {
  raft::ConfState out;
  out.voters = ids_of(in.voters());
  out.learners = ids_of(in.learners());
  out.voters_outgoing = ids_of(in.voters_outgoing());
  out.learners_next = ids_of(in.learners_next());
  out.auto_leave = in.auto_leave();
  return out;
}

// Copies every field but the byte strings, which the callers move or copy as they can.
void header_to_proto(const raft::Message& in, pb::Message* out) {
  out->set_type(static_cast<pb::MessageType>(in.type));
  out->set_to(in.to);
  out->set_from(in.from);
  out->set_term(in.term);
  out->set_log_term(in.log_term);
  out->set_index(in.index);
  out->set_commit(in.commit);
  out->set_reject(in.reject);
  out->set_reject_hint(in.reject_hint);
}

}  // namespace

void to_proto(const raft::SnapshotMetadata& in, pb::SnapshotMetadata* out) {
  conf_state_to_proto(in.conf_state, out->mutable_conf_state());
  out->set_index(in.index);
  out->set_term(in.term);
}

raft::SnapshotMetadata from_proto(const pb::SnapshotMetadata& in) {
  raft::SnapshotMetadata out;
  out.conf_state = conf_state_from_proto(in.conf_state());
  out.index = in.index();
  out.term = in.term();
  return out;
}

void to_proto(raft::Message&& in, pb::Message* out) {
  header_to_proto(in, out);
  out->mutable_entries()->Reserve(static_cast<int>(in.entries.size()));
  for (raft::Entry& e : in.entries) {
    pb::Entry* pe = out->add_entries();
    pe->set_term(e.term);
    pe->set_index(e.index);
    pe->set_type(static_cast<pb::EntryType>(e.type));
    pe->set_data(std::move(e.data));
  }
  if (in.snapshot.has_value()) {
    pb::Snapshot* ps = out->mutable_snapshot();
    ps->set_data(std::move(in.snapshot->data));
    to_proto(in.snapshot->metadata, ps->mutable_metadata());
  }
  out->set_context(std::move(in.context));
}

void to_proto(const raft::Message& in, pb::Message* out) {
  raft::Message copy = in;
  to_proto(std::move(copy), out);
}

std::optional<raft::Message> from_proto(pb::Message&& in) {
  if (in.type() < 0 || in.type() >= raft::kMessageTypeCount) return std::nullopt;
  raft::Message out;
  out.type = static_cast<raft::MessageType>(in.type());
  out.to = in.to();
  out.from = in.from();
  out.term = in.term();
  out.log_term = in.log_term();
  out.index = in.index();
  out.commit = in.commit();
  out.reject = in.reject();
  out.reject_hint = in.reject_hint();
  out.entries.reserve(static_cast<size_t>(in.entries_size()));
  for (pb::Entry& pe : *in.mutable_entries()) {
    if (pe.type() != pb::ENTRY_NORMAL && pe.type() != pb::ENTRY_CONF_CHANGE) return std::nullopt;
    raft::Entry e;
    e.term = pe.term();
    e.index = pe.index();
    e.type = static_cast<raft::EntryType>(pe.type());
    e.data = std::move(*pe.mutable_data());
    out.entries.push_back(std::move(e));
  }
  if (in.has_snapshot()) {
    raft::Snapshot snap;
    snap.data = std::move(*in.mutable_snapshot()->mutable_data());
    snap.metadata = from_proto(in.snapshot().metadata());
    out.snapshot = std::move(snap);
  }
  out.context = std::move(*in.mutable_context());
  return out;
}

DecodedBatch decode_batch(pb::MessageBatch& batch) {
  DecodedBatch out;
  out.messages.reserve(static_cast<size_t>(batch.messages_size()));
  for (pb::Message& pm : *batch.mutable_messages()) {
    // Each message must agree with the batch's identity, or a member could speak for another.
    if (pm.from() != batch.from() || pm.to() != batch.to()) {
      out.error = "message from " + std::to_string(pm.from()) + " to " + std::to_string(pm.to()) +
                  " inside a batch from " + std::to_string(batch.from());
      out.wrong_identity = true;
      break;
    }
    std::optional<raft::Message> msg = from_proto(std::move(pm));
    if (!msg.has_value()) {
      out.error = "undecodable message (unknown message or entry type)";
      break;
    }
    // Only the local node may generate these; the Raft core would refuse them anyway.
    if (raft::is_local_message(msg->type)) continue;
    if (std::string_view why = raft::malformed_peer_message(*msg); !why.empty()) {
      out.error = std::string(raft::to_string(msg->type)) + ": " + std::string(why);
      break;
    }
    out.messages.push_back(std::move(*msg));
  }
  if (!out.error.empty()) out.messages.clear();
  return out;
}

size_t approximate_size(const raft::Message& m) {
  size_t bytes = kMessageOverhead + m.context.size();
  for (const raft::Entry& e : m.entries) bytes += kEntryOverhead + e.data.size();
  if (m.snapshot.has_value()) bytes += m.snapshot->data.size();
  return bytes;
}

}  // namespace seshat::transport
