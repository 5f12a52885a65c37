// TLS for Redis clients (tls_port): the server context built from the node's certificate files,
// and the byte stream a connection reads and writes, plain or encrypted.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "server/config.h"

namespace seshat::server {

// Loads tls_cert_file, tls_key_file and tls_ca_cert_file; tls_auth_clients decides whether a
// client must show a certificate signed by the CA ("yes"), may ("optional") or is not asked
// ("no"). TLS 1.2 and later only. An error names the file that could not be used.
absl::StatusOr<std::unique_ptr<asio::ssl::context>> make_client_tls_context(const Config& config);

// A connection's socket, with TLS on top when it came in on the TLS port. The TLS layer borrows
// the socket, which stays reachable for addresses, options and closing.
class ClientStream {
 public:
  ClientStream(asio::ip::tcp::socket socket, asio::ssl::context* tls) : socket_(std::move(socket)) {
    if (tls != nullptr) tls_.emplace(socket_, *tls);
  }
  // The TLS layer refers to socket_, so the stream stays where it was made.
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  asio::ip::tcp::socket& socket() { return socket_; }
  bool encrypted() const { return tls_.has_value(); }

  // The server side of the TLS handshake; only on an encrypted stream.
  template <typename Handler>
  void handshake(Handler&& done) {
    tls_->async_handshake(asio::ssl::stream_base::server, std::forward<Handler>(done));
  }

  template <typename Buffer, typename Handler>
  void read_some(const Buffer& buffer, Handler&& done) {
    if (tls_) {
      tls_->async_read_some(buffer, std::forward<Handler>(done));
    } else {
      socket_.async_read_some(buffer, std::forward<Handler>(done));
    }
  }

  template <typename Buffer, typename Handler>
  void write(const Buffer& buffer, Handler&& done) {
    if (tls_) {
      asio::async_write(*tls_, buffer, std::forward<Handler>(done));
    } else {
      asio::async_write(socket_, buffer, std::forward<Handler>(done));
    }
  }

 private:
  asio::ip::tcp::socket socket_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
};

}  // namespace seshat::server
