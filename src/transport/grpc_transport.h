// The Transport over gRPC: a RaftTransport server on internal_addr for what peers send us, and
// per peer a sender thread with a bounded queue and a long-lived Send stream for what we send
// them. gRPC and protobuf stay behind the pimpl; docs/transport.md describes the protocol.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "transport/transport.h"

namespace seshat::transport {

struct GrpcTransportOptions {
  // Both ends of every batch, chunk and Hello must agree on it.
  std::string cluster_id;
  raft::NodeId node_id = raft::kNone;
  // Where the RaftTransport server listens ("host:port"; port 0 picks a free one, see port()).
  std::string listen_addr;
  // Announced to peers through Hello, for -MOVED redirects: the client address, and the TLS
  // port on its host (0: none).
  std::string client_addr;
  uint32_t client_tls_port = 0;
  // The other members: id -> internal address. An entry for node_id itself is ignored.
  std::map<raft::NodeId, std::string> peers;
  // Mutual TLS on the server and on every link to a peer; plain text when empty.
  std::optional<PeerTls> tls;

  // The send queue per peer. When either bound is reached, send() drops the newest messages;
  // a single message larger than max_queue_bytes is still taken into an empty queue.
  size_t max_queue_messages = 4096;
  size_t max_queue_bytes = 64u << 20;
  // A batch (one gRPC write) takes queued messages up to this size (at least one message).
  size_t max_batch_bytes = 4u << 20;
  // Largest gRPC message either side accepts: must exceed the largest single Raft message.
  int max_grpc_message_bytes = 256 << 20;

  // Snapshot streaming: chunk size asked of the source, and the largest snapshot the receiver
  // assembles (in memory; see docs/transport.md).
  size_t snapshot_chunk_bytes = 1u << 20;
  uint64_t max_snapshot_bytes = 4ull << 30;

  // Reconnect backoff: starts at backoff_initial, doubles per failed attempt up to backoff_max,
  // each wait jittered to 50-100% of its value.
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  // How long a Hello (the connect handshake) may wait for the connection.
  std::chrono::milliseconds connect_timeout{1000};
  // HTTP/2 keepalive on peer connections, so that a peer that stops answering (SIGSTOP, a dead
  // host) fails its stream rather than leaving it hanging.
  std::chrono::milliseconds keepalive_time{2000};
  std::chrono::milliseconds keepalive_timeout{2000};
  // stop() cancels the open streams, then gives the server this long to finish its calls.
  std::chrono::milliseconds shutdown_timeout{2000};
};

// The Join call of a node that wants to be added, made before it has a transport (it does not
// know the cluster id yet): one attempt, against `addr`, within `timeout`, over mutual TLS when
// `tls` is given. A call that fails (nobody listening, deadline, a certificate refused) comes
// back as kRetry with the reason.
JoinReply request_join(const std::string& addr, const JoinRequest& request,
                       std::chrono::milliseconds timeout,
                       const std::optional<PeerTls>& tls = std::nullopt);

class GrpcTransport final : public Transport {
 public:
  GrpcTransport(GrpcTransportOptions options, TransportHandlers handlers);
  // Calls stop().
  ~GrpcTransport() override;
  GrpcTransport(const GrpcTransport&) = delete;
  GrpcTransport& operator=(const GrpcTransport&) = delete;

  // Binds the server and starts one sender thread per peer. Fails (and starts nothing) when
  // the address cannot be bound or the options are invalid. Call once.
  absl::Status start();
  // Cancels every stream, joins every thread and shuts the server down within
  // shutdown_timeout. Idempotent; send() after stop() drops.
  void stop();
  // The port the server listens on (useful with port 0), 0 before start().
  int port() const;

  void send(std::vector<raft::Message> msgs) override;
  void send_snapshot(raft::Message msg, SnapshotSource source) override;
  void add_peer(raft::NodeId id, const std::string& internal_addr) override;
  void remove_peer(raft::NodeId id) override;
  std::optional<std::string> peer_client_addr(raft::NodeId id) const override;
  void set_link_blocked(raft::NodeId to, bool blocked) override;
  void set_link_drop(raft::NodeId to, unsigned percent) override;
  LinkStats link_stats(raft::NodeId to) const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seshat::transport
