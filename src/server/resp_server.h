// The client-facing TCP server: an acceptor and a pool of io threads, each running its own
// io_context so a connection's work never crosses threads (no strands, no locks on the hot path).
#pragma once

#include <asio.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "server/server_context.h"
#include "server/tls.h"

namespace seshat::server {

class Connection;

class RespServer {
 public:
  explicit RespServer(ServerContext& ctx);
  ~RespServer();

  // Binds client_addr (and, with tls_port, the TLS port on its host) and starts the io threads.
  absl::Status start();
  // Stops accepting, lets connections finish what is in flight, closes them. Call before the
  // replicator stops so that pending replies can still be delivered.
  void stop_accepting();
  // Joins the io threads; waits at most `grace` for connections to drain.
  void stop(std::chrono::milliseconds grace);

  uint16_t port() const { return port_; }

 private:
  struct Listener {
    std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
    asio::ssl::context* tls = nullptr;  // connections start with a TLS handshake
  };
  absl::Status listen(const asio::ip::address& address, uint16_t port, const std::string& shown,
                      asio::ssl::context* tls);
  void accept_next(Listener& listener);

  ServerContext& ctx_;
  // Outlives the io contexts: connections still queued there hold TLS streams made from it.
  std::unique_ptr<asio::ssl::context> tls_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  // follower_proxy's links to the leader live on ios_, so they are declared after them and
  // destroyed first.
  std::unique_ptr<LeaderForwarder> proxy_;
  std::vector<Listener> listeners_;  // plain first
  size_t next_io_ = 0;
  uint16_t port_ = 0;

  std::mutex mu_;
  std::vector<std::weak_ptr<Connection>> connections_;  // for shutdown
};

}  // namespace seshat::server
