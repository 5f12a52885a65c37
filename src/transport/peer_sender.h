// The sending half of one directed link (this node -> one peer): a bounded queue that send()
// fills without blocking, a thread that drains it into a long-lived Send stream and reconnects
// with backoff when the stream fails, and a second thread that streams snapshots on a
// connection of their own so that a large transfer does not hold up heartbeats.
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "raft.grpc.pb.h"
#include "transport/grpc_transport.h"
#include "transport/message_codec.h"
#include "transport/peer_registry.h"

namespace seshat::transport {

class PeerSender {
 public:
  // `options`, `registry` and `handlers` must outlive the sender.
  PeerSender(const GrpcTransportOptions& options, const TransportHandlers& handlers,
             PeerRegistry& registry, raft::NodeId peer, std::string addr);
  // Calls stop().
  ~PeerSender();
  PeerSender(const PeerSender&) = delete;
  PeerSender& operator=(const PeerSender&) = delete;

  void start();
  // Cancels the open calls, wakes and joins both threads. Idempotent.
  void stop();

  // Never blocks for longer than a queue push. Drops the message when the link is blocked,
  // the sender is stopped or the queue is full.
  void enqueue(raft::Message msg);
  // Hands the transfer to the snapshot thread; reports failure (from that thread) when a
  // transfer is already pending or running, the link is blocked or the sender is stopped.
  void send_snapshot(raft::Message msg, SnapshotSource source);

  void set_blocked(bool blocked);
  // Drops this share (0-100) of enqueued messages at random.
  void set_drop_percent(unsigned percent);
  LinkStats stats() const;
  const std::string& addr() const { return addr_; }

 private:
  struct SnapshotJob {
    raft::Message msg;
    SnapshotSource source;
  };

  void run_messages();
  // Hello, then open the Send stream. False on failure (logged, counted).
  bool connect(std::unique_ptr<grpc::ClientContext>* ctx,
               std::unique_ptr<grpc::ClientWriter<pb::MessageBatch>>* writer, pb::SendAck* ack);
  // Writes batches until the stream fails or stop(); true when stopped.
  bool stream_batches(grpc::ClientWriter<pb::MessageBatch>* writer);
  // After a failure: drop what is queued, report the peer unreachable, log once per outage.
  void on_link_failure(const grpc::Status& status, const char* what);

  void run_snapshots();
  // Waits up to connect_timeout for the snapshot connection; false on timeout or stop.
  bool wait_snapshot_channel();
  bool transfer_snapshot(SnapshotJob& job);

  // Makes `ctx` the call that stop() cancels; false when already stopping (ctx is then unused).
  bool install_context(grpc::ClientContext* ctx, grpc::ClientContext** slot);
  void clear_context(grpc::ClientContext** slot);
  std::unique_ptr<grpc::ClientContext> new_context() const;
  void wait_for(std::chrono::milliseconds delay);

  const GrpcTransportOptions& options_;
  const TransportHandlers& handlers_;
  PeerRegistry& registry_;
  const raft::NodeId peer_;
  const std::string addr_;
  // Separate channels (with local subchannel pools) give messages and snapshots separate TCP
  // connections: a snapshot filling the connection's flow-control window must not delay votes
  // and heartbeats behind it.
  std::unique_ptr<pb::RaftTransport::Stub> message_stub_;
  std::shared_ptr<grpc::Channel> snapshot_channel_;
  std::unique_ptr<pb::RaftTransport::Stub> snapshot_stub_;

  mutable std::mutex mu_;
  std::condition_variable cv_;           // message thread: queue_ or stopping_ changed
  std::condition_variable snapshot_cv_;  // snapshot thread: job, rejections or stopping_
  bool stopping_ = false;
  bool blocked_ = false;
  unsigned drop_percent_ = 0;
  std::minstd_rand drop_rng_{std::random_device{}()};
  bool link_down_logged_ = false;  // an outage is logged once, when it starts
  std::deque<raft::Message> queue_;
  size_t queued_bytes_ = 0;
  std::optional<SnapshotJob> snapshot_job_;
  bool snapshot_running_ = false;
  int snapshot_rejections_ = 0;                 // failures to report from the snapshot thread
  grpc::ClientContext* message_ctx_ = nullptr;  // the call stop() must cancel, if any
  grpc::ClientContext* snapshot_ctx_ = nullptr;
  LinkStats stats_;

  std::thread message_thread_;
  std::thread snapshot_thread_;
};

}  // namespace seshat::transport
