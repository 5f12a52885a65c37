#include "server/server_context.h"

namespace seshat::server {

bool ClientRegistry::add(uint64_t id, ClientDescriber describe, uint64_t max_clients) {
  std::lock_guard lock(mu_);
  if (clients_.size() >= max_clients) return false;
  clients_.emplace(id, std::move(describe));
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

std::string ClientRegistry::describe_all() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [id, describe] : clients_) {
    out += describe();
    out += '\n';
  }
  return out;
}

}  // namespace seshat::server
