#include "transport/peer_sender.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

#include "transport/backoff.h"
#include "transport/credentials.h"
#include "transport/deadline.h"

namespace seshat::transport {

namespace {

int ms(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }

// Longest a snapshot thread waits for its connection before looking at stop() again.
constexpr std::chrono::milliseconds kWaitSlice{100};

std::shared_ptr<grpc::Channel> make_channel(const GrpcTransportOptions& o,
                                            const std::string& addr) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(o.max_grpc_message_bytes);
  args.SetMaxReceiveMessageSize(o.max_grpc_message_bytes);
  // gRPC's own reconnect backoff defaults to 1 s .. 120 s; a peer back after a restart must be
  // reached within our backoff_max, so the channel follows the same schedule. The "minimum
  // backoff" is really the minimum time a connection attempt (TCP + HTTP/2 handshake) is given:
  // it must not shrink with the backoff, or a loaded peer could never finish a handshake.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, ms(o.backoff_initial));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, ms(o.connect_timeout));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, ms(o.backoff_max));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, ms(o.keepalive_time));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(o.keepalive_timeout));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Idle links (follower to follower) still ping: no cap on pings without data.
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Our own connection per channel, not one shared process-wide per target.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(addr, channel_credentials(o.tls), args);
}

}  // namespace

PeerSender::PeerSender(const GrpcTransportOptions& options, const TransportHandlers& handlers,
                       PeerRegistry& registry, raft::NodeId peer, std::string addr)
    : options_(options),
      handlers_(handlers),
      registry_(registry),
      peer_(peer),
      addr_(std::move(addr)),
      message_stub_(pb::RaftTransport::NewStub(make_channel(options, addr_))),
      snapshot_channel_(make_channel(options, addr_)),
      snapshot_stub_(pb::RaftTransport::NewStub(snapshot_channel_)) {}

PeerSender::~PeerSender() {
  stop();
  // The message thread has ended every call it started: nothing more can arrive.
  cq_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) {
  }
}

void PeerSender::start() {
  // Named for top -H and perf: "peer-msg-2", "peer-snap-2" for peer 2.
  message_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), ("peer-msg-" + std::to_string(peer_)).substr(0, 15).c_str());
    run_messages();
  });
  snapshot_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(),
                       ("peer-snap-" + std::to_string(peer_)).substr(0, 15).c_str());
    run_snapshots();
  });
}

void PeerSender::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    // Ends a write in flight on the message stream (its completion comes back failed and the
    // message thread finishes the stream), a Hello waiting for the connection, or a snapshot
    // chunk's write; each thread then sees stopping_.
    if (message_ctx_ != nullptr) message_ctx_->TryCancel();
    if (snapshot_ctx_ != nullptr) snapshot_ctx_->TryCancel();
  }
  cv_.notify_all();
  snapshot_cv_.notify_all();
  if (message_thread_.joinable()) message_thread_.join();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
}

void PeerSender::enqueue(raft::Message msg) {
  const size_t bytes = approximate_size(msg);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    if (blocked_) {
      ++stats_.dropped_blocked;
      return;
    }
    if (drop_percent_ > 0 && drop_rng_() % 100 < drop_percent_) {
      ++stats_.dropped_fault;
      return;
    }
    // Drop the newest rather than block the driver or grow without bound: Raft resends what a
    // peer did not acknowledge. An oversized message still goes when the queue is empty, or it
    // could never be sent at all.
    const bool full = queue_.size() >= options_.max_queue_messages ||
                      (!queue_.empty() && queued_bytes_ + bytes > options_.max_queue_bytes);
    if (full) {
      ++stats_.dropped_queue_full;
      return;
    }
    queued_bytes_ += bytes;
    queue_.push_back(std::move(msg));
  }
}

void PeerSender::flush() {
  {
    std::lock_guard lock(mu_);
    if (!write_next_locked()) return;
  }
  // A write that gRPC could hand to the socket at once has completed by now: take its
  // completion here, so that the message thread is not woken for it.
  void* tag = nullptr;
  bool ok = false;
  while (cq_.AsyncNext(&tag, &ok, gpr_time_0(GPR_CLOCK_MONOTONIC)) ==
         grpc::CompletionQueue::GOT_EVENT) {
    on_event(tag, ok);
  }
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (pending_ops_ > 0 && !need_poll_) {
      // Held up (flow control, or gRPC's own thread doing the write): the message thread
      // waits for it and sends what queues up meanwhile.
      need_poll_ = true;
      wake = true;
    }
  }
  if (wake) cv_.notify_all();
}

void PeerSender::send_snapshot(raft::Message msg, SnapshotSource source) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;  // the snapshot thread is gone or going; nobody would report
    if (blocked_ || snapshot_job_.has_value() || snapshot_running_) {
      ++snapshot_rejections_;
    } else {
      snapshot_job_ = SnapshotJob{std::move(msg), std::move(source)};
    }
  }
  snapshot_cv_.notify_one();
}

void PeerSender::set_drop_percent(unsigned percent) {
  std::lock_guard lock(mu_);
  drop_percent_ = std::min(percent, 100u);
}

void PeerSender::set_blocked(bool blocked) {
  std::lock_guard lock(mu_);
  blocked_ = blocked;
  if (blocked) {
    // What was queued before the cut is lost too, as in a real partition.
    stats_.dropped_blocked += queue_.size();
    queue_.clear();
    queued_bytes_ = 0;
    if (snapshot_ctx_ != nullptr) snapshot_ctx_->TryCancel();
  }
}

LinkStats PeerSender::stats() const {
  std::lock_guard lock(mu_);
  LinkStats s = stats_;
  s.queued_messages = queue_.size();
  s.queued_bytes = queued_bytes_;
  return s;
}

bool PeerSender::install_context(grpc::ClientContext* ctx, grpc::ClientContext** slot) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  *slot = ctx;
  return true;
}

void PeerSender::clear_context(grpc::ClientContext** slot) {
  std::lock_guard lock(mu_);
  *slot = nullptr;
}

std::unique_ptr<grpc::ClientContext> PeerSender::new_context() const {
  return std::make_unique<grpc::ClientContext>();
}

void PeerSender::wait_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, delay, [this] { return stopping_; });
}

// ---- messages ----

void PeerSender::run_messages() {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (;;) {
    if (connect()) {
      const auto connected_at = std::chrono::steady_clock::now();
      serve_stream();
      grpc::Status status;
      {
        std::lock_guard lock(mu_);
        status = finish_status_;
        stream_.reset();
        stream_ctx_.reset();
        message_ctx_ = nullptr;
        stream_state_ = StreamState::kNone;
        stats_.connected = false;
        if (stopping_) return;
      }
      // Start over from the shortest wait only after a stream that lived a while: a peer that
      // accepts Hello and then fails every stream at once must not be retried 20 times a second.
      if (std::chrono::steady_clock::now() - connected_at >= options_.backoff_max) backoff.reset();
      on_link_failure(status, "stream");
    }
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    wait_for(backoff.next());
  }
}

bool PeerSender::connect() {
  // Hello first: it waits (up to connect_timeout) for the connection, proves that the node at
  // addr_ is the peer we mean, and swaps client addresses.
  auto hello_ctx = new_context();
  hello_ctx->set_wait_for_ready(true);
  hello_ctx->set_deadline(deadline_after(options_.connect_timeout));
  if (!install_context(hello_ctx.get(), &message_ctx_)) return false;
  pb::HelloRequest request;
  request.set_cluster_id(options_.cluster_id);
  request.set_node_id(options_.node_id);
  request.set_client_addr(options_.client_addr);
  request.set_client_tls_port(options_.client_tls_port);
  pb::HelloResponse response;
  grpc::Status status = message_stub_->Hello(hello_ctx.get(), request, &response);
  clear_context(&message_ctx_);
  if (!status.ok()) {
    on_link_failure(status, "hello");
    return false;
  }
  if (response.cluster_id() != options_.cluster_id || response.node_id() != peer_) {
    on_link_failure(
        grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                     "node at " + addr_ + " is node " + std::to_string(response.node_id()) +
                         " of cluster '" + response.cluster_id() + "'"),
        "hello");
    return false;
  }
  registry_.set_client_addr(peer_, response.client_addr(), response.client_tls_port());

  std::lock_guard lock(mu_);
  if (stopping_) return false;
  stream_ctx_ = new_context();
  message_ctx_ = stream_ctx_.get();  // what stop() cancels from now on
  stream_ = message_stub_->PrepareAsyncSend(stream_ctx_.get(), &stream_ack_, &cq_);
  stream_state_ = StreamState::kStarting;
  finish_status_ = grpc::Status();
  stream_->StartCall(tag(Op::kStart));
  ++pending_ops_;
  need_poll_ = true;
  ++stats_.connects;
  stats_.connected = true;
  if (link_down_logged_) {
    spdlog::info("transport: node {} -> {} ({}): link up again", options_.node_id, peer_, addr_);
  }
  link_down_logged_ = false;
  return true;
}

void PeerSender::serve_stream() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return need_poll_ || stopping_; });
      // stop() cancelled the call: an open stream with nothing in flight finishes now (one
      // with a write in flight finishes when that write comes back failed).
      if (stopping_ && stream_state_ == StreamState::kOpen && !write_in_flight_) {
        begin_finish_locked();
      }
      if (stream_state_ == StreamState::kDone) return;
      if (pending_ops_ == 0) {
        // flush() took every completion itself: sleep until asked again.
        need_poll_ = false;
        continue;
      }
    }
    // In slices, because flush() may take the completion this waits for.
    void* event = nullptr;
    bool ok = false;
    if (cq_.AsyncNext(&event, &ok, deadline_after(kWaitSlice)) ==
        grpc::CompletionQueue::GOT_EVENT) {
      on_event(event, ok);
    }
  }
}

void PeerSender::on_event(void* event, bool ok) {
  std::lock_guard lock(mu_);
  --pending_ops_;
  switch (static_cast<Op>(reinterpret_cast<intptr_t>(event))) {
    case Op::kStart:
      if (!ok || stopping_) {
        begin_finish_locked();
      } else {
        stream_state_ = StreamState::kOpen;
        write_next_locked();  // what queued up while connecting
      }
      return;
    case Op::kWrite:
      write_in_flight_ = false;
      if (ok) {
        stats_.sent_messages += in_flight_messages_;
        ++stats_.sent_batches;
      }
      in_flight_messages_ = 0;
      // A failed write means the stream is gone; Finish tells why.
      if (!ok || stopping_) {
        begin_finish_locked();
      } else {
        write_next_locked();
      }
      return;
    case Op::kFinish:
      stream_state_ = StreamState::kDone;
      cv_.notify_all();
      return;
  }
}

bool PeerSender::write_next_locked() {
  if (stream_state_ != StreamState::kOpen || write_in_flight_ || queue_.empty() || stopping_) {
    return false;
  }
  out_batch_.Clear();
  out_batch_.set_cluster_id(options_.cluster_id);
  out_batch_.set_from(options_.node_id);
  out_batch_.set_to(peer_);
  size_t bytes = 0;
  size_t count = 0;
  // At least one message per batch, then as many as fit in max_batch_bytes.
  while (!queue_.empty()) {
    const size_t size = approximate_size(queue_.front());
    if (count > 0 && bytes + size > options_.max_batch_bytes) break;
    bytes += size;
    queued_bytes_ -= size;
    to_proto(std::move(queue_.front()), out_batch_.add_messages());
    queue_.pop_front();
    ++count;
  }
  // Serialised here; gRPC holds the bytes until the peer's flow control lets them go, and new
  // messages queue up meanwhile for the next write.
  stream_->Write(out_batch_, tag(Op::kWrite));
  write_in_flight_ = true;
  in_flight_messages_ = count;
  ++pending_ops_;
  return true;
}

void PeerSender::begin_finish_locked() {
  stream_state_ = StreamState::kFinishing;
  stream_->Finish(&finish_status_, tag(Op::kFinish));
  ++pending_ops_;
  need_poll_ = true;
  cv_.notify_all();
}

void PeerSender::on_link_failure(const grpc::Status& status, const char* what) {
  bool first_failure;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    ++stats_.connect_failures;
    // Messages queued for a dead link are stale by the time it comes back; Raft resends.
    stats_.dropped_disconnected += queue_.size();
    queue_.clear();
    queued_bytes_ = 0;
    first_failure = !link_down_logged_;
    link_down_logged_ = true;
  }
  if (first_failure) {
    spdlog::warn(
        "transport: node {} -> {} ({}): link down ({} failed: {} {}); retrying with "
        "backoff",
        options_.node_id, peer_, addr_, what, static_cast<int>(status.error_code()),
        status.error_message());
  }
  if (handlers_.on_unreachable) handlers_.on_unreachable(peer_);
}

// ---- snapshots ----

void PeerSender::run_snapshots() {
  for (;;) {
    std::optional<SnapshotJob> job;
    int rejections = 0;
    {
      std::unique_lock lock(mu_);
      snapshot_cv_.wait(lock, [this] {
        return stopping_ || snapshot_job_.has_value() || snapshot_rejections_ > 0;
      });
      rejections = snapshot_rejections_;
      snapshot_rejections_ = 0;
      if (stopping_) {
        // Every accepted call is answered exactly once, even at shutdown.
        if (snapshot_job_.has_value()) ++rejections;
        snapshot_job_.reset();
      } else if (snapshot_job_.has_value()) {
        job = std::move(snapshot_job_);
        snapshot_job_.reset();
        snapshot_running_ = true;
      }
      stats_.snapshots_failed += static_cast<uint64_t>(rejections);
    }
    for (int i = 0; i < rejections; ++i) {
      if (handlers_.on_snapshot_status) handlers_.on_snapshot_status(peer_, false);
    }
    if (!job.has_value()) {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      continue;
    }
    const auto began = std::chrono::steady_clock::now();
    const bool ok = transfer_snapshot(*job);
    job.reset();  // releases the source (and whatever it holds) before the report
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - began);
    {
      std::lock_guard lock(mu_);
      snapshot_running_ = false;
      ++(ok ? stats_.snapshots_sent : stats_.snapshots_failed);
      stats_.snapshot_ms += static_cast<uint64_t>(took.count());
    }
    if (handlers_.on_snapshot_status) handlers_.on_snapshot_status(peer_, ok);
  }
}

bool PeerSender::wait_snapshot_channel() {
  // The snapshot connection is idle between transfers (and may be backing off after a failed
  // one), where a fail-fast call would fail at once. Wait for it like Hello does, in slices so
  // that stop() and set_link_blocked() are not held up.
  const auto end = std::chrono::steady_clock::now() + options_.connect_timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (snapshot_channel_->WaitForConnected(deadline_after(std::min(left, kWaitSlice)))) {
      return true;
    }
    std::lock_guard lock(mu_);
    if (stopping_ || blocked_ || std::chrono::steady_clock::now() >= end) return false;
  }
}

bool PeerSender::transfer_snapshot(SnapshotJob& job) {
  const raft::SnapshotMetadata metadata =
      job.msg.snapshot.has_value() ? job.msg.snapshot->metadata : raft::SnapshotMetadata{};
  if (!job.msg.snapshot.has_value()) job.msg.snapshot.emplace();
  job.msg.snapshot->data.clear();  // the data travels in the chunks

  if (!wait_snapshot_channel()) {
    spdlog::warn("transport: node {} -> {}: snapshot at index {} not sent: no connection",
                 options_.node_id, peer_, metadata.index);
    return false;
  }
  auto ctx = new_context();
  if (!install_context(ctx.get(), &snapshot_ctx_)) return false;
  pb::SnapshotAck ack;
  auto writer = snapshot_stub_->SendSnapshot(ctx.get(), &ack);
  uint64_t offset = 0;
  bool first = true;
  bool sent_last = false;
  bool aborted = false;
  while (!sent_last) {
    {
      std::lock_guard lock(mu_);
      aborted = stopping_ || blocked_;
    }
    if (aborted) break;
    std::optional<SnapshotPiece> piece = job.source(options_.snapshot_chunk_bytes);
    if (!piece.has_value()) {
      spdlog::warn("transport: node {} -> {}: snapshot source failed at byte {}; aborting",
                   options_.node_id, peer_, offset);
      aborted = true;
      break;
    }
    pb::SnapshotChunk chunk;
    chunk.set_cluster_id(options_.cluster_id);
    chunk.set_from(options_.node_id);
    chunk.set_to(peer_);
    if (first) {
      to_proto(metadata, chunk.mutable_metadata());
      to_proto(job.msg, chunk.mutable_message());
      first = false;
    }
    const size_t size = piece->data.size();
    chunk.set_data(std::move(piece->data));
    chunk.set_offset(offset);
    chunk.set_last(piece->last);
    // gRPC flow control paces this loop: Write blocks until the receiver has room.
    if (!writer->Write(chunk)) break;
    offset += size;
    sent_last = piece->last;
  }
  // A cancelled call makes the receiver drop what it assembled.
  if (!sent_last) ctx->TryCancel();
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  clear_context(&snapshot_ctx_);
  const bool ok = sent_last && status.ok() && ack.received_bytes() == offset;
  if (ok) {
    spdlog::info("transport: node {} -> {}: snapshot at index {} term {} sent ({} bytes)",
                 options_.node_id, peer_, metadata.index, metadata.term, offset);
  } else if (!aborted) {
    spdlog::warn("transport: node {} -> {}: snapshot at index {} failed after {} bytes: {} {}",
                 options_.node_id, peer_, metadata.index, offset,
                 static_cast<int>(status.error_code()), status.error_message());
  }
  return ok;
}

}  // namespace seshat::transport
