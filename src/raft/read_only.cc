#include "raft/read_only.h"

namespace seshat::raft {

void ReadOnly::add_request(Index index, const Message& m) {
  if (pending_.count(m.context)) return;  // a duplicate of a queued read: it is answered once
  pending_.emplace(m.context, ReadIndexStatus{m, index, {}});
  queue_.push_back(m.context);
}

const std::map<NodeId, bool>* ReadOnly::recv_ack(NodeId from, const std::string& context) {
  auto it = pending_.find(context);
  if (it == pending_.end()) return nullptr;
  it->second.acks[from] = true;
  return &it->second.acks;
}

std::vector<ReadIndexStatus> ReadOnly::advance(const std::string& context) {
  std::vector<ReadIndexStatus> out;
  if (!pending_.count(context)) return out;
  while (!queue_.empty()) {
    std::string ctx = std::move(queue_.front());
    queue_.pop_front();
    auto it = pending_.find(ctx);
    if (it == pending_.end()) panic("read_only: queue and pending map out of sync");
    out.push_back(std::move(it->second));
    pending_.erase(it);
    if (ctx == context) break;
  }
  return out;
}

std::string ReadOnly::last_pending_request_ctx() const {
  return queue_.empty() ? std::string() : queue_.back();
}

}  // namespace seshat::raft
