// The metrics endpoint: a small HTTP/1.1 server on a thread of its own that answers
// `GET /metrics` (and HEAD) with what its render function returns, 404 for other paths and 405
// for other methods. One request per connection (it answers with `Connection: close`), one
// connection at a time: a scraper asks every few seconds, and a client that sends nothing is
// dropped after a short timeout, so nothing here can hold the node up.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace seshat::metrics {

class HttpEndpoint {
 public:
  using Render = std::function<std::string()>;

  // Listens on `addr` (host:port; port 0 picks a free one) and starts serving. `render` runs on
  // the endpoint's thread, once per scrape.
  static absl::StatusOr<std::unique_ptr<HttpEndpoint>> start(const std::string& addr,
                                                             Render render);
  // Stops listening and joins the thread.
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  int port() const { return port_; }

 private:
  HttpEndpoint(int listen_fd, int wake_fd, int port, Render render);
  void run();
  void serve(int fd);

  const int listen_fd_;
  const int wake_fd_;  // an eventfd the destructor writes to end run()
  const int port_;
  const Render render_;
  std::thread thread_;
};

}  // namespace seshat::metrics
