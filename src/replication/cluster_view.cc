#include "replication/cluster_view.h"

#include <utility>

namespace seshat::replication {

std::optional<HostPort> split_host_port(std::string_view addr) {
  const size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == addr.size()) return std::nullopt;
  std::string_view host = addr.substr(0, colon);
  std::string_view digits = addr.substr(colon + 1);
  if (digits.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return std::nullopt;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{std::string(host), port};
}

const ClusterMember* ClusterView::find(uint64_t id) const {
  for (const ClusterMember& m : members) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

ClusterViewHolder::ClusterViewHolder()
    : view_(std::make_shared<const ClusterView>()), tls_view_(view_) {}

void ClusterViewHolder::publish(ClusterView view) {
  ClusterView tls = view;
  for (ClusterMember& m : tls.members) {
    const size_t colon = m.client_addr.rfind(':');
    if (m.client_tls_port == 0 || colon == std::string::npos) continue;
    m.client_addr = m.client_addr.substr(0, colon + 1) + std::to_string(m.client_tls_port);
  }
  auto next = std::make_shared<const ClusterView>(std::move(view));
  auto next_tls = std::make_shared<const ClusterView>(std::move(tls));
  std::lock_guard lock(mu_);
  view_.swap(next);
  tls_view_.swap(next_tls);
  // The previous view is released after the lock, when `next` goes out of scope: a reader that
  // still holds it keeps it alive, and freeing it never happens under the lock.
}

std::shared_ptr<const ClusterView> ClusterViewHolder::current() const {
  std::lock_guard lock(mu_);
  return view_;
}

std::shared_ptr<const ClusterView> ClusterViewHolder::current_for_tls() const {
  std::lock_guard lock(mu_);
  return tls_view_;
}

}  // namespace seshat::replication
