// ReadIndex bookkeeping on the leader. A read is safe to serve at index i once the leader has
// proved it still leads (a quorum answered a heartbeat sent after the read arrived) and the
// state machine has applied i. Many reads share one heartbeat round: an acknowledgement of a
// later request's heartbeat also proves leadership for every earlier request.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "raft/types.h"

namespace seshat::raft {

enum class ReadOnlyOption : uint8_t {
  // Confirm leadership with a heartbeat round for each batch of reads (linearizable, default).
  kSafe = 0,
  // Trust the leader lease instead of a heartbeat round. Correct only if clocks on the nodes do
  // not drift apart by more than the gap between the election timeout and the time a leader
  // keeps its lease (CheckQuorum must be on). A bounded-drift assumption, hence opt-in.
  kLeaseBased = 1,
};

struct ReadIndexStatus {
  Message request;
  Index index = 0;
  // Voters that acknowledged the heartbeat carrying this request's context.
  std::map<NodeId, bool> acks;
};

class ReadOnly {
 public:
  explicit ReadOnly(ReadOnlyOption option) : option_(option) {}

  // Queues a read that must wait for confirmation at the commit index `index`. The request's
  // context (m.context) identifies it and must be unique among pending reads.
  void add_request(Index index, const Message& m);
  // Records that `from` answered the heartbeat carrying `context`; returns the acks so far, or
  // nullptr if the context is unknown (already served or never issued here).
  const std::map<NodeId, bool>* recv_ack(NodeId from, const std::string& context);
  // Dequeues every read up to and including the one with `context`, in arrival order.
  std::vector<ReadIndexStatus> advance(const std::string& context);
  // The context of the newest pending read (sent with the next heartbeat), or "" if none.
  std::string last_pending_request_ctx() const;
  size_t pending() const { return queue_.size(); }
  ReadOnlyOption option() const { return option_; }

 private:
  ReadOnlyOption option_;
  std::map<std::string, ReadIndexStatus> pending_;
  std::deque<std::string> queue_;
};

}  // namespace seshat::raft
