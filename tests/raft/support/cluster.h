// A reliable, deterministic in-memory cluster for unit and data-driven tests: messages are
// queued and delivered on request, optionally through a filter (partitions, drops).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "support/test_node.h"

namespace seshat::raft::testing {

class Cluster {
 public:
  Cluster(const std::vector<NodeId>& ids, std::function<void(Config&)> tweak = {});

  TestNode& node(NodeId id) { return *nodes_.at(id); }
  const Raft& raft(NodeId id) { return nodes_.at(id)->raft(); }
  // Adds a node that knows the initial members but is not one (to be added by a conf change).
  void add_fresh_node(NodeId id);
  std::vector<NodeId> ids() const;

  void tick(NodeId id, int n = 1);
  Status propose(NodeId id, std::string data) { return node(id).raw().propose(std::move(data)); }
  void campaign(NodeId id) { (void)node(id).raw().campaign(); }

  // Runs the Ready cycle of one node, queueing what it sends. Returns whether it had a Ready.
  bool process_ready(NodeId id);
  // Delivers queued messages (those the filter lets through) until none is left and no node has
  // a Ready. Returns the number of messages delivered.
  size_t stabilize(size_t max_messages = 100000);
  // Delivers the currently queued messages addressed to `to` (0: all), one round only.
  size_t deliver(NodeId to = 0);

  // Cuts all traffic between the groups a and b (both directions).
  void partition(const std::set<NodeId>& a, const std::set<NodeId>& b);
  void isolate(NodeId id);
  void heal() { cut_.clear(); }
  // Drops messages from->to (one direction only).
  void cut(NodeId from, NodeId to) { cut_.insert({from, to}); }
  // Optional hook that sees every message when it is sent (for output in data-driven tests).
  std::function<void(const Message&)> on_send;
  std::function<bool(const Message&)> drop_if;

  // The node that believes itself leader with the highest term (0 if none).
  NodeId leader() const;
  std::deque<Message>& queue() { return queue_; }

 private:
  std::function<void(Config&)> tweak_;
  std::vector<NodeId> initial_;
  std::map<NodeId, std::unique_ptr<TestNode>> nodes_;
  std::deque<Message> queue_;
  std::set<std::pair<NodeId, NodeId>> cut_;
};

}  // namespace seshat::raft::testing
