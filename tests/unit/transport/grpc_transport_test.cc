// GrpcTransport instances talking over 127.0.0.1 with ephemeral ports. Every wait is a poll
// with a deadline, never a bare sleep.
#include "transport/grpc_transport.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "raft.grpc.pb.h"
#include "transport/message_codec.h"

namespace seshat::transport {
namespace {

using namespace std::chrono_literals;
using raft::MessageType;
using raft::NodeId;

constexpr auto kDeadline = 5s;

template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = kDeadline) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);  // poll interval, not a wait for an outcome
  }
  return pred();
}

// One node: a transport and what its handlers saw.
class TestNode {
 public:
  TestNode(NodeId id, std::string cluster = "test-cluster", int port = 0) : id_(id) {
    GrpcTransportOptions o;
    o.cluster_id = std::move(cluster);
    o.node_id = id;
    o.listen_addr = "127.0.0.1:" + std::to_string(port);
    o.client_addr = "127.0.0.1:" + std::to_string(6000 + id);
    o.backoff_initial = 20ms;
    o.backoff_max = 200ms;
    o.connect_timeout = 1s;
    o.shutdown_timeout = 1s;
    TransportHandlers h;
    h.on_message = [this](raft::Message m) {
      {
        // A held node stops reading: gRPC's flow control then holds its senders' writes.
        std::unique_lock lock(mu_);
        released_.wait(lock, [this] { return !held_; });
      }
      char thread_name[16] = {};
      pthread_getname_np(pthread_self(), thread_name, sizeof thread_name);
      std::lock_guard lock(mu_);
      if (m.type != MessageType::kSnap) message_threads_.insert(thread_name);
      received_.push_back(std::move(m));
    };
    h.on_unreachable = [this](NodeId peer) {
      std::lock_guard lock(mu_);
      ++unreachable_[peer];
    };
    h.on_snapshot_status = [this](NodeId peer, bool ok) {
      std::lock_guard lock(mu_);
      snapshot_status_.emplace_back(peer, ok);
    };
    transport_ = std::make_unique<GrpcTransport>(std::move(o), std::move(h));
    const absl::Status st = transport_->start();
    EXPECT_TRUE(st.ok()) << st;
  }

  GrpcTransport& t() { return *transport_; }
  NodeId id() const { return id_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(transport_->port()); }

  std::vector<raft::Message> received_from(NodeId from) {
    std::lock_guard lock(mu_);
    std::vector<raft::Message> out;
    for (const auto& m : received_) {
      if (m.from == from) out.push_back(m);
    }
    return out;
  }
  size_t received_count() {
    std::lock_guard lock(mu_);
    return received_.size();
  }
  int unreachable(NodeId peer) {
    std::lock_guard lock(mu_);
    return unreachable_[peer];
  }
  std::vector<std::pair<NodeId, bool>> snapshot_status() {
    std::lock_guard lock(mu_);
    return snapshot_status_;
  }
  // While held, the handler waits before taking a message (the node reads nothing more).
  void hold(bool held) {
    {
      std::lock_guard lock(mu_);
      held_ = held;
    }
    released_.notify_all();
  }
  // Names of the threads that handed over messages other than snapshots.
  std::set<std::string> message_threads() {
    std::lock_guard lock(mu_);
    return message_threads_;
  }

 private:
  NodeId id_;
  std::unique_ptr<GrpcTransport> transport_;
  std::mutex mu_;
  std::vector<raft::Message> received_;
  std::map<NodeId, int> unreachable_;
  std::vector<std::pair<NodeId, bool>> snapshot_status_;
  std::set<std::string> message_threads_;
  bool held_ = false;
  std::condition_variable released_;
};

// Makes every node a peer of every other and waits for all links to be up. Until then a
// node's Hello may reach a peer that does not know it yet, be refused, and drop what was queued
// (as designed): tests that count deliveries start after that.
void connect_all(const std::vector<TestNode*>& nodes) {
  for (TestNode* a : nodes) {
    for (TestNode* b : nodes) {
      if (a != b) a->t().add_peer(b->id(), b->addr());
    }
  }
  ASSERT_TRUE(wait_until([&] {
    for (TestNode* a : nodes) {
      for (TestNode* b : nodes) {
        if (a != b && !a->t().link_stats(b->id()).connected) return false;
      }
    }
    return true;
  }));
}

raft::Message app(NodeId from, NodeId to, uint64_t index, size_t payload = 8) {
  raft::Message m;
  m.type = MessageType::kApp;
  m.from = from;
  m.to = to;
  m.term = 1;
  m.index = index;
  m.entries.push_back({.term = 1, .index = index + 1, .data = std::string(payload, 'v')});
  return m;
}

// True when the messages from `from` are exactly indexes first..last in order.
bool in_order(const std::vector<raft::Message>& msgs, uint64_t first, uint64_t last) {
  if (msgs.size() != last - first + 1) return false;
  for (size_t i = 0; i < msgs.size(); ++i) {
    if (msgs[i].index != first + i) return false;
  }
  return true;
}

TEST(GrpcTransport, TwoNodesExchangeBatchesInOrder) {
  TestNode a(1), b(2);
  connect_all({&a, &b});
  constexpr uint64_t kCount = 2000;
  for (uint64_t i = 0; i < kCount; i += 10) {
    std::vector<raft::Message> to_b, to_a;
    for (uint64_t j = i; j < i + 10; ++j) {
      to_b.push_back(app(1, 2, j));
      to_a.push_back(app(2, 1, j));
    }
    a.t().send(std::move(to_b));
    b.t().send(std::move(to_a));
  }
  ASSERT_TRUE(wait_until([&] {
    return a.received_count() == kCount && b.received_count() == kCount;
  })) << a.received_count()
      << " " << b.received_count();
  EXPECT_TRUE(in_order(b.received_from(1), 0, kCount - 1));
  EXPECT_TRUE(in_order(a.received_from(2), 0, kCount - 1));
  const raft::Message sample = b.received_from(1)[5];
  EXPECT_EQ(sample.entries.at(0).data, std::string(8, 'v'));
  EXPECT_LT(a.t().link_stats(2).sent_batches, kCount);  // batched, not one write each
  // Hello told each side the other's client address.
  EXPECT_EQ(a.t().peer_client_addr(2), "127.0.0.1:6002");
  EXPECT_EQ(b.t().peer_client_addr(1), "127.0.0.1:6001");
}

TEST(GrpcTransport, ThreeNodesAllPairsInOrder) {
  TestNode n1(1), n2(2), n3(3);
  std::vector<TestNode*> nodes{&n1, &n2, &n3};
  connect_all(nodes);
  constexpr uint64_t kCount = 300;
  for (uint64_t i = 0; i < kCount; ++i) {
    for (TestNode* from : nodes) {
      std::vector<raft::Message> msgs;
      for (TestNode* to : nodes) {
        if (to != from) msgs.push_back(app(from->id(), to->id(), i));
      }
      from->t().send(std::move(msgs));
    }
  }
  ASSERT_TRUE(wait_until([&] {
    return n1.received_count() == 2 * kCount && n2.received_count() == 2 * kCount &&
           n3.received_count() == 2 * kCount;
  }));
  for (TestNode* to : nodes) {
    for (TestNode* from : nodes) {
      if (to == from) continue;
      EXPECT_TRUE(in_order(to->received_from(from->id()), 0, kCount - 1));
    }
    // Every peer's stream is read and handed over by the node's one receiving thread, not
    // passed between gRPC's threads first (docs/transport.md, "Receiving").
    EXPECT_EQ(to->message_threads(), std::set<std::string>{"peer-recv"});
  }
}

// Everything logged while it lives (set before the nodes start, read after they stop).
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(GrpcTransport, WrongClusterIdIsRejected) {
  LogCapture log;
  {
    TestNode a(1, "cluster-a"), b(2, "cluster-b");
    a.t().add_peer(2, b.addr());
    b.t().add_peer(1, a.addr());
    a.t().send({app(1, 2, 1)});
    ASSERT_TRUE(wait_until([&] { return a.unreachable(2) >= 2; }));
    EXPECT_EQ(b.received_count(), 0u);
    EXPECT_FALSE(a.t().link_stats(2).connected);
    EXPECT_EQ(a.t().peer_client_addr(2), std::nullopt);
  }
  // Logged by the refusing node, once however often the stranger retries.
  const std::string line =
      "node 2: rejected traffic from node 1: cluster id 'cluster-a' is not this node's cluster "
      "'cluster-b'";
  EXPECT_EQ(occurrences(log.text(), line), 1u) << log.text();
}

TEST(GrpcTransport, UnknownSenderIsRejected) {
  LogCapture log;
  {
    TestNode a(1), b(2);
    a.t().add_peer(2, b.addr());  // b does not know a
    a.t().send({app(1, 2, 1)});
    ASSERT_TRUE(wait_until([&] { return a.unreachable(2) >= 2; }));
    EXPECT_EQ(b.received_count(), 0u);
  }
  EXPECT_EQ(occurrences(log.text(), "node 2: rejected traffic from node 1: "), 1u) << log.text();
}

// Bypasses Hello: every batch on an open stream is checked by itself.
TEST(GrpcTransport, EveryBatchIsChecked) {
  TestNode b(2);
  b.t().add_peer(1, "127.0.0.1:1");  // 1 is a member; nothing listens there, no matter
  auto channel = grpc::CreateChannel(b.addr(), grpc::InsecureChannelCredentials());
  auto stub = pb::RaftTransport::NewStub(channel);
  struct Case {
    std::string cluster;
    NodeId from, to, msg_from;
    grpc::StatusCode want;
  };
  const std::vector<Case> cases = {
      {"wrong", 1, 2, 1, grpc::StatusCode::FAILED_PRECONDITION},
      {"test-cluster", 1, 3, 1, grpc::StatusCode::FAILED_PRECONDITION},
      {"test-cluster", 9, 2, 9, grpc::StatusCode::PERMISSION_DENIED},
      {"test-cluster", 1, 2, 9, grpc::StatusCode::PERMISSION_DENIED},  // speaks for another
      {"test-cluster", 1, 2, 1, grpc::StatusCode::OK},
  };
  for (const Case& c : cases) {
    grpc::ClientContext ctx;
    pb::SendAck ack;
    auto writer = stub->Send(&ctx, &ack);
    pb::MessageBatch batch;
    batch.set_cluster_id(c.cluster);
    batch.set_from(c.from);
    batch.set_to(c.to);
    to_proto(app(c.msg_from, c.to, 5), batch.add_messages());
    writer->Write(batch);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(), c.want) << c.cluster << " " << c.from << "->" << c.to;
  }
  EXPECT_EQ(b.received_count(), 1u);  // only the good batch

  // A batch holding a message no correct peer sends is refused whole, before anything of it
  // is stepped (a term-0 vote would stop the receiving node).
  grpc::ClientContext ctx;
  pb::SendAck ack;
  auto writer = stub->Send(&ctx, &ack);
  pb::MessageBatch batch;
  batch.set_cluster_id("test-cluster");
  batch.set_from(1);
  batch.set_to(2);
  to_proto(app(1, 2, 6), batch.add_messages());
  to_proto(raft::Message{.type = MessageType::kVote, .to = 2, .from = 1, .term = 0},
           batch.add_messages());
  writer->Write(batch);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(b.received_count(), 1u);

  // The snapshot stream's message gets the same check: a snapshot at index 0 is no snapshot.
  grpc::ClientContext snap_ctx;
  pb::SnapshotAck snap_ack;
  auto snap_writer = stub->SendSnapshot(&snap_ctx, &snap_ack);
  pb::SnapshotChunk chunk;
  chunk.set_cluster_id("test-cluster");
  chunk.set_from(1);
  chunk.set_to(2);
  to_proto(raft::Message{.type = MessageType::kSnap, .to = 2, .from = 1, .term = 1},
           chunk.mutable_message());
  chunk.mutable_metadata();  // present, index 0
  chunk.set_last(true);
  snap_writer->Write(chunk);
  snap_writer->WritesDone();
  EXPECT_EQ(snap_writer->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(b.received_count(), 1u);
}

TEST(GrpcTransport, PeerThatComesUpLaterReceivesLaterMessages) {
  int port = 0;
  {
    TestNode probe(2);  // learn a free port, then free it
    port = probe.t().port();
  }
  TestNode a(1);
  a.t().add_peer(2, "127.0.0.1:" + std::to_string(port));
  a.t().send({app(1, 2, 0)});
  ASSERT_TRUE(wait_until([&] { return a.unreachable(2) >= 1; }));

  TestNode b(2, "test-cluster", port);
  b.t().add_peer(1, a.addr());
  // Keep sending until the link is back; everything sent after that arrives in order.
  uint64_t next = 1;
  ASSERT_TRUE(wait_until([&] {
    a.t().send({app(1, 2, next++)});
    return b.received_count() > 0;
  }));
  const uint64_t first = b.received_from(1).front().index;
  for (uint64_t i = 0; i < 100; ++i) a.t().send({app(1, 2, next++)});
  ASSERT_TRUE(wait_until([&] { return b.received_from(1).back().index == next - 1; }));
  EXPECT_TRUE(in_order(b.received_from(1), first, next - 1));
  EXPECT_GE(a.t().link_stats(2).connects, 1u);
}

TEST(GrpcTransport, QueueDropsInsteadOfBlockingWhenPeerIsDown) {
  GrpcTransportOptions o;
  o.cluster_id = "test-cluster";
  o.node_id = 1;
  o.listen_addr = "127.0.0.1:0";
  o.max_queue_messages = 100;
  o.max_queue_bytes = 1 << 20;
  o.connect_timeout = 2s;  // the sender sits in Hello: nothing drains the queue
  std::atomic<int> unreachable{0};
  TransportHandlers h;
  h.on_unreachable = [&](NodeId) { ++unreachable; };
  GrpcTransport a(o, h);
  ASSERT_TRUE(a.start().ok());
  a.add_peer(2, "127.0.0.1:1");  // nothing listens on port 1

  constexpr int kCount = 20000;
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < kCount; ++i) a.send({app(1, 2, static_cast<uint64_t>(i), 100)});
  const auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(took, 2s);  // never waits for the peer
  const LinkStats s = a.link_stats(2);
  EXPECT_LE(s.queued_messages, 100u);
  EXPECT_GT(s.dropped_queue_full, 0u);
  EXPECT_EQ(s.queued_messages + s.dropped_queue_full + s.dropped_disconnected,
            static_cast<uint64_t>(kCount));

  // The byte bound: 1 MiB of 300 KiB messages holds three (the fourth would exceed it).
  a.add_peer(3, "127.0.0.1:1");
  for (int i = 0; i < 10; ++i) a.send({app(1, 3, static_cast<uint64_t>(i), 300 << 10)});
  const LinkStats s3 = a.link_stats(3);
  EXPECT_LE(s3.queued_messages, 3u);
  EXPECT_GE(s3.dropped_queue_full, 7u);

  const auto stop_begin = std::chrono::steady_clock::now();
  a.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_begin, 2s);  // cancels the waiting Hello
}

// send() writes on the caller's thread (the driver's): a write that gRPC's flow control holds
// (a peer that stops reading) must leave it at once, and what queues up meanwhile must go out,
// in order, when the peer reads again.
TEST(GrpcTransport, PeerThatStopsReadingNeverHoldsUpSend) {
  TestNode a(1), b(2);
  connect_all({&a, &b});
  b.hold(true);
  // 48 MiB: far beyond the HTTP/2 window and the sockets' buffers, within the 64 MiB queue.
  constexpr uint64_t kCount = 192;
  const auto begin = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < kCount; ++i) a.t().send({app(1, 2, i, 256 << 10)});
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  // The writes are held: most of it is still queued on our side.
  ASSERT_TRUE(wait_until([&] { return a.t().link_stats(2).queued_messages > 0; }));
  EXPECT_LT(b.received_count(), kCount);
  b.hold(false);
  ASSERT_TRUE(wait_until([&] { return b.received_count() == kCount; }, 20s))
      << b.received_count() << " of " << kCount;
  EXPECT_TRUE(in_order(b.received_from(1), 0, kCount - 1));
  const LinkStats s = a.t().link_stats(2);
  EXPECT_EQ(s.sent_messages, kCount);
  EXPECT_EQ(s.queued_messages, 0u);
  EXPECT_EQ(s.dropped_queue_full + s.dropped_disconnected, 0u);
}

// A listening socket that never accepts: the kernel completes TCP handshakes but nobody speaks
// HTTP/2, as with a SIGSTOPped peer. The handshake must time out and be reported, not hang.
class BlackHole {
 public:
  BlackHole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { ::close(fd_); }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(GrpcTransport, UnresponsivePeerIsReportedNotWaitedFor) {
  BlackHole hole;
  TestNode a(1);
  a.t().add_peer(2, hole.addr());
  const auto begin = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < 1000; ++i) a.t().send({app(1, 2, i)});
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  ASSERT_TRUE(wait_until([&] { return a.unreachable(2) >= 1; }));
  EXPECT_FALSE(a.t().link_stats(2).connected);
  EXPECT_EQ(a.t().link_stats(2).sent_messages, 0u);
}

TEST(GrpcTransport, MultiChunkSnapshotArrivesIntact) {
  TestNode a(1), b(2);
  connect_all({&a, &b});
  std::string data(3 * (1 << 20) + 12345, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);

  raft::Message msg;
  msg.type = MessageType::kSnap;
  msg.from = 1;
  msg.to = 2;
  msg.term = 3;
  msg.snapshot.emplace();
  msg.snapshot->metadata.index = 500;
  msg.snapshot->metadata.term = 3;
  msg.snapshot->metadata.conf_state.voters = {1, 2, 3};
  // A source that hands out 256 KiB pieces and counts its calls.
  int calls = 0;
  size_t pos = 0;
  SnapshotSource source = [&](size_t max_bytes) -> std::optional<SnapshotPiece> {
    ++calls;
    const size_t n = std::min<size_t>({max_bytes, 256 << 10, data.size() - pos});
    SnapshotPiece p{data.substr(pos, n), pos + n == data.size()};
    pos += n;
    return p;
  };
  a.t().send_snapshot(msg, source);
  ASSERT_TRUE(wait_until([&] { return !a.snapshot_status().empty(); }, 10s));
  EXPECT_EQ(a.snapshot_status().front(), std::make_pair(NodeId{2}, true));
  ASSERT_EQ(b.received_count(), 1u);
  const raft::Message got = b.received_from(1).front();
  EXPECT_EQ(got.type, MessageType::kSnap);
  EXPECT_EQ(got.term, 3u);
  ASSERT_TRUE(got.snapshot.has_value());
  EXPECT_EQ(got.snapshot->metadata, msg.snapshot->metadata);
  EXPECT_TRUE(got.snapshot->data == data);
  EXPECT_GT(calls, 12);

  // A kSnap given to send() streams its own data the same way.
  msg.snapshot->data = "small snapshot";
  a.t().send({msg});
  ASSERT_TRUE(wait_until([&] { return a.snapshot_status().size() == 2; }));
  EXPECT_TRUE(a.snapshot_status().back().second);
  ASSERT_TRUE(wait_until([&] { return b.received_count() == 2; }));
  EXPECT_EQ(b.received_from(1).back().snapshot->data, "small snapshot");

  // A failing source fails the transfer, and the receiver gets nothing.
  a.t().send_snapshot(msg, [](size_t) -> std::optional<SnapshotPiece> { return std::nullopt; });
  ASSERT_TRUE(wait_until([&] { return a.snapshot_status().size() == 3; }));
  EXPECT_FALSE(a.snapshot_status().back().second);
  EXPECT_EQ(b.received_count(), 2u);
}

TEST(GrpcTransport, BlockedLinkDropsOneDirectionOnly) {
  TestNode a(1), b(2);
  connect_all({&a, &b});
  const int unreachable_before = a.unreachable(2);  // set-up may have raced (see connect_all)
  a.t().set_link_blocked(2, true);                  // cut a -> b only
  for (uint64_t i = 0; i < 50; ++i) {
    a.t().send({app(1, 2, i)});
    b.t().send({app(2, 1, i)});
  }
  ASSERT_TRUE(wait_until([&] { return a.received_count() == 50; }));
  EXPECT_TRUE(in_order(a.received_from(2), 0, 49));
  EXPECT_EQ(a.t().link_stats(2).dropped_blocked, 50u);
  EXPECT_EQ(b.received_count(), 0u);
  EXPECT_EQ(a.unreachable(2), unreachable_before);  // a cut is silent, like a lossy network

  // A snapshot over the cut link fails.
  raft::Message snap;
  snap.type = MessageType::kSnap;
  snap.from = 1;
  snap.to = 2;
  a.t().send_snapshot(snap, snapshot_source_from_string("data"));
  ASSERT_TRUE(wait_until([&] { return a.snapshot_status().size() == 1; }));
  EXPECT_FALSE(a.snapshot_status().front().second);

  a.t().set_link_blocked(2, false);
  a.t().send({app(1, 2, 100)});
  ASSERT_TRUE(wait_until([&] { return b.received_count() == 1; }));
  EXPECT_EQ(b.received_from(1).front().index, 100u);
}

TEST(GrpcTransport, DroppedShareOfMessagesIsCountedAndRestorable) {
  TestNode a(1), b(2);
  connect_all({&a, &b});
  a.t().set_link_drop(2, 100);  // everything a -> b is lost
  for (uint64_t i = 0; i < 20; ++i) a.t().send({app(1, 2, i)});
  EXPECT_EQ(a.t().link_stats(2).dropped_fault, 20u);

  a.t().set_link_drop(2, 50);  // about half: with 400 messages, both outcomes are certain
  for (uint64_t i = 0; i < 400; ++i) a.t().send({app(1, 2, 1000 + i)});
  const uint64_t dropped = a.t().link_stats(2).dropped_fault - 20;
  EXPECT_GT(dropped, 100u);
  EXPECT_LT(dropped, 300u);
  ASSERT_TRUE(wait_until([&] { return b.received_count() == 400 - dropped; }));

  a.t().set_link_drop(2, 0);  // restored: nothing more is dropped
  const size_t before = b.received_count();
  for (uint64_t i = 0; i < 10; ++i) a.t().send({app(1, 2, 5000 + i)});
  ASSERT_TRUE(wait_until([&] { return b.received_count() == before + 10; }));
  EXPECT_EQ(a.t().link_stats(2).dropped_fault, 20u + dropped);
}

TEST(GrpcTransport, StopIsPromptWithOpenStreams) {
  auto a = std::make_unique<TestNode>(1);
  auto b = std::make_unique<TestNode>(2);
  connect_all({a.get(), b.get()});
  a->t().send({app(1, 2, 0)});
  b->t().send({app(2, 1, 0)});
  ASSERT_TRUE(wait_until([&] { return a->received_count() == 1 && b->received_count() == 1; }));
  const auto begin = std::chrono::steady_clock::now();
  b->t().stop();  // b's server holds a's open stream: it must cancel it, not wait it out
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 900ms);
  b->t().send({app(2, 1, 1)});  // dropped after stop, no crash
  a->t().send({app(1, 2, 1)});  // a finds the link down and keeps going
  ASSERT_TRUE(wait_until([&] { return a->unreachable(2) >= 1; }));
  a.reset();
  b.reset();
}

TEST(GrpcTransport, SecondServerOnTheSamePortFailsToStart) {
  TestNode a(1);
  GrpcTransportOptions o;
  o.cluster_id = "test-cluster";
  o.node_id = 2;
  o.listen_addr = a.addr();
  GrpcTransport b(o, {});
  EXPECT_FALSE(b.start().ok());
}

}  // namespace
}  // namespace seshat::transport
