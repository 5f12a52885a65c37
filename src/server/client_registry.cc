#include "server/connection.h"
#include "server/server_context.h"

namespace seshat::server {

bool ClientRegistry::add(uint64_t id, std::weak_ptr<Connection> conn, uint64_t max_clients) {
  std::lock_guard lock(mu_);
  if (clients_.size() >= max_clients) return false;
  clients_.emplace(id, std::move(conn));
  return true;
}

void ClientRegistry::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  clients_.erase(id);
}

size_t ClientRegistry::size() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

void ClientRegistry::for_each_client(ClientJob job, Gathered done) const {
  // One gathering per call: the answers so far and how many connections are still to answer.
  struct Gathering {
    ClientJob job;
    Gathered done;
    std::mutex mu;
    std::map<uint64_t, std::string> answers;  // guarded by mu
    size_t remaining = 0;                     // guarded by mu
  };
  auto g = std::make_shared<Gathering>();
  g->job = std::move(job);
  g->done = std::move(done);
  std::vector<std::pair<uint64_t, std::shared_ptr<Connection>>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, weak] : clients_) {
      if (auto conn = weak.lock()) targets.emplace_back(id, std::move(conn));
    }
  }
  if (targets.empty()) {
    g->done({});
    return;
  }
  g->remaining = targets.size();
  for (auto& [id, conn] : targets) {
    auto executor = conn->socket_executor();
    asio::post(executor, [g, id = id, conn = std::move(conn)] {
      std::optional<std::string> answer = g->job(*conn);
      std::map<uint64_t, std::string> all;
      {
        std::lock_guard lock(g->mu);
        if (answer) g->answers.emplace(id, std::move(*answer));
        if (--g->remaining != 0) return;
        all = std::move(g->answers);
      }
      g->done(std::move(all));
    });
  }
}

}  // namespace seshat::server
