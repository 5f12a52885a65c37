#include "transport/grpc_transport.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "transport/credentials.h"
#include "transport/deadline.h"
#include "transport/peer_registry.h"
#include "transport/peer_sender.h"
#include "transport/raft_service.h"

namespace seshat::transport {

SnapshotSource snapshot_source_from_string(std::string data) {
  // shared_ptr: std::function needs a copyable callable.
  auto state = std::make_shared<std::pair<std::string, size_t>>(std::move(data), 0);
  return [state](size_t max_bytes) -> std::optional<SnapshotPiece> {
    auto& [bytes, pos] = *state;
    SnapshotPiece piece;
    const size_t n = std::min(max_bytes, bytes.size() - pos);
    piece.data.assign(bytes, pos, n);
    pos += n;
    piece.last = pos == bytes.size();
    return piece;
  };
}

class GrpcTransport::Impl {
 public:
  Impl(GrpcTransportOptions options, TransportHandlers handlers)
      : options_(std::move(options)),
        handlers_(std::move(handlers)),
        registry_(handlers_.on_peer_info),
        service_(options_, handlers_, registry_) {}

  ~Impl() { stop(); }

  absl::Status start() {
    std::lock_guard lock(mu_);
    if (state_ != State::kNew) return absl::FailedPreconditionError("transport already started");
    if (options_.node_id == raft::kNone) return absl::InvalidArgumentError("node id must be > 0");
    if (options_.max_queue_messages == 0 || options_.snapshot_chunk_bytes == 0) {
      return absl::InvalidArgumentError("queue and chunk sizes must be > 0");
    }
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options_.listen_addr, server_credentials(options_.tls), &port_);
    builder.RegisterService(&service_);
    builder.SetMaxReceiveMessageSize(options_.max_grpc_message_bytes);
    builder.SetMaxSendMessageSize(options_.max_grpc_message_bytes);
    // gRPC turns SO_REUSEPORT on by default: a second node configured with the same port would
    // then share it silently instead of failing to start.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // Accept the senders' frequent keepalive pings (without this the server answers them with
    // GOAWAY "too many pings"), and ping them back so dead senders' streams end.
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               static_cast<int>(options_.keepalive_time.count() / 2));
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                               static_cast<int>(options_.keepalive_time.count()));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                               static_cast<int>(options_.keepalive_timeout.count()));
    cq_ = builder.AddCompletionQueue();
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      if (server_ != nullptr) {
        server_->Shutdown();
        server_->Wait();
      }
      server_.reset();
      drain_unused_queue();
      port_ = 0;
      return absl::UnavailableError("cannot listen for peers on '" + options_.listen_addr + "'");
    }
    service_.start_receiving(cq_.get());
    state_ = State::kRunning;
    for (const auto& [id, addr] : options_.peers) add_peer_locked(id, addr);
    spdlog::info("transport: node {} of cluster '{}' listening for peers on {} (port {})",
                 options_.node_id, options_.cluster_id, options_.listen_addr, port_);
    return absl::OkStatus();
  }

  void stop() {
    std::map<raft::NodeId, std::unique_ptr<PeerSender>> senders;
    {
      std::lock_guard lock(mu_);
      if (state_ != State::kRunning) {
        state_ = State::kStopped;
        return;
      }
      state_ = State::kStopped;
      senders.swap(senders_);
    }
    // Outgoing first (cancels, joins), then incoming: the server would otherwise wait for the
    // peers' long-lived streams until its deadline.
    senders.clear();
    service_.cancel_all();
    server_->Shutdown(deadline_after(options_.shutdown_timeout));
    server_->Wait();
    service_.stop_receiving();
    spdlog::info("transport: node {} stopped", options_.node_id);
  }

  int port() const {
    std::lock_guard lock(mu_);
    return port_;
  }

  void send(std::vector<raft::Message> msgs) {
    std::lock_guard lock(mu_);
    // Each peer's messages of this call go out together, in one write where they fit.
    std::vector<PeerSender*> touched;
    for (raft::Message& m : msgs) {
      auto it = senders_.find(m.to);
      if (it == senders_.end()) {
        spdlog::debug("transport: node {}: dropping {} to unknown node {}", options_.node_id,
                      raft::to_string(m.type), m.to);
        continue;
      }
      if (m.type == raft::MessageType::kSnap && m.snapshot.has_value()) {
        SnapshotSource source = snapshot_source_from_string(std::move(m.snapshot->data));
        it->second->send_snapshot(std::move(m), std::move(source));
      } else {
        it->second->enqueue(std::move(m));
        if (std::find(touched.begin(), touched.end(), it->second.get()) == touched.end()) {
          touched.push_back(it->second.get());
        }
      }
    }
    for (PeerSender* sender : touched) sender->flush();
  }

  void send_snapshot(raft::Message msg, SnapshotSource source) {
    std::lock_guard lock(mu_);
    auto it = senders_.find(msg.to);
    if (it == senders_.end()) {
      spdlog::warn("transport: node {}: dropping snapshot to unknown node {}", options_.node_id,
                   msg.to);
      return;
    }
    it->second->send_snapshot(std::move(msg), std::move(source));
  }

  void add_peer(raft::NodeId id, const std::string& addr) {
    std::unique_ptr<PeerSender> replaced;
    {
      std::lock_guard lock(mu_);
      if (id == options_.node_id) return;
      if (state_ != State::kRunning) {
        // Before start(): remembered, connected by start().
        if (state_ == State::kNew) options_.peers[id] = addr;
        return;
      }
      auto it = senders_.find(id);
      if (it != senders_.end()) {
        if (it->second->addr() == addr) return;
        replaced = std::move(it->second);
        senders_.erase(it);
      }
      add_peer_locked(id, addr);
    }
    // Joined outside the lock so that send() is not held up meanwhile.
    replaced.reset();
  }

  void remove_peer(raft::NodeId id) {
    std::unique_ptr<PeerSender> removed;
    {
      std::lock_guard lock(mu_);
      if (state_ == State::kNew) options_.peers.erase(id);
      registry_.remove_member(id);
      auto it = senders_.find(id);
      if (it == senders_.end()) return;
      removed = std::move(it->second);
      senders_.erase(it);
    }
    removed.reset();
  }

  std::optional<std::string> peer_client_addr(raft::NodeId id) const {
    return registry_.client_addr(id);
  }

  void set_link_blocked(raft::NodeId to, bool blocked) {
    std::lock_guard lock(mu_);
    if (blocked) {
      blocked_.insert(to);
    } else {
      blocked_.erase(to);
    }
    auto it = senders_.find(to);
    if (it != senders_.end()) it->second->set_blocked(blocked);
    spdlog::info("transport: node {} -> {}: link {} (test hook)", options_.node_id, to,
                 blocked ? "blocked" : "unblocked");
  }

  void set_link_drop(raft::NodeId to, unsigned percent) {
    std::lock_guard lock(mu_);
    if (percent == 0) {
      drop_percent_.erase(to);
    } else {
      drop_percent_[to] = percent;
    }
    auto it = senders_.find(to);
    if (it != senders_.end()) it->second->set_drop_percent(percent);
    spdlog::info("transport: node {} -> {}: dropping {}% of messages (test hook)", options_.node_id,
                 to, percent);
  }

  LinkStats link_stats(raft::NodeId to) const {
    std::lock_guard lock(mu_);
    auto it = senders_.find(to);
    return it == senders_.end() ? LinkStats{} : it->second->stats();
  }

 private:
  enum class State { kNew, kRunning, kStopped };

  void add_peer_locked(raft::NodeId id, const std::string& addr) {
    if (id == options_.node_id) return;
    registry_.add_member(id);
    auto sender = std::make_unique<PeerSender>(options_, handlers_, registry_, id, addr);
    // A peer re-added (new address) stays cut if it was.
    if (blocked_.count(id) > 0) sender->set_blocked(true);
    if (auto d = drop_percent_.find(id); d != drop_percent_.end()) {
      sender->set_drop_percent(d->second);
    }
    sender->start();
    senders_.emplace(id, std::move(sender));
  }

  // A completion queue that no thread serves must still be shut down and drained.
  void drain_unused_queue() {
    cq_->Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq_->Next(&tag, &ok)) {
    }
    cq_.reset();
  }

  // options_.peers is only written before start(); afterwards senders_ is the membership.
  GrpcTransportOptions options_;
  const TransportHandlers handlers_;
  PeerRegistry registry_;
  RaftService service_;

  mutable std::mutex mu_;  // state_, port_, server_, senders_, blocked_, drop_percent_
  State state_ = State::kNew;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::ServerCompletionQueue> cq_;  // Send streams (raft_service.h)
  std::map<raft::NodeId, std::unique_ptr<PeerSender>> senders_;
  std::set<raft::NodeId> blocked_;
  std::map<raft::NodeId, unsigned> drop_percent_;
};

GrpcTransport::GrpcTransport(GrpcTransportOptions options, TransportHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}

GrpcTransport::~GrpcTransport() { stop(); }

absl::Status GrpcTransport::start() { return impl_->start(); }
void GrpcTransport::stop() { impl_->stop(); }
int GrpcTransport::port() const { return impl_->port(); }
void GrpcTransport::send(std::vector<raft::Message> msgs) { impl_->send(std::move(msgs)); }
void GrpcTransport::send_snapshot(raft::Message msg, SnapshotSource source) {
  impl_->send_snapshot(std::move(msg), std::move(source));
}
void GrpcTransport::add_peer(raft::NodeId id, const std::string& internal_addr) {
  impl_->add_peer(id, internal_addr);
}
void GrpcTransport::remove_peer(raft::NodeId id) { impl_->remove_peer(id); }
std::optional<std::string> GrpcTransport::peer_client_addr(raft::NodeId id) const {
  return impl_->peer_client_addr(id);
}
void GrpcTransport::set_link_blocked(raft::NodeId to, bool blocked) {
  impl_->set_link_blocked(to, blocked);
}

void GrpcTransport::set_link_drop(raft::NodeId to, unsigned percent) {
  impl_->set_link_drop(to, percent);
}
LinkStats GrpcTransport::link_stats(raft::NodeId to) const { return impl_->link_stats(to); }

}  // namespace seshat::transport
