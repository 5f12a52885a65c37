// One Raft node for tests: a RawNode over a MemoryStorage that plays the durable disk, and a
// trivial state machine that records every applied entry. It follows the Ready contract of
// src/raft/ready.h to the letter, and can stop half-way through it to model a crash.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "raft/memory_storage.h"
#include "raft/raw_node.h"

namespace seshat::raft::testing {

struct Outbox {
  std::vector<Message> early;  // Ready::messages
  std::vector<Message> after;  // Ready::messages_after_persist
};

class TestNode {
 public:
  // peers: the initial voters (the node bootstraps with them unless `fresh` is set, in which
  // case it starts empty and waits to be added and sent a snapshot).
  TestNode(NodeId id, const std::vector<NodeId>& peers, std::function<void(Config&)> tweak = {},
           const std::vector<NodeId>& learners = {});

  NodeId id() const { return id_; }
  RawNode& raw() { return *node_; }
  const RawNode& raw() const { return *node_; }
  const Raft& raft() const { return node_->raft(); }
  MemoryStorage& storage() { return *storage_; }
  bool alive() const { return node_ != nullptr; }

  // Runs one full Ready cycle if there is one: persist, apply, advance. Returns the messages
  // to send. If crash_before_persist is set, only the early messages are returned and the
  // node crashes (losing everything not written) before persisting.
  Outbox handle_ready(bool crash_before_persist = false);
  // Drops all volatile state (the RawNode). The storage survives.
  void crash();
  // Starts a new RawNode from storage and the state machine from its snapshot.
  void restart();
  // Loses everything, the durable state included, and starts again as first bootstrapped (an
  // operator wiped the data directory): the node holds less than it acknowledged.
  void wipe();
  // Snapshot of the state machine at the applied index, then compaction of the log up to it.
  void snapshot_and_compact(Index keep_entries = 0);

  // Every entry this node applied, in order (starting from what its snapshot restored).
  const std::vector<Entry>& applied() const { return applied_; }
  Index applied_index() const { return applied_index_; }
  const ConfState& conf_state() const { return conf_state_; }
  std::vector<ReadState>& read_states() { return read_states_; }

  static std::string encode_state(const std::vector<Entry>& applied);
  static std::vector<Entry> decode_state(const std::string& data);

 private:
  void start();

  NodeId id_;
  std::function<void(Config&)> tweak_;
  std::unique_ptr<MemoryStorage> storage_;
  std::unique_ptr<RawNode> node_;
  std::vector<Entry> applied_;
  Index applied_index_ = 0;
  ConfState conf_state_;
  ConfState initial_conf_;
  std::vector<ReadState> read_states_;
};

// A textual description of a message, stable across runs; used by the data-driven tests.
std::string describe(const Message& m);
std::string describe(const Entry& e);

}  // namespace seshat::raft::testing
