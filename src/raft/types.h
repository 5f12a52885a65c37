// The plain data the Raft core exchanges with its caller: log entries, messages, persistent
// state and snapshots. Every field is a plain integer, bool, byte string or vector of those, so
// that the transport layer can map each struct one to one onto a protobuf message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raft/result.h"

namespace seshat::raft {

using NodeId = uint64_t;
using Index = uint64_t;
using Term = uint64_t;

// Node id 0 means "nobody": no vote cast, no known leader.
inline constexpr NodeId kNone = 0;
inline constexpr uint64_t kNoLimit = UINT64_MAX;

enum class EntryType : uint8_t {
  kNormal = 0,
  // data holds an encoded ConfChange (see encode_conf_change).
  kConfChange = 1,
};

struct Entry {
  Term term = 0;
  Index index = 0;
  EntryType type = EntryType::kNormal;
  std::string data{};
  bool operator==(const Entry&) const = default;
};

// Bytes an entry counts for in flow control and message size limits: the payload plus a fixed
// allowance for the header fields, so that empty entries still cost something.
inline uint64_t entry_size(const Entry& e) { return e.data.size() + 24; }
// Bytes an entry counts for in the uncommitted-size limit: only what the client sent.
inline uint64_t payload_size(const Entry& e) { return e.data.size(); }
uint64_t entries_size(const std::vector<Entry>& entries);

enum class MessageType : uint8_t {
  kHup = 0,         // local: start an election
  kBeat,            // local: leader sends heartbeats
  kProp,            // a client proposal (may be forwarded from a follower)
  kApp,             // append entries
  kAppResp,         // append entries response
  kVote,            // request vote
  kVoteResp,        // vote response
  kSnap,            // install snapshot
  kHeartbeat,       // heartbeat, carries commit and a ReadIndex context
  kHeartbeatResp,   // heartbeat response, echoes the context
  kUnreachable,     // local: a peer could not be reached
  kSnapStatus,      // local: a snapshot transfer finished or failed
  kCheckQuorum,     // local: leader checks it heard from a quorum
  kTransferLeader,  // ask the leader to hand leadership to `from`
  kTimeoutNow,      // tell the transfer target to campaign at once
  kReadIndex,       // a ReadIndex request (may be forwarded from a follower)
  kReadIndexResp,   // the leader's answer to a forwarded ReadIndex request
  kPreVote,         // PreVote request (does not bump anyone's term)
  kPreVoteResp,     // PreVote response
};
inline constexpr int kMessageTypeCount = 19;

std::string_view to_string(MessageType t);
bool is_local_message(MessageType t);
bool is_response_message(MessageType t);
// The response type for a vote request type (kVote -> kVoteResp, kPreVote -> kPreVoteResp).
MessageType vote_response_type(MessageType t);

// The membership that a snapshot or the applied log describes. Ids are kept sorted.
struct ConfState {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  // Non-empty only in a joint configuration: the voters of the configuration being left.
  std::vector<NodeId> voters_outgoing;
  // Voters of the outgoing configuration that become learners when the joint state is left.
  std::vector<NodeId> learners_next;
  bool auto_leave = false;
  bool operator==(const ConfState&) const = default;
};

struct SnapshotMetadata {
  ConfState conf_state;
  Index index = 0;
  Term term = 0;
  bool operator==(const SnapshotMetadata&) const = default;
};

struct Snapshot {
  std::string data;
  SnapshotMetadata metadata;
  bool empty() const { return metadata.index == 0; }
  bool operator==(const Snapshot&) const = default;
};

// What must survive a crash: the current term, whom we voted for in it, and the commit index
// (the commit index is an optimisation: it can be recovered, but storing it avoids re-applying).
struct HardState {
  Term term = 0;
  NodeId vote = kNone;
  Index commit = 0;
  bool empty() const { return term == 0 && vote == kNone && commit == 0; }
  bool operator==(const HardState&) const = default;
};

struct Message {
  MessageType type = MessageType::kHup;
  NodeId to = kNone;
  NodeId from = kNone;
  Term term = 0;
  // kApp: term of the entry at `index`. kVote/kPreVote: the candidate's last log term.
  // kAppResp with reject: the follower's term at reject_hint (conflict hint).
  Term log_term = 0;
  // kApp: index preceding `entries`. kAppResp: last index the follower has (or rejected).
  // kVote: candidate's last index. kReadIndexResp: the read index.
  Index index = 0;
  std::vector<Entry> entries{};
  Index commit = 0;
  std::optional<Snapshot> snapshot{};
  bool reject = false;
  // kAppResp with reject: the follower's suggestion of where the leader should probe next.
  Index reject_hint = 0;
  // kHeartbeat(Resp)/kReadIndex(Resp): the ReadIndex request context.
  // kVote/kPreVote: kCampaignTransfer when the election was asked for by a leader transfer.
  std::string context{};
};

inline constexpr std::string_view kCampaignTransfer = "CampaignTransfer";

// Why a message that came from a peer breaks a rule every correct peer keeps ("" when it does
// not): a vote message without a term, a proposal without entries, an append whose entries do
// not follow its index one by one with terms that never go back nor pass the message's, a
// snapshot message without a snapshot. The core assumes these (some would stop the node), so the
// transport refuses such a message before it is stepped. It cannot check what needs this node's
// state (a commit index beyond its log): that is left to the core, as in etcd's.
std::string_view malformed_peer_message(const Message& m);

// Membership change, in the shape of etcd's ConfChangeV2: one change is applied directly; two
// or more go through a joint configuration. An empty change list means "leave the joint
// configuration".
enum class ConfChangeType : uint8_t { kAddNode = 0, kRemoveNode = 1, kAddLearnerNode = 2 };

struct ConfChangeSingle {
  ConfChangeType type = ConfChangeType::kAddNode;
  NodeId node_id = kNone;
  bool operator==(const ConfChangeSingle&) const = default;
};

enum class ConfChangeTransition : uint8_t {
  // Joint only when needed (more than one change); leave it automatically once applied.
  kAuto = 0,
  // Always joint, leave automatically.
  kJointImplicit = 1,
  // Always joint; the application proposes the leave itself.
  kJointExplicit = 2,
};

struct ConfChange {
  ConfChangeTransition transition = ConfChangeTransition::kAuto;
  std::vector<ConfChangeSingle> changes{};
  std::string context{};
  bool operator==(const ConfChange&) const = default;

  // True for the "leave the joint configuration" change.
  bool leave_joint() const { return transition == ConfChangeTransition::kAuto && changes.empty(); }
  // Whether this change enters a joint configuration, and if so whether it leaves it by itself.
  bool enter_joint(bool* auto_leave) const;
};

std::string encode_conf_change(const ConfChange& cc);
Result<ConfChange> decode_conf_change(std::string_view bytes);

enum class StateType : uint8_t { kFollower = 0, kCandidate, kLeader, kPreCandidate };
std::string_view to_string(StateType s);

// Volatile state that the application may want to observe (who leads, in which role we are).
struct SoftState {
  NodeId lead = kNone;
  StateType state = StateType::kFollower;
  bool operator==(const SoftState&) const = default;
};

// The answer to a read_index call: once the application has applied up to `index`, the read
// identified by `request_ctx` may be served from the state machine.
struct ReadState {
  Index index = 0;
  std::string request_ctx{};
  bool operator==(const ReadState&) const = default;
};

}  // namespace seshat::raft
