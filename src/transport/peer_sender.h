// The sending half of one directed link (this node -> one peer): a bounded queue that send()
// fills without blocking, a long-lived Send stream on gRPC's async API that flush() writes to
// on the caller's thread (the driver's: no hand-off to another thread on the way out), a
// thread that connects, reconnects with backoff and polls the stream when a write does not
// complete at once, and a second thread that streams snapshots on a connection of their own so
// that a large transfer does not hold up heartbeats.
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <cstdint>
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
  // the sender is stopped or the queue is full. The message waits for flush().
  void enqueue(raft::Message msg);
  // Writes what is queued to the stream, on this thread, when the stream is open and no write
  // is in flight (otherwise the write in flight, or the connect, sends it when it completes).
  // Never blocks: a write gRPC cannot complete at once is left to the message thread.
  void flush();
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

  // The message stream's operations on cq_, each a tag of its own.
  enum class Op : intptr_t { kStart = 1, kWrite, kFinish };
  // kNone: no stream; kStarting: StartCall in flight; kOpen: writes may go; kFinishing: Finish
  // in flight (the stream failed or we stop); kDone: Finish completed, status in finish_status_.
  enum class StreamState { kNone, kStarting, kOpen, kFinishing, kDone };

  void run_messages();
  // Hello, then start the Send stream. False on failure (logged, counted).
  bool connect();
  // Polls cq_ whenever an operation is pending that nobody else will see complete, until the
  // stream's Finish completed.
  void serve_stream();
  // One completion from cq_, on whichever thread polled it.
  void on_event(void* tag, bool ok);
  // Takes queued messages up to max_batch_bytes into one write, when the stream is open and no
  // write is in flight. Call with mu_ held; true when a write was issued.
  bool write_next_locked();
  void begin_finish_locked();
  static void* tag(Op op) { return reinterpret_cast<void*>(static_cast<intptr_t>(op)); }
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

  // The message stream. Its operations complete on cq_, which flush() drains without blocking
  // right after its write and the message thread polls when need_poll_ is set.
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::ClientContext> stream_ctx_;
  std::unique_ptr<grpc::ClientAsyncWriter<pb::MessageBatch>> stream_;
  pb::SendAck stream_ack_;
  grpc::Status finish_status_;
  pb::MessageBatch out_batch_;
  StreamState stream_state_ = StreamState::kNone;
  bool write_in_flight_ = false;
  size_t in_flight_messages_ = 0;
  int pending_ops_ = 0;     // started on the stream, not yet seen complete
  bool need_poll_ = false;  // the message thread must poll cq_ until pending_ops_ is 0

  std::thread message_thread_;
  std::thread snapshot_thread_;
};

}  // namespace seshat::transport
