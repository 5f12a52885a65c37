#include "server/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kv/ascii.h"
#include "replication/errors.h"
#include "server/outcome.h"
#include "server/server_commands.h"

namespace seshat::server {

namespace {

using protocol::Reply;

constexpr size_t kMaxPendingSlots = 4096;           // stop reading beyond this many queued replies
constexpr size_t kMaxOutputBeforePause = 64 << 20;  // or this much unsent output
constexpr size_t kMaxQueryBuffer = 1024ull << 20;   // Redis's client-query-buffer-limit

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, ServerContext& ctx, asio::ssl::context* tls)
    : stream_(std::move(socket), tls), socket_(stream_.socket()), ctx_(ctx) {
  state_.id = ctx_.clients.next_id();
  state_.authenticated = default_user_open(ctx_);
  state_.tls = tls != nullptr;
  asio::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) state_.peer = endpoint_text(remote);
  auto local = socket_.local_endpoint(ec);
  if (!ec) state_.local = endpoint_text(local);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

Connection::~Connection() {
  if (registered_) ctx_.clients.remove(state_.id);
  drop_blocked();
}

void Connection::start() {
  if (!stream_.encrypted()) {
    begin();
    return;
  }
  stream_.handshake([self = shared_from_this()](const asio::error_code& ec) {
    if (ec) {
      // A plain-text client on the TLS port, or a certificate the CA did not sign: Redis logs
      // these at verbose level, so a scan of the port does not flood the log.
      spdlog::debug("TLS handshake with {} failed: {}", self->state_.peer, ec.message());
      self->close();
      return;
    }
    self->begin();
  });
}

void Connection::begin() {
  ctx_.stats.connections_received.fetch_add(1, std::memory_order_relaxed);
  registered_ =
      ctx_.clients.add(state_.id, weak_from_this(), ctx_.config.max_concurrent_client_connections);
  if (!registered_) {
    ctx_.stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    reply_now(Reply::Error("ERR max number of clients reached"));
    close_after_flush_ = true;
    flush();
    return;
  }
  last_read_ = std::chrono::steady_clock::now();
  if (ctx_.config.idle_timeout_secs > 0) {
    idle_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
    arm_idle_timer(std::chrono::seconds(ctx_.config.idle_timeout_secs));
  }
  read_more();
}

void Connection::arm_idle_timer(std::chrono::steady_clock::duration after) {
  idle_timer_->expires_after(after);
  idle_timer_->async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec) self->on_idle_timer();
  });
}

void Connection::on_idle_timer() {
  if (closed_) return;
  const auto limit = std::chrono::seconds(ctx_.config.idle_timeout_secs);
  const auto idle = std::chrono::steady_clock::now() - last_read_;
  // As in Redis, a client waiting in a blocking command is not idle, nor one still owed
  // replies.
  if (idle >= limit && !blocked_ && pending_ == 0) {
    spdlog::debug("closing client {}: idle for {} s", state_.peer,
                  std::chrono::duration_cast<std::chrono::seconds>(idle).count());
    close();
    return;
  }
  arm_idle_timer(idle >= limit ? limit : limit - idle);
}

void Connection::shutdown() {
  auto self = shared_from_this();
  asio::post(socket_.get_executor(), [self] {
    self->stop_reading_ = true;
    if (self->blocked_) {
      self->end_blocked(self->blocked_->seq, error_line(replication::errors::shutting_down()));
    }
    if (self->pending_ == 0 && !self->write_in_flight_)
      self->close();
    else
      self->close_after_flush_ = true;
  });
}

std::string Connection::describe() {
  auto now = std::chrono::steady_clock::now();
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now - state_.created).count();
  auto idle = std::chrono::duration_cast<std::chrono::seconds>(now - state_.last_active).count();
  std::string flags = state_.in_multi ? "x" : blocked_ ? "b" : "N";
  return "id=" + std::to_string(state_.id) + " addr=" + state_.peer + " laddr=" + state_.local +
         " fd=" +
         std::to_string(socket_.is_open() ? static_cast<int>(socket_.native_handle()) : -1) +
         " name=" + state_.name + " age=" + std::to_string(age) + " idle=" + std::to_string(idle) +
         " flags=" + flags + " db=0 sub=0 psub=0 ssub=0 multi=" +
         std::to_string(state_.in_multi ? static_cast<int64_t>(state_.queued.size()) : -1) +
         " qbuf=" + std::to_string(in_.size() - in_pos_) + " qbuf-free=0 argv-mem=0 multi-mem=0" +
         " rbs=" + std::to_string(sizeof(read_buf_)) +
         " rbp=0 obl=0 oll=" + std::to_string(slots_.size()) +
         " omem=" + std::to_string(out_.size()) +
         " tot-mem=0 events=r cmd=" + (state_.last_command.empty() ? "NULL" : state_.last_command) +
         " user=" + state_.user +
         " redir=-1 resp=" + std::to_string(static_cast<int>(state_.resp)) +
         " lib-name=" + state_.lib_name + " lib-ver=" + state_.lib_ver;
}

// ---- reading and parsing ----

void Connection::read_more() {
  if (reading_ || stop_reading_ || closed_ || close_after_flush_) return;
  // Back-pressure: a client that pipelines faster than we answer waits for its replies.
  if (slots_.size() >= kMaxPendingSlots || out_.size() >= kMaxOutputBeforePause) return;
  // A command waiting for earlier ones stops the reading, except behind a blocked command: its
  // wait may be long, and reading (up to the query buffer limit) is how a client that leaves is
  // noticed. The outstanding read is also what keeps the connection alive meanwhile.
  if (deferred_ && (!blocked_ || in_.size() - in_pos_ > kMaxQueryBuffer)) return;
  reading_ = true;
  stream_.read_some(
      asio::buffer(read_buf_),
      [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (ec) {
    // The peer went away: replies still owed cannot be delivered, but proposals already made
    // complete on their own and simply find the connection closed.
    close();
    return;
  }
  ctx_.stats.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
  last_read_ = std::chrono::steady_clock::now();
  in_.append(read_buf_, n);
  process_input();
  flush();
  read_more();
}

void Connection::process_input() {
  // A reply completed synchronously inside this very loop, or the client is gone.
  if (processing_ || closed_) return;
  processing_ = true;
  process_input_locked();
  processing_ = false;
}

void Connection::process_input_locked() {
  if (deferred_) {
    if (pending_ > 0) return;
    kv::Argv argv = std::move(*deferred_);
    deferred_.reset();
    if (!dispatch(argv)) return;
  }
  std::vector<std::string> argv;
  std::string error;
  while (!closed_ && !close_after_flush_ && in_pos_ < in_.size()) {
    size_t consumed = 0;
    auto result = parser_.parse(std::string_view(in_).substr(in_pos_), consumed, argv, error,
                                state_.authenticated);
    in_pos_ += consumed;
    if (result == protocol::ParseResult::kIncomplete) {
      if (in_.size() - in_pos_ > kMaxQueryBuffer) {
        spdlog::warn("closing client {}: query buffer over {} bytes", state_.peer, kMaxQueryBuffer);
        close_after_flush_ = true;
      }
      break;
    }
    if (result == protocol::ParseResult::kError) {
      ctx_.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
      reply_now(Reply::Error("ERR " + error));
      close_after_flush_ = true;
      break;
    }
    if (!dispatch(argv)) break;
  }
  // Drop parsed bytes once they are a good part of the buffer, to keep appends cheap.
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ > 64 * 1024 && in_pos_ * 2 > in_.size()) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
}

bool Connection::dispatch(kv::Argv& argv) {
  if (argv.empty()) return true;
  const kv::CommandSpec* spec = ctx_.service->find(argv);
  if (pending_ > 0) {
    // Writes are proposed at once and keep their order in the log; keyspace reads ride behind
    // them in the replicator's queue. Anything else (connection state, MULTI, errors that
    // depend on state) waits until this connection's earlier commands are answered.
    // A blocking command waits for the ones before it, and everything waits behind it.
    bool pipelinable = spec != nullptr && !state_.in_multi && state_.authenticated && !blocked_ &&
                       !(spec->flags & kv::kFlagBlocking) && kv::arity_ok(*spec, argv.size()) &&
                       (spec->flags & (kv::kFlagWrite | kv::kFlagReadonly)) &&
                       !(spec->flags & kv::kFlagServer);
    if (pipelinable) {
      // follower_proxy: a command served here and one forwarded to the leader must not overtake
      // each other (a local read must see a write forwarded before it; a forwarded write must
      // not land before a local read sent first), so the two routes do not mix in a pipeline:
      // a command waits while replies of the other route are outstanding.
      const bool forwarded = forwards(*spec, argv);
      pipelinable = forwarded ? forwarded_ == pending_ : forwarded_ == 0;
    }
    if (!pipelinable) {
      deferred_ = std::move(argv);
      return false;
    }
  }
  ctx_.stats.commands_processed.fetch_add(1, std::memory_order_relaxed);
  running_stats_ = ctx_.command_stats.entry(spec, argv);
  running_started_ = StatsClock::now();
  state_.last_active = std::chrono::steady_clock::now();
  state_.last_command = spec != nullptr ? std::string(spec->name) : kv::lower(argv[0]);

  // Unknown command, wrong arity, unknown subcommand: refused before anything runs, so inside
  // MULTI it aborts the transaction as Redis does.
  if (std::string refusal = ctx_.service->refusal(spec, argv); !refusal.empty()) {
    reject(spec, refusal);
    return true;
  }
  if (!state_.authenticated && !(spec->flags & kv::kFlagNoAuth)) {
    reject(spec, "NOAUTH Authentication required.");
    return true;
  }
  if (auto refusal = acl_refusal(*spec, argv)) {
    if (closed_) return true;
    reject(spec, *refusal);
    return true;
  }
  // ACL SETUSER and DELUSER change the replicated users, through the leader: a follower with
  // the proxy takes them there (without it, the admin room answers READONLY).
  if (cluster_on() && ctx_.leader_proxy != nullptr && !state_.proxy_link && !state_.in_multi &&
      argv.size() >= 2 && spec->name == "acl") {
    const std::string sub = kv::lower(argv[1]);
    auto view = ctx_.cluster->current();
    if ((sub == "setuser" || sub == "deluser") && !view->self_is_leader()) {
      forward_to_leader(*view, std::span<const kv::Argv>(&argv, 1), false);
      return true;
    }
  }
  // In a cluster, a keyed command that this node may not serve goes to the leader: MOVED, as
  // Redis Cluster clients expect, or CLUSTERDOWN while no leader is known. With follower_proxy
  // the node sends it there itself instead of answering MOVED.
  if (cluster_on() && !(spec->flags & kv::kFlagServer)) {
    auto view = ctx_.cluster->current();
    const bool is_write = (spec->flags & kv::kFlagWrite) != 0;
    // A TLS client is redirected to TLS ports; the proxy below dials the plain ones.
    auto told = state_.tls ? ctx_.cluster->current_for_tls() : view;
    if (auto redirect =
            ctx_.cluster_mode->redirect(*told, *spec, argv, state_.readonly, is_write)) {
      const bool proxied =
          ctx_.leader_proxy != nullptr && !state_.proxy_link && redirect->rfind("MOVED ", 0) == 0;
      if (!proxied) {
        reject(spec, *redirect);
        return true;
      }
      if (!state_.in_multi) {
        if (spec->flags & kv::kFlagBlocking) {
          start_blocking(*spec, argv);  // it forwards each try
        } else {
          forward_to_leader(*view, std::span<const kv::Argv>(&argv, 1), false);
        }
        return true;
      }
      // Inside MULTI the command is queued like any other; EXEC forwards the transaction.
    }
    // A keyless write (FLUSHALL, FLUSHDB) has no slot to redirect by: a replica refuses it the
    // way a Redis replica does, unless the follower proxy can take it to the leader.
    if (is_write && !view->self_is_leader() && kv::command_keys(*spec, argv).empty()) {
      if (!proxies_keyless_writes(*view)) {
        reject(spec, "READONLY You can't write against a read only replica.");
        return true;
      }
      if (!state_.in_multi) {
        forward_to_leader(*view, std::span<const kv::Argv>(&argv, 1), false);
        return true;
      }
      // Inside MULTI it is queued; EXEC forwards the transaction.
    }
  }
  run_command(*spec, argv);
  running_stats_ = nullptr;  // counted by its reply, or by EXEC for a queued command
  return true;
}

std::optional<std::string> Connection::acl_refusal(const kv::CommandSpec& spec,
                                                   const kv::Argv& argv) {
  const uint64_t generation = ctx_.service != nullptr ? ctx_.service->acl_generation() : 0;
  if (acl_users_ == nullptr || generation != acl_generation_) {
    // Read the generation first: a table newer than it only means one more refresh later.
    acl_users_ = ctx_.acl_users();
    acl_generation_ = generation;
  }
  const AclUsers::Table* users = acl_users_.get();
  if (users->open && state_.user == "default") return std::nullopt;
  const acl::User* user = users->find(state_.user);
  if (user == nullptr) {
    // ACL DELUSER ends the sessions of the users it removes, as in Redis.
    close();
    return std::string();
  }
  auto denial = user->check(spec, argv);
  if (!denial) return std::nullopt;
  if (denial->kind == acl::Denial::Kind::kCommand) {
    return "NOPERM this user has no permissions to run the '" + denial->what + "' command";
  }
  return std::string(
      "NOPERM this user has no permissions to access one of the keys used as "
      "arguments");
}

void Connection::reject(const kv::CommandSpec* spec, const std::string& error) {
  count_rejected();
  if (spec != nullptr && spec->name == "exec") {
    // Redis answers a refused EXEC by discarding the transaction, naming the reason.
    discard_transaction();
    std::string_view reason = error;
    if (reason.rfind("ERR ", 0) == 0) reason.remove_prefix(4);
    reply_now(Reply::Error("EXECABORT Transaction discarded because of: " + std::string(reason)));
    return;
  }
  if (state_.in_multi) state_.multi_dirty = true;
  reply_now(Reply::Error(error));
}

void Connection::discard_transaction() {
  state_.in_multi = false;
  state_.multi_dirty = false;
  state_.queued.clear();
  state_.watched.clear();
}

void Connection::run_command(const kv::CommandSpec& spec, kv::Argv& argv) {
  const std::string_view name = spec.name;
  if (name == "multi") {
    if (state_.in_multi) {
      reply_now(Reply::Error("ERR MULTI calls can not be nested"));
      return;
    }
    state_.in_multi = true;
    state_.multi_dirty = false;
    state_.queued.clear();
    reply_now(Reply::Ok());
    return;
  }
  if (name == "exec") {
    if (!state_.in_multi) {
      reply_now(Reply::Error("ERR EXEC without MULTI"));
      return;
    }
    run_exec();
    return;
  }
  if (name == "discard") {
    if (!state_.in_multi) {
      reply_now(Reply::Error("ERR DISCARD without MULTI"));
      return;
    }
    discard_transaction();
    reply_now(Reply::Ok());
    return;
  }
  // QUIT and RESET act at once, inside a transaction too (RESET discards it).
  if (state_.in_multi && name != "quit" && name != "reset") {
    if (spec.flags & kv::kFlagNoMulti) {
      if (name == "watch") {
        reply_now(Reply::Error("ERR WATCH inside MULTI is not allowed"));  // ran and failed
        return;
      }
      count_rejected();
      state_.multi_dirty = true;
      reply_now(Reply::Error("ERR Command not allowed inside a transaction"));
      return;
    }
    if (auto err = ctx_.service->over_limits(spec, argv)) {
      count_rejected();
      state_.multi_dirty = true;
      reply_now(Reply::Error(*err));
      return;
    }
    running_stats_ = nullptr;  // counts when EXEC runs it
    state_.queued.push_back(std::move(argv));
    reply_now(Reply::Queued());
    return;
  }
  if (name == "watch") {
    for (size_t i = 1; i < argv.size(); ++i) {
      if (!state_.watched.count(argv[i])) {
        state_.watched[argv[i]] = ctx_.service->watch_version(argv[i]);
      }
    }
    reply_now(Reply::Ok());
    return;
  }
  if (name == "unwatch") {
    state_.watched.clear();
    reply_now(Reply::Ok());
    return;
  }
  if (spec.flags & kv::kFlagServer) {
    // CLIENT LIST gathers answers from every connection's io thread and SESHAT MEMBER REMOVE
    // answers once the change is applied: those take a reply slot, like a write.
    const AdminCommands::Later later = [this] { return reply_later(); };
    if (auto reply = run_server_command(*this, spec, argv, &later)) reply_now(std::move(*reply));
    return;
  }
  if (spec.flags & kv::kFlagBlocking) {
    start_blocking(spec, argv);
    return;
  }
  if (spec.flags & kv::kFlagWrite) {
    run_write(spec, argv);
    return;
  }
  run_read(spec, argv);
}

void Connection::run_read(const kv::CommandSpec& spec, kv::Argv& argv) {
  // With nothing of this connection in flight, a node that may serve it from local state
  // answers at once, on this thread; otherwise it runs after this connection's earlier writes
  // and before its later ones.
  if (auto reply =
          ctx_.service->read(std::move(argv), pending_ == 0, [this] { return reply_later(); })) {
    reply_now(std::move(*reply));
  }
}

void Connection::run_write(const kv::CommandSpec& spec, kv::Argv& argv) {
  if (auto err = ctx_.service->over_limits(spec, argv)) {
    count_rejected();
    reply_now(Reply::Error(*err));
    return;
  }
  ctx_.stats.write_commands.fetch_add(1, std::memory_order_relaxed);
  ctx_.service->write(std::move(argv), reply_later());
}

replication::Replicator::Done Connection::reply_later() {
  auto seq = reserve_slot();
  return [self = shared_from_this(), seq](absl::StatusOr<Reply> outcome) mutable {
    asio::post(self->socket_.get_executor(), [self, seq, outcome = std::move(outcome)]() mutable {
      self->complete(seq, reply_of(std::move(outcome)));
    });
  };
}

void Connection::run_exec() {
  std::vector<kv::Argv> queued = std::move(state_.queued);
  auto watched = std::move(state_.watched);
  bool dirty = state_.multi_dirty;
  discard_transaction();
  if (dirty) {
    reply_now(Reply::Error("EXECABORT Transaction discarded because of previous errors."));
    return;
  }
  // Where each queued command counts once EXEC has run it.
  std::vector<CommandStats::Counters*> queued_stats;
  queued_stats.reserve(queued.size());
  for (const kv::Argv& argv : queued) {
    queued_stats.push_back(ctx_.command_stats.entry(kv::find_command(argv[0]), argv));
  }
  // Keyspace commands go to the log as one Operation; server commands queued among them (PING,
  // ECHO, TIME...) run here when the reply arrives and take their place in the array.
  std::vector<kv::Argv> commands;
  std::vector<std::optional<kv::Argv>> server_side(queued.size());
  for (size_t i = 0; i < queued.size(); ++i) {
    const kv::CommandSpec* spec = kv::find_command(queued[i][0]);
    if (spec != nullptr && (spec->flags & kv::kFlagServer)) {
      server_side[i] = std::move(queued[i]);
    } else {
      commands.push_back(std::move(queued[i]));
    }
  }

  auto assemble = [self = shared_from_this(), server_side = std::move(server_side),
                   queued_stats = std::move(queued_stats)](Reply applied) mutable {
    if (applied.type() != Reply::Type::kArray) return applied;  // aborted by WATCH, or an error
    std::vector<Reply> out;
    size_t next = 0;
    for (auto& argv : server_side) {
      if (argv) {
        const kv::CommandSpec* spec = kv::find_command((*argv)[0]);
        // Without `later` every server command answers at once (see AdminCommands).
        out.push_back(run_server_command(*self, *spec, *argv, nullptr)
                          .value_or(Reply::Error("ERR the command gave no reply")));
      } else if (next < applied.items().size()) {
        out.push_back(std::move(applied.mutable_items()[next++]));
      }
    }
    Reply result = Reply::Array(std::move(out));
    count_transaction(queued_stats, result);
    return result;
  };

  // follower_proxy: on a follower, the keyspace commands go to the leader as one transaction
  // (MULTI ... EXEC on the proxy's link); server commands still run here, in their place.
  if (ctx_.leader_proxy != nullptr && cluster_on() && !state_.proxy_link) {
    auto view = ctx_.cluster->current();
    auto told = state_.tls ? ctx_.cluster->current_for_tls() : view;  // what the client hears
    std::optional<std::string> redirect;
    for (const kv::Argv& argv : commands) {
      const kv::CommandSpec* spec = kv::find_command(argv[0]);
      if (spec == nullptr) continue;
      if ((spec->flags & kv::kFlagWrite) && kv::command_keys(*spec, argv).empty() &&
          proxies_keyless_writes(*view)) {
        redirect = "READONLY You can't write against a read only replica.";  // for WATCH
        break;
      }
      if ((redirect = ctx_.cluster_mode->redirect(*told, *spec, argv, false, true))) break;
    }
    if (redirect) {
      // WATCH compared this node's key versions; the leader cannot check them over RESP, so a
      // watched transaction gets the redirect, as it would without the proxy. So does one that
      // finds no leader.
      const bool to_leader =
          redirect->rfind("MOVED ", 0) == 0 || redirect->rfind("READONLY ", 0) == 0;
      if (!to_leader || !watched.empty()) {
        reply_now(Reply::Error("EXECABORT Transaction discarded because of: " + *redirect));
        return;
      }
      forward_to_leader(*view, commands, true, std::move(assemble));
      return;
    }
  }
  if (commands.empty() && watched.empty()) {
    reply_now(assemble(Reply::Array()));
    return;
  }
  auto seq = reserve_slot();
  auto self = shared_from_this();
  replication::Replicator::Done done = [self, seq, assemble = std::move(assemble)](
                                           absl::StatusOr<Reply> outcome) mutable {
    asio::post(self->socket_.get_executor(),
               [self, seq, assemble = std::move(assemble), outcome = std::move(outcome)]() mutable {
                 self->complete(seq, assemble(reply_of(std::move(outcome))));
               });
  };
  // Proposed, or run as one read when it writes nothing (kv::Service::transaction).
  ctx_.service->transaction(std::move(commands), {watched.begin(), watched.end()}, std::move(done));
}

// ---- replies ----

void Connection::count_rejected() {
  CommandStats::count_rejected(running_stats_);
  running_stats_ = nullptr;
}

void Connection::count_reply(CommandStats::Counters* stats, StatsClock::time_point started,
                             bool error) {
  if (stats == nullptr) return;
  const auto usec =
      std::chrono::duration_cast<std::chrono::microseconds>(StatsClock::now() - started).count();
  CommandStats::count_call(stats, static_cast<uint64_t>(usec), error);
}

void Connection::count_transaction(const std::vector<CommandStats::Counters*>& queued,
                                   const Reply& reply) {
  const auto& items = reply.items();
  for (size_t i = 0; i < queued.size() && i < items.size(); ++i) {
    CommandStats::count_queued_call(queued[i], items[i].type() == Reply::Type::kError);
  }
}

void Connection::reply_now(Reply reply) {
  if (running_stats_ != nullptr) {
    count_reply(running_stats_, running_started_, reply.type() == Reply::Type::kError);
    running_stats_ = nullptr;
  }
  if (slots_.empty()) {
    protocol::write_reply(out_, reply, state_.resp);
    drop_if_over_output_limit();
    return;
  }
  Slot s;
  s.ready = true;
  s.reply = std::move(reply);
  slots_.push_back(std::move(s));
}

uint64_t Connection::reserve_slot() {
  slots_.emplace_back();
  slots_.back().stats = running_stats_;
  slots_.back().started = running_started_;
  running_stats_ = nullptr;
  ++pending_;
  return first_seq_ + slots_.size() - 1;
}

void Connection::complete(uint64_t seq, Reply reply, std::optional<std::string> raw) {
  if (closed_) return;
  if (seq < first_seq_ || seq - first_seq_ >= slots_.size()) return;
  Slot& slot = slots_[seq - first_seq_];
  // A forwarded reply is the leader's bytes: an error starts with '-' (or '!' in RESP3).
  const bool error = raw ? !raw->empty() && ((*raw)[0] == '-' || (*raw)[0] == '!')
                         : reply.type() == Reply::Type::kError;
  count_reply(slot.stats, slot.started, error);
  slot.stats = nullptr;
  slot.ready = true;
  slot.reply = std::move(reply);
  slot.raw = std::move(raw);
  --pending_;
  while (!slots_.empty() && slots_.front().ready) {
    if (slots_.front().raw) {
      out_.append(
          *slots_.front().raw);  // already in this client's protocol (cluster/leader_proxy.h)
    } else {
      protocol::write_reply(out_, slots_.front().reply, state_.resp);
    }
    slots_.pop_front();
    ++first_seq_;
  }
  if (drop_if_over_output_limit()) return;
  if (pending_ == 0) process_input();
  flush();
  read_more();
}

bool Connection::drop_if_over_output_limit() {
  const uint64_t limit = ctx_.config.client_output_buffer_limit_mb << 20;
  const size_t unsent = out_.size() + writing_.size();
  if (limit == 0 || unsent <= limit || closed_) return false;
  spdlog::warn(
      "closing client {}: {} bytes of replies it has not read, over "
      "client_output_buffer_limit_mb ({} bytes)",
      state_.peer, unsent, limit);
  ctx_.stats.output_limit_disconnections.fetch_add(1, std::memory_order_relaxed);
  out_.clear();
  out_.shrink_to_fit();
  close();
  return true;
}

void Connection::flush() {
  if (closed_ || write_in_flight_) return;
  if (out_.empty()) {
    if (close_after_flush_ && pending_ == 0) close();
    return;
  }
  writing_.swap(out_);
  out_.clear();
  write_in_flight_ = true;
  ctx_.stats.net_output_bytes.fetch_add(writing_.size(), std::memory_order_relaxed);
  stream_.write(
      asio::buffer(writing_),
      [self = shared_from_this()](const asio::error_code& ec, size_t) { self->on_written(ec); });
}

void Connection::on_written(const asio::error_code& ec) {
  write_in_flight_ = false;
  writing_.clear();
  if (ec) {
    close();
    return;
  }
  flush();
  read_more();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  drop_blocked();
  if (idle_timer_) idle_timer_->cancel();
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (registered_) {
    ctx_.clients.remove(state_.id);
    registered_ = false;
  }
}

}  // namespace seshat::server
