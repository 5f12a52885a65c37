#include "transport/raft_service.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <string>

#include "transport/join_rpc.h"

namespace seshat::transport {

bool RaftService::admit(grpc::ServerContextBase* ctx) {
  std::lock_guard lock(mu_);
  if (cancelled_) return false;
  calls_.insert(ctx);
  return true;
}

void RaftService::release(grpc::ServerContextBase* ctx) {
  std::lock_guard lock(mu_);
  calls_.erase(ctx);
}

class RaftService::CallGuard {
 public:
  CallGuard(RaftService& service, grpc::ServerContext* ctx)
      : service_(service), ctx_(ctx), admitted_(service.admit(ctx)) {}
  ~CallGuard() {
    if (admitted_) service_.release(ctx_);
  }
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;
  // False once shutdown began: the call must end at once.
  bool admitted() const { return admitted_; }

 private:
  RaftService& service_;
  grpc::ServerContext* ctx_;
  bool admitted_ = false;
};

namespace {

const grpc::Status kShuttingDown(grpc::StatusCode::UNAVAILABLE, "node is shutting down");

}  // namespace

RaftService::RaftService(const GrpcTransportOptions& options, const TransportHandlers& handlers,
                         PeerRegistry& registry)
    : options_(options), handlers_(handlers), registry_(registry) {}

void RaftService::cancel_all() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  for (grpc::ServerContextBase* ctx : calls_) ctx->TryCancel();
}

grpc::Status RaftService::reject(grpc::StatusCode code, raft::NodeId from, const std::string& why) {
  bool first;
  {
    std::lock_guard lock(mu_);
    // Bounded: a misconfigured cluster has a handful of senders, not thousands.
    if (logged_rejections_.size() > 1024) logged_rejections_.clear();
    first = logged_rejections_.emplace(from, static_cast<int>(code)).second;
  }
  if (first) {
    spdlog::warn("transport: node {}: rejected traffic from node {}: {}", options_.node_id, from,
                 why);
  }
  return grpc::Status(code, why);
}

grpc::Status RaftService::check_identity(const std::string& cluster_id, raft::NodeId from,
                                         raft::NodeId to) {
  if (cluster_id != options_.cluster_id) {
    return reject(
        grpc::StatusCode::FAILED_PRECONDITION, from,
        "cluster id '" + cluster_id + "' is not this node's cluster '" + options_.cluster_id + "'");
  }
  if (to != options_.node_id) {
    return reject(grpc::StatusCode::FAILED_PRECONDITION, from,
                  "addressed to node " + std::to_string(to) + ", this is node " +
                      std::to_string(options_.node_id));
  }
  if (!registry_.is_member(from)) {
    return reject(grpc::StatusCode::PERMISSION_DENIED, from,
                  "node " + std::to_string(from) + " is not a member");
  }
  return grpc::Status::OK;
}

grpc::Status RaftService::Hello(grpc::ServerContext* ctx, const pb::HelloRequest* request,
                                pb::HelloResponse* response) {
  CallGuard guard(*this, ctx);
  if (!guard.admitted()) return kShuttingDown;
  // Hello checks what it can (it carries no `to`: the caller checks our answer instead), so that
  // a stranger fails here, under the caller's growing backoff, not on its first batch.
  grpc::Status st = check_identity(request->cluster_id(), request->node_id(), options_.node_id);
  if (!st.ok()) return st;
  registry_.set_client_addr(request->node_id(), request->client_addr(), request->client_tls_port());
  response->set_cluster_id(options_.cluster_id);
  response->set_node_id(options_.node_id);
  response->set_client_addr(options_.client_addr);
  response->set_client_tls_port(options_.client_tls_port);
  return grpc::Status::OK;
}

grpc::Status RaftService::Join(grpc::ServerContext* ctx, const pb::JoinClusterRequest* request,
                               pb::JoinClusterResponse* response) {
  CallGuard guard(*this, ctx);
  if (!guard.admitted()) return kShuttingDown;
  JoinReply reply;
  if (!handlers_.on_join) {
    reply.error = "node " + std::to_string(options_.node_id) + " does not take join requests";
  } else if (request->node_id() == raft::kNone) {
    reply.outcome = JoinReply::Outcome::kRefused;
    reply.error = "node id 0 is reserved";
  } else {
    reply = handlers_.on_join(from_proto(*request));
  }
  to_proto(reply, response);
  return grpc::Status::OK;
}

grpc::Status RaftService::deliver(pb::MessageBatch& batch) {
  grpc::Status st = check_identity(batch.cluster_id(), batch.from(), batch.to());
  if (!st.ok()) return st;
  DecodedBatch decoded = decode_batch(batch);
  if (!decoded.error.empty()) {
    return reject(decoded.wrong_identity ? grpc::StatusCode::PERMISSION_DENIED
                                         : grpc::StatusCode::INVALID_ARGUMENT,
                  batch.from(), decoded.error);
  }
  if (handlers_.on_message) {
    for (raft::Message& msg : decoded.messages) handlers_.on_message(std::move(msg));
  }
  return grpc::Status::OK;
}

// Reads batches one after the other until the sender ends the stream, the connection fails,
// cancel_all() cancels it or a batch is refused. Every step completes on the receiving thread
// with this object as its tag; it deletes itself once its Finish completed.
class RaftService::SendCall {
 public:
  explicit SendCall(RaftService& service) : service_(service), reader_(&ctx_) {}

  // Asks for the next stream; false (and nothing asked) once shutdown began.
  bool request(grpc::ServerCompletionQueue* cq) {
    std::lock_guard lock(service_.mu_);
    if (service_.cancelled_) return false;
    service_.RequestSend(&ctx_, &reader_, cq, cq, this);
    return true;
  }

  // One completed step: `ok` as gRPC reported it.
  void proceed(bool ok) {
    switch (state_) {
      case State::kRequested:
        if (!ok) {  // the server is shutting down: no stream came
          delete this;
          return;
        }
        service_.request_stream();  // the next peer's stream
        admitted_ = service_.admit(&ctx_);
        if (!admitted_) {
          finish(kShuttingDown);
          return;
        }
        read();
        return;
      case State::kReading:
        if (!ok) {  // the sender ended the stream, or it broke or was cancelled
          finish(grpc::Status::OK);
          return;
        }
        if (grpc::Status st = service_.deliver(batch_); !st.ok()) {
          finish(st);
          return;
        }
        read();
        return;
      case State::kFinishing:
        if (admitted_) service_.release(&ctx_);
        delete this;
        return;
    }
  }

 private:
  enum class State { kRequested, kReading, kFinishing };

  void read() {
    batch_.Clear();
    state_ = State::kReading;
    reader_.Read(&batch_, this);
  }
  void finish(const grpc::Status& status) {
    state_ = State::kFinishing;
    if (status.ok()) {
      reader_.Finish(pb::SendAck(), status, this);
    } else {
      reader_.FinishWithError(status, this);
    }
  }

  RaftService& service_;
  grpc::ServerContext ctx_;
  grpc::ServerAsyncReader<pb::SendAck, pb::MessageBatch> reader_;
  pb::MessageBatch batch_;
  State state_ = State::kRequested;
  bool admitted_ = false;
};

void RaftService::request_stream() {
  auto* call = new SendCall(*this);
  if (!call->request(cq_)) delete call;
}

void RaftService::start_receiving(grpc::ServerCompletionQueue* cq) {
  cq_ = cq;
  request_stream();
  receiver_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "peer-recv");
    serve_streams();
  });
}

void RaftService::serve_streams() {
  void* tag = nullptr;
  bool ok = false;
  while (cq_->Next(&tag, &ok)) static_cast<SendCall*>(tag)->proceed(ok);
}

void RaftService::stop_receiving() {
  if (cq_ == nullptr) return;
  cq_->Shutdown();  // Next() returns false once every pending step has been delivered
  if (receiver_.joinable()) receiver_.join();
  cq_ = nullptr;
}

// Snapshots are assembled in memory: raft::Snapshot holds its data as a string, so the driver
// needs it there anyway. max_snapshot_bytes bounds what one transfer may allocate.
grpc::Status RaftService::SendSnapshot(grpc::ServerContext* ctx,
                                       grpc::ServerReader<pb::SnapshotChunk>* reader,
                                       pb::SnapshotAck* ack) {
  CallGuard guard(*this, ctx);
  if (!guard.admitted()) return kShuttingDown;
  pb::SnapshotChunk chunk;
  std::optional<raft::Message> msg;
  std::string data;
  while (reader->Read(&chunk)) {
    grpc::Status st = check_identity(chunk.cluster_id(), chunk.from(), chunk.to());
    if (!st.ok()) return st;
    if (!msg.has_value()) {
      if (!chunk.has_message() || !chunk.has_metadata()) {
        return reject(grpc::StatusCode::INVALID_ARGUMENT, chunk.from(),
                      "first snapshot chunk carries no message or metadata");
      }
      raft::SnapshotMetadata metadata = from_proto(chunk.metadata());
      msg = from_proto(std::move(*chunk.mutable_message()));
      if (!msg.has_value() || msg->type != raft::MessageType::kSnap || msg->from != chunk.from() ||
          msg->to != chunk.to()) {
        return reject(grpc::StatusCode::INVALID_ARGUMENT, chunk.from(),
                      "first snapshot chunk carries no valid kSnap message");
      }
      if (!msg->snapshot.has_value()) msg->snapshot.emplace();
      if (msg->snapshot->metadata != metadata && msg->snapshot->metadata.index != 0) {
        return reject(grpc::StatusCode::INVALID_ARGUMENT, chunk.from(),
                      "snapshot metadata disagrees with its message");
      }
      msg->snapshot->metadata = std::move(metadata);
      if (std::string_view why = raft::malformed_peer_message(*msg); !why.empty()) {
        return reject(grpc::StatusCode::INVALID_ARGUMENT, chunk.from(), std::string(why));
      }
    }
    if (chunk.offset() != data.size()) {
      return reject(grpc::StatusCode::INVALID_ARGUMENT, chunk.from(),
                    "snapshot chunk at offset " + std::to_string(chunk.offset()) + ", expected " +
                        std::to_string(data.size()));
    }
    if (data.size() + chunk.data().size() > options_.max_snapshot_bytes) {
      return reject(grpc::StatusCode::RESOURCE_EXHAUSTED, chunk.from(),
                    "snapshot larger than max_snapshot_bytes (" +
                        std::to_string(options_.max_snapshot_bytes) + ")");
    }
    data.append(chunk.data());
    if (chunk.last()) {
      ack->set_received_bytes(data.size());
      spdlog::info(
          "transport: node {}: received snapshot at index {} term {} from node {} "
          "({} bytes)",
          options_.node_id, msg->snapshot->metadata.index, msg->snapshot->metadata.term, msg->from,
          data.size());
      msg->snapshot->data = std::move(data);
      if (handlers_.on_message) handlers_.on_message(std::move(*msg));
      return grpc::Status::OK;
    }
  }
  // The sender gave up, failed or was cancelled: what was assembled is dropped with this frame.
  return grpc::Status(grpc::StatusCode::ABORTED, "snapshot stream ended before its last chunk");
}

}  // namespace seshat::transport
