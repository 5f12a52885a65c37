// Small helpers for unit tests that drive a single Raft state machine by hand.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "raft/memory_storage.h"
#include "raft/raft.h"

namespace seshat::raft::testing {

inline std::unique_ptr<Raft> new_raft(NodeId id, const std::vector<NodeId>& peers,
                                      MemoryStorage& storage, int election = 10, int heartbeat = 1,
                                      const std::function<void(Config&)>& tweak = {}) {
  if (storage.initial_state()->conf_state.voters.empty() && !peers.empty()) {
    ConfState cs;
    cs.voters = peers;
    storage.bootstrap(cs);
  }
  Config c;
  c.id = id;
  c.storage = &storage;
  c.election_tick = election;
  c.heartbeat_tick = heartbeat;
  c.max_size_per_msg = kNoLimit;
  if (tweak) tweak(c);
  auto r = Raft::create(c);
  EXPECT_TRUE(r.ok()) << to_string(r.error());
  return std::move(r).value();
}

// Both outgoing queues, in the order a driver would send them.
inline std::vector<Message> read_messages(Raft& r) {
  auto a = r.take_messages();
  auto b = r.take_messages_after_persist();
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Writes the unstable entries and hard state to storage and reports them durable, as a
// driver does between ready() and advance().
inline void persist(Raft& r, MemoryStorage& storage) {
  auto ents = r.log().unstable_entries();
  if (r.log().unstable_snapshot()) {
    (void)storage.apply_snapshot(*r.log().unstable_snapshot());
    r.on_snapshot_persisted(r.log().unstable_snapshot()->metadata.index);
  }
  ASSERT_TRUE(storage.append(ents).ok());
  storage.set_hard_state(r.hard_state());
  r.on_hard_state_persisted(r.hard_state());
  if (!ents.empty()) r.on_persisted(ents.back().index, ents.back().term);
}

inline Message msg(MessageType type, NodeId from, NodeId to, Term term = 0) {
  Message m;
  m.type = type;
  m.from = from;
  m.to = to;
  m.term = term;
  return m;
}

inline std::vector<Entry> entries_of(std::initializer_list<std::pair<Term, Index>> ts) {
  std::vector<Entry> out;
  for (auto [t, i] : ts) out.push_back(Entry{.term = t, .index = i});
  return out;
}

}  // namespace seshat::raft::testing
