// The receiving half of every link: the RaftTransport service. It checks the identity on every
// batch and chunk (cluster id, to == this node, from is a member), decodes, and hands messages
// to the driver's handler; snapshots are assembled in memory first. On shutdown it cancels its
// long-lived streams, which would otherwise keep the server waiting for its whole deadline.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <set>
#include <utility>

#include "raft.grpc.pb.h"
#include "transport/grpc_transport.h"
#include "transport/message_codec.h"
#include "transport/peer_registry.h"

namespace seshat::transport {

// Send (the message stream, which carries every append and acknowledgement) uses gRPC's
// callback API: each batch is handled on the gRPC thread that read it. On the synchronous API a
// stream held a server thread blocked in Read(), and every batch cost hand-offs between
// gRPC's pollers and that thread (docs/performance.md measured about 20 context switches per
// one-client write on a leader).
class RaftService final
    : public pb::RaftTransport::WithCallbackMethod_Send<pb::RaftTransport::Service> {
 public:
  // `options`, `handlers` and `registry` must outlive the service.
  RaftService(const GrpcTransportOptions& options, const TransportHandlers& handlers,
              PeerRegistry& registry);

  grpc::ServerReadReactor<pb::MessageBatch>* Send(grpc::CallbackServerContext* ctx,
                                                  pb::SendAck* ack) override;
  grpc::Status SendSnapshot(grpc::ServerContext* ctx, grpc::ServerReader<pb::SnapshotChunk>* reader,
                            pb::SnapshotAck* ack) override;
  grpc::Status Hello(grpc::ServerContext* ctx, const pb::HelloRequest* request,
                     pb::HelloResponse* response) override;
  // Needs no identity (the caller is not a member yet): handlers.on_join decides.
  grpc::Status Join(grpc::ServerContext* ctx, const pb::JoinClusterRequest* request,
                    pb::JoinClusterResponse* response) override;

  // Refuses new calls and cancels the running ones; their handlers then return promptly.
  void cancel_all();

 private:
  // Registers a running call for cancel_all(); unregisters when it goes out of scope.
  class CallGuard;
  // One Send stream.
  class SendReactor;

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
};

}  // namespace seshat::transport
