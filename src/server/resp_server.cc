#include "server/resp_server.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "replication/cluster_view.h"
#include "server/connection.h"

namespace seshat::server {

RespServer::RespServer(ServerContext& ctx) : ctx_(ctx) {}

RespServer::~RespServer() { stop(std::chrono::milliseconds(0)); }

absl::Status RespServer::start() {
  const std::optional<replication::HostPort> client_addr =
      replication::split_host_port(ctx_.config.client_addr);
  if (!client_addr || client_addr->host.empty()) {
    return absl::InvalidArgumentError("client_addr '" + ctx_.config.client_addr +
                                      "' is not host:port");
  }
  const std::string& host = client_addr->host;
  const auto port = static_cast<uint16_t>(client_addr->port);
  size_t n = std::max<uint64_t>(1, ctx_.config.io_threads);
  for (size_t i = 0; i < n; ++i) {
    ios_.push_back(std::make_unique<asio::io_context>(1));
    work_.emplace_back(asio::make_work_guard(*ios_.back()));
  }
  asio::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return absl::InvalidArgumentError("client_addr host '" + host + "': " + ec.message());
  if (auto status = listen(address, port, ctx_.config.client_addr, nullptr); !status.ok()) {
    return status;
  }
  port_ = listeners_[0].acceptor->local_endpoint().port();
  if (ctx_.config.tls_port != 0) {
    auto tls = make_client_tls_context(ctx_.config);
    if (!tls.ok()) return tls.status();
    tls_ = std::move(*tls);
    const auto tls_port = static_cast<uint16_t>(ctx_.config.tls_port);
    if (auto status = listen(address, tls_port, host + ":" + std::to_string(tls_port), tls_.get());
        !status.ok()) {
      return status;
    }
  }
  if (ctx_.cluster != nullptr && ctx_.cluster_mode != nullptr && ctx_.config.follower_proxy) {
    std::vector<asio::io_context*> ios;
    for (auto& io : ios_) ios.push_back(io.get());
    proxy_ = ctx_.cluster_mode->make_leader_proxy(ctx_.config, ios);
    ctx_.leader_proxy = proxy_.get();
  }
  for (Listener& listener : listeners_) accept_next(listener);
  for (size_t i = 0; i < n; ++i) {
    threads_.emplace_back([io = ios_[i].get(), i] {
      // Named for top -H and perf: "io-0", "io-1", ...
      pthread_setname_np(pthread_self(), ("io-" + std::to_string(i)).c_str());
      io->run();
    });
  }
  return absl::OkStatus();
}

absl::Status RespServer::listen(const asio::ip::address& address, uint16_t port,
                                const std::string& shown, asio::ssl::context* tls) {
  asio::ip::tcp::endpoint endpoint(address, port);
  auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(*ios_[0]);
  asio::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError("cannot listen on " + shown + ": " + ec.message());
  listeners_.push_back(Listener{std::move(acceptor), tls});
  return absl::OkStatus();
}

void RespServer::accept_next(Listener& listener) {
  // Each connection lives on one io_context, chosen round-robin.
  auto& io = *ios_[next_io_++ % ios_.size()];
  auto& acceptor = *listener.acceptor;
  acceptor.async_accept(io, [this, &listener](const asio::error_code& ec,
                                              asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      auto conn = std::make_shared<Connection>(std::move(socket), ctx_, listener.tls);
      {
        std::lock_guard lock(mu_);
        // Forget connections that are gone so the list does not grow without bound.
        std::erase_if(connections_, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
        connections_.push_back(conn);
      }
      asio::post(conn->socket_executor(), [conn] { conn->start(); });
    }
    if (listener.acceptor->is_open()) accept_next(listener);
  });
}

void RespServer::stop_accepting() {
  if (listeners_.empty()) return;
  asio::post(ios_[0]->get_executor(), [this] {
    asio::error_code ec;
    for (Listener& listener : listeners_) listener.acceptor->close(ec);
  });
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& w : connections_) {
      if (auto c = w.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) c->shutdown();
}

void RespServer::stop(std::chrono::milliseconds grace) {
  if (threads_.empty()) return;
  stop_accepting();
  auto deadline = std::chrono::steady_clock::now() + grace;
  // Connections close themselves once their last reply is written.
  while (std::chrono::steady_clock::now() < deadline) {
    bool any = false;
    {
      std::lock_guard lock(mu_);
      for (auto& w : connections_) any = any || !w.expired();
    }
    if (!any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  work_.clear();
  for (auto& io : ios_) io->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  // The io threads are gone, so nothing can be forwarding: the links may close from here.
  ctx_.leader_proxy = nullptr;
  proxy_.reset();
  listeners_.clear();
  connections_.clear();
}

}  // namespace seshat::server
