// Ready: everything one turn of the driver loop must do, and the order it must do it in.
//
// The persistence contract (what must be durable before what may be sent):
//   1. `messages` may be sent at once, before or while the rest of this Ready is written. They
//      are a leader's replication traffic (MsgApp, MsgHeartbeat, MsgSnap, MsgTimeoutNow,
//      MsgReadIndexResp) sent in a term that is already durable. The leader does not count its
//      own copy of new entries until advance() reports them written, so a quorum of
//      acknowledgements is always a quorum of durable copies.
//   2. `snapshot` (if any), then `entries`, then `hard_state` must be written durably (fsync if
//      must_sync), atomically or in that order. Entries replace any stored suffix from the first
//      entry's index on.
//   3. Only then may `messages_after_persist` be sent: votes, vote and append acknowledgements,
//      and everything a follower or candidate says promise something about durable state.
//   4. Then apply `snapshot` to the state machine and `committed_entries` in order (they may
//      include entries from this Ready's `entries`: that is why step 2 comes first). When
//      the hard state's commit is within the entries already durable, they may be applied
//      before step 2 instead, once that commit index is written.
//      `read_states` answer reads once the state machine has applied up to their index.
//   5. Call RawNode::advance(ready). Do not call ready() again before that.
#pragma once

#include <optional>
#include <vector>

#include "raft/types.h"

namespace seshat::raft {

struct Ready {
  // Set when leadership or role changed.
  std::optional<SoftState> soft_state;
  // Set when term, vote or commit changed; must be persisted.
  std::optional<HardState> hard_state;
  std::vector<ReadState> read_states;
  // New log entries to persist.
  std::vector<Entry> entries;
  // A snapshot to persist and apply.
  std::optional<Snapshot> snapshot;
  // Committed entries to apply to the state machine.
  std::vector<Entry> committed_entries;
  // May be sent before this Ready is durable (see the contract above).
  std::vector<Message> messages;
  // Must be sent only after this Ready is durable.
  std::vector<Message> messages_after_persist;
  // Term, vote or entries changed: the write must be synced, not just buffered.
  bool must_sync = false;
};

}  // namespace seshat::raft
