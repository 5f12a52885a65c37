#include "support/cluster.h"

#include <cstdio>
#include <cstdlib>

namespace seshat::raft::testing {

Cluster::Cluster(const std::vector<NodeId>& ids, std::function<void(Config&)> tweak)
    : tweak_(std::move(tweak)), initial_(ids) {
  for (NodeId id : ids) nodes_.emplace(id, std::make_unique<TestNode>(id, ids, tweak_));
}

void Cluster::add_fresh_node(NodeId id) {
  // Like a server started with --join: it knows the current members, not yet itself.
  nodes_.emplace(id, std::make_unique<TestNode>(id, initial_, tweak_));
}

std::vector<NodeId> Cluster::ids() const {
  std::vector<NodeId> out;
  for (const auto& [id, n] : nodes_) out.push_back(id);
  return out;
}

void Cluster::tick(NodeId id, int n) {
  for (int i = 0; i < n; ++i) node(id).raw().tick();
}

bool Cluster::process_ready(NodeId id) {
  TestNode& n = node(id);
  if (!n.alive() || !n.raw().has_ready()) return false;
  Outbox out = n.handle_ready();
  for (auto* v : {&out.early, &out.after}) {
    for (auto& m : *v) {
      if (on_send) on_send(m);
      queue_.push_back(std::move(m));
    }
  }
  return true;
}

size_t Cluster::deliver(NodeId to) {
  size_t delivered = 0;
  std::deque<Message> keep;
  std::deque<Message> now = std::exchange(queue_, {});
  for (auto& m : now) {
    if (to != 0 && m.to != to) {
      keep.push_back(std::move(m));
      continue;
    }
    if (cut_.count({m.from, m.to}) || (drop_if && drop_if(m))) continue;
    auto it = nodes_.find(m.to);
    if (it == nodes_.end() || !it->second->alive()) continue;
    // What the core sends must pass the transport's check, or real peers would refuse it.
    if (std::string_view why = malformed_peer_message(m); !why.empty()) {
      std::fprintf(stderr, "the transport would refuse %s: %.*s\n", describe(m).c_str(),
                   static_cast<int>(why.size()), why.data());
      std::abort();
    }
    (void)it->second->raw().step(m);
    ++delivered;
  }
  for (auto& m : queue_) keep.push_back(std::move(m));
  queue_ = std::move(keep);
  return delivered;
}

size_t Cluster::stabilize(size_t max_messages) {
  size_t total = 0;
  while (total < max_messages) {
    bool any = false;
    for (auto& [id, n] : nodes_) any |= process_ready(id);
    if (queue_.empty() && !any) break;
    total += deliver();
  }
  return total;
}

void Cluster::partition(const std::set<NodeId>& a, const std::set<NodeId>& b) {
  for (NodeId x : a) {
    for (NodeId y : b) {
      cut_.insert({x, y});
      cut_.insert({y, x});
    }
  }
}

void Cluster::isolate(NodeId id) {
  std::set<NodeId> rest;
  for (const auto& [other, n] : nodes_) {
    if (other != id) rest.insert(other);
  }
  partition({id}, rest);
}

NodeId Cluster::leader() const {
  NodeId best = 0;
  Term best_term = 0;
  for (const auto& [id, n] : nodes_) {
    if (n->alive() && n->raft().state() == StateType::kLeader && n->raft().term() >= best_term) {
      best = id;
      best_term = n->raft().term();
    }
  }
  return best;
}

}  // namespace seshat::raft::testing
