#include "cluster/leader_proxy.h"

#include <spdlog/spdlog.h>

#include <deque>
#include <string_view>
#include <utility>

#include "protocol/resp_reply_parser.h"

namespace seshat::cluster {

using protocol::Reply;
using Clock = std::chrono::steady_clock;

namespace {

// A link holding this many unanswered requests takes no more: the leader is not keeping up (or
// not answering), and queueing without bound would only turn slowness into memory exhaustion.
constexpr size_t kMaxInFlightPerLink = 100000;
// Parsed reply bytes are dropped from the read buffer once this many have piled up.
constexpr size_t kCompactReadBufferAt = 64 * 1024;

Reply try_again(std::string_view why) { return Reply::Error("TRYAGAIN " + std::string(why)); }

bool is_moved(const Reply& reply) {
  return reply.is_error() && reply.str().rfind("MOVED ", 0) == 0;
}

}  // namespace

void append_request(std::string& out, const kv::Argv& argv) {
  out += '*';
  out += std::to_string(argv.size());
  out += "\r\n";
  for (const std::string& arg : argv) {
    out += '$';
    out += std::to_string(arg.size());
    out += "\r\n";
    out += arg;
    out += "\r\n";
  }
}

// One pipelined connection to one leader, for clients of one protocol version on one io thread.
// Everything here runs on that io thread; handlers hold a shared_ptr, so a link that the pool
// has let go of lives until its last handler has run.
class LeaderLink : public std::enable_shared_from_this<LeaderLink> {
 public:
  LeaderLink(asio::io_context& io, uint64_t leader_id, std::string addr,
             protocol::ProtocolVersion version, const Config& config)
      : io_(io),
        socket_(io),
        timer_(io),
        leader_id_(leader_id),
        addr_(std::move(addr)),
        version_(version),
        timeout_(std::chrono::seconds(config.request_timeout_secs)) {
    // What every request on this link relies on: authenticated, the client's protocol, and
    // never forwarded again by the receiver.
    if (!config.requirepass.empty()) send_handshake({"AUTH", config.requirepass});
    if (version_ == protocol::ProtocolVersion::kResp3) send_handshake({"HELLO", "3"});
    send_handshake({"SESHAT", "PROXY-LINK"});
  }

  bool serves(uint64_t leader_id, const std::string& addr) const {
    return !closed_ && !retired_ && leader_id_ == leader_id && addr_ == addr;
  }

  void start() {
    const std::optional<replication::HostPort> target = replication::split_host_port(addr_);
    if (!target) {
      close("the leader's client address '" + addr_ + "' is not host:port");
      return;
    }
    const std::string& host = target->host;
    const auto port = static_cast<uint16_t>(target->port);
    asio::error_code ec;
    auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (!ec) {
      connect(asio::ip::tcp::endpoint(address, port));
      return;
    }
    // A host name: resolve it without blocking the io thread.
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(io_);
    resolver->async_resolve(
        host, std::to_string(port),
        [self = shared_from_this(), resolver](const asio::error_code& rec,
                                              asio::ip::tcp::resolver::results_type results) {
          if (self->closed_) return;
          if (rec || results.empty()) {
            self->close("cannot resolve the leader's address " + self->addr_ + ": " +
                        (rec ? rec.message() : std::string("no address")));
            return;
          }
          self->connect(results.begin()->endpoint());
        });
  }

  // Queues one request whose `replies` replies the leader sends in a row. Only the last one is
  // handed to `done`; for a transaction (`parse_last`) as a parsed Reply, else as raw bytes.
  void submit(std::string_view request, size_t replies, bool parse_last,
              LeaderProxy::Callback done) {
    if (closed_) {  // start() could not even begin to connect
      post_result(std::move(done),
                  {std::nullopt, try_again("cannot reach the leader at " + addr_)});
      return;
    }
    if (pending_.size() >= kMaxInFlightPerLink) {
      post_result(std::move(done),
                  {std::nullopt, try_again("too many requests in flight to the leader")});
      return;
    }
    out_.append(request);
    Pending p;
    p.replies_left = replies;
    p.parse_last = parse_last;
    p.deadline = Clock::now() + timeout_;
    p.done = std::move(done);
    pending_.push_back(std::move(p));
    arm_timer();
    flush();
  }

  // No new requests; closes once the ones in flight are answered.
  void retire() {
    retired_ = true;
    if (pending_.empty()) close("");
  }

  void close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    asio::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    if (!why.empty() && !retired_) {
      spdlog::warn("follower proxy: link to leader {} at {} closed: {}", leader_id_, addr_, why);
    }
    const Reply error = try_again("lost the connection to the leader (" +
                                  (why.empty() ? std::string("closed") : why) + "); retry");
    for (Pending& p : pending_) {
      if (!p.answered && p.done) post_result(std::move(p.done), {std::nullopt, error});
    }
    pending_.clear();
  }

 private:
  struct Pending {
    size_t replies_left = 1;
    bool parse_last = false;
    bool answered = false;  // answered here (timeout): the leader's late reply is dropped
    std::optional<Reply> first_error;  // a transaction's first error before EXEC's reply
    Clock::time_point deadline;
    LeaderProxy::Callback done;  // empty for the handshake
  };

  void send_handshake(const kv::Argv& argv) {
    append_request(out_, argv);
    Pending p;
    p.deadline = Clock::now() + timeout_;
    pending_.push_back(std::move(p));
  }

  // Never calls back inline: the caller may be inside its own request loop, or inside ours.
  void post_result(LeaderProxy::Callback done, LeaderProxy::Result result) {
    asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }

  void connect(const asio::ip::tcp::endpoint& endpoint) {
    socket_.async_connect(endpoint, [self = shared_from_this()](const asio::error_code& ec) {
      if (self->closed_) return;
      if (ec) {
        self->close("cannot connect: " + ec.message());
        return;
      }
      asio::error_code opt_ec;
      self->socket_.set_option(asio::ip::tcp::no_delay(true), opt_ec);
      self->connected_ = true;
      self->flush();
      self->read_more();
    });
  }

  void flush() {
    if (!connected_ || closed_ || write_in_flight_ || out_.empty()) return;
    writing_.swap(out_);
    out_.clear();
    write_in_flight_ = true;
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const asio::error_code& ec, size_t) {
                        self->write_in_flight_ = false;
                        self->writing_.clear();
                        if (self->closed_) return;
                        if (ec) {
                          self->close("write failed: " + ec.message());
                          return;
                        }
                        self->flush();
                      });
  }

  void read_more() {
    socket_.async_read_some(
        asio::buffer(read_buf_), [self = shared_from_this()](const asio::error_code& ec, size_t n) {
          if (self->closed_) return;
          if (ec) {
            self->close(ec == asio::error::eof ? "the leader closed it"
                                               : "read failed: " + ec.message());
            return;
          }
          self->in_.append(self->read_buf_, n);
          if (self->parse_replies()) self->read_more();
        });
  }

  // Hands every complete reply in the buffer to its request; false once the link is closed.
  bool parse_replies() {
    while (parse_pos_ < in_.size()) {
      size_t consumed = 0;
      Reply reply;
      std::string error;
      const auto result =
          parser_.parse(std::string_view(in_).substr(parse_pos_), consumed, reply, error);
      parse_pos_ += consumed;
      if (result == protocol::ReplyParseResult::kIncomplete) break;
      if (result == protocol::ReplyParseResult::kError) {
        close(error);
        return false;
      }
      // The reply's bytes are everything parsed since the previous reply ended.
      std::string_view raw = std::string_view(in_).substr(reply_start_, parse_pos_ - reply_start_);
      reply_start_ = parse_pos_;
      if (!deliver(raw, std::move(reply))) return false;
    }
    if (reply_start_ == in_.size()) {
      in_.clear();
      reply_start_ = parse_pos_ = 0;
    } else if (reply_start_ >= kCompactReadBufferAt) {
      in_.erase(0, reply_start_);
      parse_pos_ -= reply_start_;
      reply_start_ = 0;
    }
    return true;
  }

  bool deliver(std::string_view raw, Reply reply) {
    if (pending_.empty()) {
      close("a reply nobody asked for");
      return false;
    }
    Pending& front = pending_.front();
    if (!front.done && !front.answered) {
      // A handshake reply. A failure is worth a line: every request behind it will fail the
      // same way (say, a wrong password), and the leader's errors reach the clients as they are.
      if (reply.is_error()) {
        spdlog::warn("follower proxy: leader {} at {} refused the link set-up: {}", leader_id_,
                     addr_, reply.str());
      }
      pending_.pop_front();
      return after_reply();
    }
    if (--front.replies_left > 0) {
      // MULTI's +OK and the +QUEUED of each command: only an error matters, if EXEC aborts.
      if (reply.is_error() && !front.first_error) front.first_error = std::move(reply);
      return true;
    }
    Pending done = std::move(front);
    pending_.pop_front();
    if (!done.answered) {
      LeaderProxy::Result result;
      if (done.parse_last) {
        // The target was no longer the leader: it queued nothing, and EXEC says "previous
        // errors". Say what happened instead, retryably.
        if (reply.is_error() && done.first_error && is_moved(*done.first_error)) {
          reply = Reply::Error("EXECABORT Transaction discarded because of: " +
                               std::string(kProxyLeaderMovedError));
        }
        result.reply = std::move(reply);
      } else if (is_moved(reply)) {
        result.reply = Reply::Error(std::string(kProxyLeaderMovedError));
      } else {
        result.raw = std::string(raw);
      }
      post_result(std::move(done.done), std::move(result));
    }
    return after_reply();
  }

  bool after_reply() {
    if (retired_ && pending_.empty()) {
      close("");
      return false;
    }
    return true;
  }

  // One timer for the whole link: requests are queued in deadline order, so the earliest
  // deadline still to act on is near the front.
  void arm_timer() {
    if (timer_armed_ || closed_ || pending_.empty()) return;
    Clock::time_point next = pending_.front().deadline + timeout_;  // the dead-link check
    for (const Pending& p : pending_) {
      if (p.done && !p.answered) {
        next = std::min(next, p.deadline);
        break;
      }
    }
    timer_armed_ = true;
    timer_.expires_at(next);
    timer_.async_wait([self = shared_from_this()](const asio::error_code&) {
      self->timer_armed_ = false;
      if (self->closed_) return;
      self->on_timer();
    });
  }

  void on_timer() {
    const auto now = Clock::now();
    if (pending_.empty()) return;
    if (pending_.front().deadline + timeout_ <= now) {
      close("no reply for " + std::to_string(2 * timeout_.count()) + " s");
      return;
    }
    for (Pending& p : pending_) {
      if (p.deadline > now) break;
      if (p.done && !p.answered) {
        p.answered = true;
        post_result(
            std::move(p.done),
            {std::nullopt, try_again("the leader did not answer within request_timeout_secs; the "
                                     "command may still be applied")});
        p.done = nullptr;
      }
    }
    arm_timer();
  }

  asio::io_context& io_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  const uint64_t leader_id_;
  const std::string addr_;
  const protocol::ProtocolVersion version_;
  const std::chrono::seconds timeout_;

  std::deque<Pending> pending_;  // requests written or queued, in order, awaiting replies
  bool connected_ = false;
  bool closed_ = false;
  bool retired_ = false;
  bool timer_armed_ = false;

  std::string out_;      // requests not yet handed to the socket
  std::string writing_;  // the write in flight
  bool write_in_flight_ = false;

  protocol::ReplyParser parser_;
  std::string in_;
  size_t parse_pos_ = 0;    // bytes of in_ handed to the parser
  size_t reply_start_ = 0;  // where the reply being parsed begins in in_
  char read_buf_[16 * 1024];
};

LeaderProxy::LeaderProxy(const Config& config, const std::vector<asio::io_context*>& ios)
    : config_(config) {
  for (asio::io_context* io : ios) threads_.push_back(ThreadLinks{io, {}});
}

LeaderProxy::~LeaderProxy() { close_all(); }

void LeaderProxy::close_all() {
  for (ThreadLinks& t : threads_) {
    for (auto& link : t.by_version) {
      if (link) link->close("the node is shutting down");
      link.reset();
    }
  }
}

LeaderProxy::ThreadLinks* LeaderProxy::links_for(const asio::any_io_executor& executor) {
  const asio::execution_context* context = &asio::query(executor, asio::execution::context);
  for (ThreadLinks& t : threads_) {
    if (static_cast<const asio::execution_context*>(t.io) == context) return &t;
  }
  return nullptr;
}

void LeaderProxy::forward(const asio::any_io_executor& executor, const ClusterView& view,
                          std::span<const kv::Argv> commands, bool transaction,
                          protocol::ProtocolVersion version, Callback done) {
  auto fail = [&](std::string why) {
    asio::post(executor, [done = std::move(done), why = std::move(why)]() mutable {
      done(Result{std::nullopt, Reply::Error(why)});
    });
  };
  ThreadLinks* links = links_for(executor);
  if (links == nullptr) {
    // A caller outside the server's io threads is a wiring bug, not a client's fault.
    spdlog::error("follower proxy: forward() called from an unknown io_context");
    fail("TRYAGAIN the follower proxy is not available on this thread");
    return;
  }
  const ClusterMember* leader = view.leader();
  if (leader == nullptr || leader->client_addr.empty()) {
    fail(std::string("CLUSTERDOWN The cluster is down"));
    return;
  }
  // Never to itself: a view that names this node, or an address that is this node's own (a
  // misconfigured member list), would make the node wait on its own reply slot.
  if (leader->id == view.self_id || leader->client_addr == config_.client_addr) {
    fail("TRYAGAIN this node is becoming the leader; retry");
    return;
  }
  auto& link = links->by_version[version == protocol::ProtocolVersion::kResp3 ? 1 : 0];
  if (link && !link->serves(leader->id, leader->client_addr)) {
    link->retire();  // the old leader's replies still reach the clients waiting on them
    link.reset();
  }
  if (!link) {
    link =
        std::make_shared<LeaderLink>(*links->io, leader->id, leader->client_addr, version, config_);
    link->start();
  }
  std::string request;
  if (transaction) append_request(request, {"MULTI"});
  for (const kv::Argv& argv : commands) append_request(request, argv);
  if (transaction) append_request(request, {"EXEC"});
  const size_t replies = commands.size() + (transaction ? 2 : 0);
  link->submit(request, replies, transaction, std::move(done));
}

}  // namespace seshat::cluster
