// What the Raft driver sees of the network: send messages to peers without blocking, stream a
// snapshot to a peer, and get told about incoming messages, unreachable peers and finished
// snapshot transfers. The gRPC implementation is GrpcTransport (grpc_transport.h); this header
// stays free of gRPC and protobuf so that the driver compiles cheaply. docs/transport.md has the
// wire protocol and the queueing rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "raft/types.h"

namespace seshat::transport {

// An incoming Raft message from a peer, already checked for cluster id, sender and receiver.
// kSnap messages arrive with the complete snapshot data.
using MessageHandler = std::function<void(raft::Message)>;
// A peer could not be reached (a connect attempt or its stream failed; repeated at each failed
// reconnect attempt): the driver steps a kUnreachable message so the leader probes it again.
using UnreachableHandler = std::function<void(raft::NodeId)>;
// A snapshot transfer to a peer ended: the driver steps kSnapStatus (reject = !ok).
using SnapshotStatusHandler = std::function<void(raft::NodeId, bool ok)>;
// A peer told us (through Hello) where Redis clients reach it: its client address and TLS port
// (0: none). Called on every handshake with that peer (each reconnect), not only when the
// address changes.
using PeerInfoHandler =
    std::function<void(raft::NodeId, const std::string& client_addr, uint32_t client_tls_port)>;

// Membership admin (the Join RPC), in plain types. docs/raft.md describes the flow.
struct MemberInfo {
  raft::NodeId id = raft::kNone;
  std::string internal_addr;
  std::string client_addr;
  bool learner = false;
};

// Mutual TLS on the links between members (tls_cluster): the PEM text of the files, read by the
// node at start-up. Each side shows cert_chain and refuses a peer whose certificate none of
// ca_certs signed; the side that dials also checks the peer's name against its address.
struct PeerTls {
  std::string ca_certs;
  std::string cert_chain;
  std::string private_key;
};

struct JoinRequest {
  std::string cluster_id;  // empty: the caller has no cluster yet
  raft::NodeId node_id = raft::kNone;
  std::string internal_addr;
  std::string client_addr;
};

struct JoinReply {
  enum class Outcome { kOk, kRedirect, kRetry, kRefused };
  Outcome outcome = Outcome::kRetry;
  std::string error;  // why, for kRedirect/kRetry/kRefused
  std::string cluster_id;
  std::vector<MemberInfo> members;  // kOk: every member, the caller included
  raft::NodeId leader_id = raft::kNone;
  std::string leader_addr;  // kRedirect: the leader's internal address
};

// A node asks to join. Unlike the other handlers this one may block, up to about
// request_timeout: it runs on a gRPC server thread of its own and answers once the change is
// committed.
using JoinHandler = std::function<JoinReply(const JoinRequest&)>;

// Every handler is called from a transport thread (gRPC server threads for messages, the peer's
// sender thread for the others), possibly from several at once: each must be thread-safe, must
// not block (hand the event to the driver's queue and return) and must not call back into the
// transport's stop(). Empty handlers are allowed and ignored. Once stop() has returned, no
// handler is called any more.
struct TransportHandlers {
  MessageHandler on_message;
  UnreachableHandler on_unreachable;
  SnapshotStatusHandler on_snapshot_status;
  PeerInfoHandler on_peer_info;
  // Empty: Join is refused (JOIN_RETRY) as by a node that cannot add members.
  JoinHandler on_join;
};

// A piece of snapshot data read by a SnapshotSource.
struct SnapshotPiece {
  std::string data;
  // True on the final piece (which may be empty).
  bool last = false;
};

// Produces the snapshot's data, in order, a piece of at most `max_bytes` per call; std::nullopt
// means the data could not be read and aborts the transfer (reported as a failed snapshot).
// Called on the transport's snapshot thread, never on the driver's, so it may do disk I/O; it
// must keep whatever it reads from (say, a RocksDB snapshot) alive until it returns last = true
// or the transfer ends, and it is destroyed on that thread when the transfer ends.
using SnapshotSource = std::function<std::optional<SnapshotPiece>(size_t max_bytes)>;

// A source over data already in memory (tests, and kSnap messages given to send()).
SnapshotSource snapshot_source_from_string(std::string data);

// Counters for one directed link to a peer (this node -> peer), for INFO and tests.
struct LinkStats {
  uint64_t sent_messages = 0;  // handed to gRPC on the stream
  uint64_t sent_batches = 0;
  uint64_t dropped_queue_full = 0;    // send() found the queue full
  uint64_t dropped_blocked = 0;       // set_link_blocked() cut the link
  uint64_t dropped_fault = 0;         // set_link_drop() dropped it on purpose
  uint64_t dropped_disconnected = 0;  // queued when the stream failed
  uint64_t connects = 0;              // Send streams opened
  uint64_t connect_failures = 0;      // Hello or stream failures
  uint64_t snapshots_sent = 0;
  uint64_t snapshots_failed = 0;
  uint64_t snapshot_ms = 0;  // time spent in snapshot transfers, whether they succeeded or not
  size_t queued_messages = 0;
  size_t queued_bytes = 0;
  bool connected = false;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Never blocks: each message is queued for its destination (msg.to), or dropped when that
  // peer's queue is full, the link is blocked or the peer is unknown. Raft retries what is
  // lost. Messages to one peer are delivered in the order given, while its stream stays up.
  // A kSnap message here is streamed like send_snapshot() with its snapshot's data as source.
  virtual void send(std::vector<raft::Message> msgs) = 0;

  // Streams a snapshot to msg.to on its own stream, reading the data from `source` (msg's
  // snapshot data is ignored), so the driver keeps running meanwhile. The outcome is reported
  // through on_snapshot_status, exactly once per call. One transfer per peer at a time: a
  // second one while the first runs fails at once.
  virtual void send_snapshot(raft::Message msg, SnapshotSource source) = 0;

  // Membership: which peers exist and where their internal (Raft) address is. Messages from a
  // node that is not a peer are rejected. Adding a known id with a new address reconnects.
  virtual void add_peer(raft::NodeId id, const std::string& internal_addr) = 0;
  virtual void remove_peer(raft::NodeId id) = 0;

  // The client (Redis) address a peer announced through Hello, if it did yet.
  virtual std::optional<std::string> peer_client_addr(raft::NodeId id) const = 0;

  // Test hook for chaos tests: while blocked, every message and snapshot from this node to `to`
  // is dropped silently (no unreachable report, as a lossy network would), and the other
  // direction is untouched. Cut both directions by blocking on both nodes.
  virtual void set_link_blocked(raft::NodeId to, bool blocked) = 0;
  // Test hook for chaos tests: drops `percent` (0-100) of the messages from this node to `to`
  // at random, as a lossy network would; 0 restores. Snapshot streams are not affected.
  virtual void set_link_drop(raft::NodeId to, unsigned percent) = 0;

  virtual LinkStats link_stats(raft::NodeId to) const = 0;
};

}  // namespace seshat::transport
