// follower_proxy on a connection: which commands go to the leader, and sending them there.
// The links themselves are the cluster room's (cluster/leader_proxy.h), behind
// server::LeaderForwarder; this is Connection's code, in a file of its own.
#include <functional>
#include <span>
#include <string>
#include <utility>

#include "server/cluster_mode.h"
#include "server/connection.h"

namespace seshat::server {

using protocol::Reply;

bool Connection::forwards(const kv::CommandSpec& spec, const kv::Argv& argv) const {
  if (ctx_.leader_proxy == nullptr || !cluster_on() || state_.proxy_link || state_.in_multi ||
      (spec.flags & kv::kFlagServer)) {
    return false;
  }
  auto view = ctx_.cluster->current();
  const bool is_write = (spec.flags & kv::kFlagWrite) != 0;
  if (is_write && !view->self_is_leader() && kv::command_keys(spec, argv).empty()) {
    return proxies_keyless_writes(*view);
  }
  auto redirect = ctx_.cluster_mode->redirect(*view, spec, argv, state_.readonly, is_write);
  return redirect && redirect->rfind("MOVED ", 0) == 0;
}

bool Connection::proxies_keyless_writes(const replication::ClusterView& view) const {
  return ctx_.leader_proxy != nullptr && !state_.proxy_link && view.leader_id != 0 &&
         !view.self_is_leader();
}

void Connection::forward_to_leader(const replication::ClusterView& view,
                                   std::span<const kv::Argv> commands, bool transaction,
                                   std::function<Reply(Reply)> finish) {
  auto seq = reserve_slot();
  ++forwarded_;
  // The proxy calls back on this connection's own io thread (its links live there), never
  // inline, so the slot is completed exactly as a replicator reply would be.
  ctx_.leader_proxy->forward(
      socket_.get_executor(), view, commands, transaction, state_.resp,
      [self = shared_from_this(), seq, finish = std::move(finish)](LeaderForwarder::Result result) {
        --self->forwarded_;
        if (result.raw) {
          self->complete(seq, Reply(), std::move(result.raw));
        } else {
          self->complete(seq, finish ? finish(std::move(result.reply)) : std::move(result.reply));
        }
      });
}

}  // namespace seshat::server
