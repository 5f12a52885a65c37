// The receiving half of every link: the RaftTransport service. It checks the identity on every
// batch and chunk (cluster id, to == this node, from is a member), decodes, and hands messages
// to the driver's handler; snapshots are assembled in memory first. On shutdown it cancels its
// long-lived streams, which would otherwise keep the server waiting for its whole deadline.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "raft.grpc.pb.h"
#include "transport/grpc_transport.h"
#include "transport/message_codec.h"
#include "transport/peer_registry.h"

namespace seshat::transport {

// Send (the message stream, which carries every append and acknowledgement) uses gRPC's async
// API, served by one thread of ours ("peer-recv") that polls the completion queue itself: a
// batch is read, checked and handed to the driver on the thread that the socket woke. On the
// synchronous API a stream held a server thread blocked in Read(), and on the callback API
// gRPC's poller handed each batch to another of its threads before ours saw it: hand-offs
// that cost more than the batch (docs/performance.md).
class RaftService final
    : public pb::RaftTransport::WithAsyncMethod_Send<pb::RaftTransport::Service> {
 public:
  // `options`, `handlers` and `registry` must outlive the service.
  RaftService(const GrpcTransportOptions& options, const TransportHandlers& handlers,
              PeerRegistry& registry);

  grpc::Status SendSnapshot(grpc::ServerContext* ctx, grpc::ServerReader<pb::SnapshotChunk>* reader,
                            pb::SnapshotAck* ack) override;
  grpc::Status Hello(grpc::ServerContext* ctx, const pb::HelloRequest* request,
                     pb::HelloResponse* response) override;
  // Needs no identity (the caller is not a member yet): handlers.on_join decides.
  grpc::Status Join(grpc::ServerContext* ctx, const pb::JoinClusterRequest* request,
                    pb::JoinClusterResponse* response) override;

  // Starts the thread that serves Send streams from `cq` (the server's, built and started).
  void start_receiving(grpc::ServerCompletionQueue* cq);
  // After the server's Shutdown() returned: shuts the queue down, drains it, joins the thread.
  void stop_receiving();

  // Refuses new calls and cancels the running ones; their handlers then return promptly.
  void cancel_all();

 private:
  // Registers a running call for cancel_all(); unregisters when it goes out of scope.
  class CallGuard;
  // One Send stream, from the request for it to its end.
  class SendCall;

  void serve_streams();
  // Asks gRPC for the next Send stream, unless shutdown began.
  void request_stream();

  // Registers a call for cancel_all(); false once shutdown began (the call must end at once).
  bool admit(grpc::ServerContextBase* ctx);
  void release(grpc::ServerContextBase* ctx);
  // Checks and hands over one batch; OK, or the status to end the stream with.
  grpc::Status deliver(pb::MessageBatch& batch);

  // OK, or the status to end the call with (logged once per sender and reason).
  grpc::Status check_identity(const std::string& cluster_id, raft::NodeId from, raft::NodeId to);
  grpc::Status reject(grpc::StatusCode code, raft::NodeId from, const std::string& why);

  const GrpcTransportOptions& options_;
  const TransportHandlers& handlers_;
  PeerRegistry& registry_;

  std::mutex mu_;
  bool cancelled_ = false;
  std::set<grpc::ServerContextBase*> calls_;
  // (sender, status code) pairs already logged: a rejected peer retries every few seconds.
  std::set<std::pair<raft::NodeId, int>> logged_rejections_;

  grpc::ServerCompletionQueue* cq_ = nullptr;
  std::thread receiver_;
};

}  // namespace seshat::transport
