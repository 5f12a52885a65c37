// The metrics endpoint over a real loopback socket: what it answers to each kind of request,
// and that it stops promptly with a connection open.
#include "metrics/http_endpoint.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>

#include "metrics/prometheus.h"

namespace seshat::metrics {
namespace {

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// Sends `request` and reads until the server closes.
std::string ask(int port, const std::string& request) {
  const int fd = connect_to(port);
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, n);
  ::close(fd);
  return reply;
}

TEST(HttpEndpoint, ServesMetricsAndRefusesTheRest) {
  std::atomic<int> renders{0};
  auto endpoint = HttpEndpoint::start("127.0.0.1:0", [&] {
    ++renders;
    return std::string("seshat_up 1\n");
  });
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  const int port = (*endpoint)->port();
  ASSERT_GT(port, 0);

  std::string ok = ask(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_NE(ok.find("Content-Type: " + std::string(kContentType) + "\r\n"), std::string::npos);
  EXPECT_NE(ok.find("Content-Length: 12\r\n"), std::string::npos);
  EXPECT_EQ(ok.substr(ok.size() - 12), "seshat_up 1\n");
  EXPECT_EQ(renders.load(), 1);

  std::string query = ask(port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
  EXPECT_EQ(query.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  std::string head = ask(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(head.find("seshat_up"), std::string::npos);  // headers only

  EXPECT_EQ(ask(port, "GET / HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404 ", 0), 0u);
  std::string post = ask(port, "POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405 ", 0), 0u);
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(ask(port, "nonsense\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(ask(port, std::string(10000, 'x')).rfind("HTTP/1.1 431 ", 0), 0u);
  EXPECT_EQ(renders.load(), 3);  // only the three scrapes of /metrics rendered
}

// A client that connects and sends nothing holds the endpoint up only until its read timeout
// (2 s): the scrape queued behind it is answered, and stopping does not wait for such a client.
TEST(HttpEndpoint, AnIdleClientDelaysNoOneForLong) {
  auto endpoint = HttpEndpoint::start("127.0.0.1:0", [] { return std::string("x\n"); });
  ASSERT_TRUE(endpoint.ok());
  const int port = (*endpoint)->port();
  const int idle = connect_to(port);  // accepted first, sends nothing
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(ask(port, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  const int idle_again = connect_to(port);
  const auto stopping = std::chrono::steady_clock::now();
  endpoint->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
  ::close(idle);
  ::close(idle_again);
}

TEST(HttpEndpoint, ABadOrBusyAddressIsAnError) {
  EXPECT_FALSE(HttpEndpoint::start("no-port-here", [] { return std::string(); }).ok());
  auto first = HttpEndpoint::start("127.0.0.1:0", [] { return std::string(); });
  ASSERT_TRUE(first.ok());
  auto second = HttpEndpoint::start("127.0.0.1:" + std::to_string((*first)->port()),
                                    [] { return std::string(); });
  EXPECT_FALSE(second.ok());
}

}  // namespace
}  // namespace seshat::metrics
