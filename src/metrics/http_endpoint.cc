#include "metrics/http_endpoint.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "metrics/prometheus.h"

namespace seshat::metrics {

namespace {

// A request line and headers larger than this are refused; a scraper sends a few hundred bytes.
constexpr size_t kMaxRequestBytes = 8192;
// How long a connection may take to send its request or read the answer.
constexpr int kIoTimeoutSecs = 2;

std::string response(std::string_view status, std::string_view content_type,
                     const std::string& body, bool with_body, std::string_view extra = {}) {
  std::string out = "HTTP/1.1 " + std::string(status) + "\r\n";
  out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += extra;
  out += "Connection: close\r\n\r\n";
  if (with_body) out += body;
  return out;
}

void write_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the scraper left or timed out: nothing to tell anyone
    sent += static_cast<size_t>(n);
  }
}

// Ends a connection without a reset: says we are done, then reads (and drops) what the client
// still sends, until it closes, the read timeout passes or enough was read. Closing with unread
// input would make the kernel reset the connection, and the client could lose our answer.
void close_gracefully(int fd) {
  const timeval linger{0, 200 * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &linger, sizeof linger);
  ::shutdown(fd, SHUT_WR);
  char buf[1024];
  size_t drained = 0;
  while (drained < 64 * kMaxRequestBytes) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  ::close(fd);
}

absl::Status listen_error(const std::string& addr, const std::string& why) {
  return absl::UnavailableError("cannot listen for metrics scrapes on '" + addr + "': " + why);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpEndpoint>> HttpEndpoint::start(const std::string& addr,
                                                                  Render render) {
  const size_t colon = addr.rfind(':');
  if (colon == std::string::npos) return listen_error(addr, "expected host:port");
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:9121
  }
  const std::string service = addr.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc =
          ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
      rc != 0) {
    return listen_error(addr, gai_strerror(rc));
  }
  std::string why = "no address";
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 16) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return listen_error(addr, why);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const int port = bound.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  const int wake = ::eventfd(0, EFD_CLOEXEC);
  if (wake < 0) {
    ::close(fd);
    return listen_error(addr, std::strerror(errno));
  }
  std::unique_ptr<HttpEndpoint> endpoint(new HttpEndpoint(fd, wake, port, std::move(render)));
  endpoint->thread_ = std::thread([e = endpoint.get()] {
    pthread_setname_np(pthread_self(), "metrics");
    e->run();
  });
  return endpoint;
}

HttpEndpoint::HttpEndpoint(int listen_fd, int wake_fd, int port, Render render)
    : listen_fd_(listen_fd), wake_fd_(wake_fd), port_(port), render_(std::move(render)) {}

HttpEndpoint::~HttpEndpoint() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
}

void HttpEndpoint::run() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serve(fd);
    close_gracefully(fd);
  }
}

void HttpEndpoint::serve(int fd) {
  const timeval timeout{kIoTimeoutSecs, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::string request;
  char buf[1024];
  while (request.find("\r\n\r\n") == std::string::npos) {
    if (request.size() > kMaxRequestBytes) {
      write_all(fd, response("431 Request Header Fields Too Large", "text/plain", "", true));
      return;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // closed, or too slow
    request.append(buf, static_cast<size_t>(n));
  }
  // "GET /metrics HTTP/1.1": the method, the target (any query string ignored), the version.
  const std::string_view line = std::string_view(request).substr(0, request.find("\r\n"));
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.substr(sp2 + 1, 5) != "HTTP/") {
    write_all(fd, response("400 Bad Request", "text/plain", "bad request\n", true));
    return;
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find('?'));
  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    write_all(fd, response("405 Method Not Allowed", "text/plain", "method not allowed\n", true,
                           "Allow: GET, HEAD\r\n"));
    return;
  }
  if (path != "/metrics") {
    write_all(fd, response("404 Not Found", "text/plain", "not found: try /metrics\n", !head));
    return;
  }
  write_all(fd, response("200 OK", kContentType, render_(), !head));
}

}  // namespace seshat::metrics
