// The blocking commands of a connection (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN,
// BZPOPMAX): the wait, its tries and how it ends. The rules are in connection.h ("Blocked")
// and server/blocking_keys.h; this is Connection's code, in a file of its own.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kv/number_parse.h"
#include "replication/errors.h"
#include "server/connection.h"
#include "server/outcome.h"

namespace seshat::server {

using protocol::Reply;

void Connection::start_blocking(const kv::CommandSpec& spec, kv::Argv& argv) {
  if (auto err = ctx_.service->over_limits(spec, argv)) {
    count_rejected();
    reply_now(Reply::Error(*err));
    return;
  }
  ctx_.stats.write_commands.fetch_add(1, std::memory_order_relaxed);
  auto b = std::make_unique<Blocked>();
  b->seq = reserve_slot();
  b->argv = std::move(argv);
  // BLMOVE and BRPOPLPUSH wait on their source only; the others on every key they name.
  std::vector<std::string> keys;
  for (std::string_view key : kv::command_keys(spec, b->argv)) keys.emplace_back(key);
  if (spec.last_key > 0) keys.resize(1);
  const uint64_t seq = b->seq;
  std::weak_ptr<Connection> weak = weak_from_this();
  auto executor = socket_.get_executor();
  b->ticket = ctx_.blocking.add(
      std::move(keys),
      [weak, executor, seq] {
        asio::post(executor, [weak, seq] {
          if (auto self = weak.lock()) self->on_blocked_wake(seq);
        });
      },
      [weak, executor, seq] {
        asio::post(executor, [weak, seq] {
          if (auto self = weak.lock()) {
            self->end_blocked(seq, error_line(replication::errors::not_leader()));
          }
        });
      });
  // The timeout is the last argument; an invalid one is answered by the first try. Beyond ten
  // years it is as good as none (and would overflow the clock).
  const kv::BlockTimeout timeout = kv::parse_block_timeout(b->argv.back());
  constexpr int64_t kTenYearsMs = 10ll * 366 * 24 * 3600 * 1000;
  if (timeout.ms && *timeout.ms > 0 && *timeout.ms < kTenYearsMs) {
    b->timer = std::make_unique<asio::steady_timer>(executor);
    b->timer->expires_after(std::chrono::milliseconds(*timeout.ms));
    b->timer->async_wait([weak, seq](const asio::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_blocked_timeout(seq);
    });
  }
  blocked_ = std::move(b);
  try_blocked();
}

void Connection::try_blocked() {
  Blocked& b = *blocked_;
  b.trying = true;
  auto self = shared_from_this();
  const uint64_t seq = b.seq;
  // On a follower with the proxy, the try goes to the leader inside MULTI ... EXEC, where a
  // blocking command never blocks (the waiting happens here).
  if (cluster_on() && ctx_.leader_proxy != nullptr && !state_.proxy_link) {
    auto view = ctx_.cluster->current();
    if (!view->self_is_leader()) {
      ctx_.leader_proxy->forward(
          socket_.get_executor(), *view, std::span<const kv::Argv>(&b.argv, 1), true, state_.resp,
          [self, seq](LeaderForwarder::Result result) {
            Reply reply = std::move(result.reply);
            if (reply.type() == Reply::Type::kArray && reply.items().size() == 1) {
              reply = std::move(reply.mutable_items()[0]);
            }
            self->on_blocked_try(seq, std::move(reply));
          });
      return;
    }
  }
  ctx_.service->write(b.argv, [self, seq](absl::StatusOr<Reply> outcome) mutable {
    asio::post(self->socket_.get_executor(), [self, seq, outcome = std::move(outcome)]() mutable {
      self->on_blocked_try(seq, reply_of(std::move(outcome)));
    });
  });
}

void Connection::on_blocked_try(uint64_t seq, Reply reply) {
  if (!blocked_ || blocked_->seq != seq) return;
  Blocked& b = *blocked_;
  b.trying = false;
  const bool nothing =
      reply.type() == Reply::Type::kNull || reply.type() == Reply::Type::kNullArray;
  if (!nothing) {
    finish_blocked(std::move(reply));  // taken, or an error
    return;
  }
  if (b.timed_out) {
    finish_blocked(Reply::NullArray());
    return;
  }
  if (b.end_with) {
    finish_blocked(Reply::Error(*b.end_with));
    return;
  }
  if (ctx_.blocking.settle(b.ticket)) try_blocked();  // a key was written meanwhile
}

void Connection::on_blocked_wake(uint64_t seq) {
  if (!blocked_ || blocked_->seq != seq || blocked_->trying) return;
  try_blocked();
}

void Connection::on_blocked_timeout(uint64_t seq) {
  if (!blocked_ || blocked_->seq != seq) return;
  if (blocked_->trying) {
    blocked_->timed_out = true;
    return;
  }
  finish_blocked(Reply::NullArray());  // for every blocking command, as Redis answers
}

void Connection::end_blocked(uint64_t seq, const std::string& error) {
  if (!blocked_ || blocked_->seq != seq) return;
  if (blocked_->trying) {
    blocked_->end_with = error;
    return;
  }
  finish_blocked(Reply::Error(error));
}

bool Connection::unblock(bool as_error) {
  if (!blocked_) return false;
  if (as_error) {
    end_blocked(blocked_->seq, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    on_blocked_timeout(blocked_->seq);
  }
  return true;
}

void Connection::finish_blocked(Reply reply) {
  const uint64_t seq = blocked_->seq;
  const bool served = reply.type() != Reply::Type::kError && reply.type() != Reply::Type::kNull &&
                      reply.type() != Reply::Type::kNullArray;
  drop_blocked(served);
  complete(seq, std::move(reply));
}

void Connection::drop_blocked(bool served) {
  if (!blocked_) return;
  ctx_.blocking.remove(blocked_->ticket, served);
  if (blocked_->timer) blocked_->timer->cancel();
  blocked_.reset();
}

}  // namespace seshat::server
