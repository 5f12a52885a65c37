// One client connection: reads requests, runs them in order, writes replies in order.
//
// Ordering rule: replies leave in request order, and a command sees every earlier write of the
// same connection. Writes are proposed as soon as they are parsed, so a pipeline of writes joins
// one group commit; any other command waits until the connection's earlier writes are applied.
// All of a connection's state is touched only on its own io_context thread; replies from the
// replicator are posted back to it.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kv/command.h"
#include "kv/operation.h"
#include "protocol/reply.h"
#include "protocol/resp_parser.h"
#include "protocol/resp_writer.h"
#include "server/cluster_mode.h"
#include "server/server_context.h"
#include "server/tls.h"

namespace seshat::server {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `tls`: the connection came in on the TLS port and starts with a handshake.
  Connection(asio::ip::tcp::socket socket, ServerContext& ctx, asio::ssl::context* tls = nullptr);
  ~Connection();

  // Registers with the client registry (refusing the client if the node is full) and starts
  // reading; over TLS, once the handshake is done.
  void start();
  // Stops reading new requests; in-flight ones still get their replies, then the socket closes.
  void shutdown();

  // Connection state, for the server commands.
  struct State {
    uint64_t id = 0;
    protocol::ProtocolVersion resp = protocol::ProtocolVersion::kResp2;
    bool authenticated = false;
    std::string user = "default";  // the ACL user its commands run as
    std::string name;
    std::string lib_name;
    std::string lib_ver;
    std::string last_command;
    std::string peer;
    std::string local;
    std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
    // MULTI: queued commands, and whether queueing hit an error (EXEC then aborts).
    bool in_multi = false;
    bool multi_dirty = false;
    std::vector<kv::Argv> queued;
    // WATCH: key -> version seen.
    std::map<std::string, uint64_t> watched;
    // READONLY (cluster mode): this client accepts reads served by a follower.
    bool readonly = false;
    // SESHAT PROXY-LINK: another node's follower proxy; its commands are never forwarded again.
    bool proxy_link = false;
    // It came in on the TLS port: cluster replies and redirects name the members' TLS ports.
    bool tls = false;
  };

  // Everything below runs on the connection's own io thread only (other connections reach it
  // through ClientRegistry::for_each_client, which posts there).
  State& state() { return state_; }
  ServerContext& context() { return ctx_; }
  std::string describe();  // CLIENT LIST / CLIENT INFO line, without the newline
  void close_after_reply() { close_after_flush_ = true; }
  // CLIENT KILL of another connection: closes it now; replies it still owes are dropped.
  void kill() { close(); }
  // CLIENT UNBLOCK: ends the wait of this connection's blocking command with the timeout's
  // reply or (`as_error`) Redis's UNBLOCKED error; false when it is not blocked.
  bool unblock(bool as_error);
  bool closed() const { return closed_; }
  asio::any_io_executor socket_executor() { return stream_.socket().get_executor(); }

 private:
  using StatsClock = std::chrono::steady_clock;
  struct Slot {
    bool ready = false;
    protocol::Reply reply;
    std::optional<std::string> raw;  // a forwarded reply: the leader's bytes, written as they are
    // INFO commandstats: where the command that owns this slot counts, and when it started.
    CommandStats::Counters* stats = nullptr;
    StatsClock::time_point started;
  };

  void begin();  // start() once the connection is usable
  // idle_timeout_secs: closes the connection once it has been idle that long.
  void arm_idle_timer(std::chrono::steady_clock::duration after);
  void on_idle_timer();
  void read_more();
  void on_read(const asio::error_code& ec, size_t n);
  void process_input();
  void process_input_locked();
  // Answers a command refused before it ran (unknown, arity, NOAUTH); inside MULTI this makes
  // EXEC fail, and a refused EXEC discards the transaction.
  void reject(const kv::CommandSpec* spec, const std::string& error);
  void discard_transaction();
  // ACL: why the connection's user may not run argv (Redis's NOPERM error), or nullopt. A
  // connection whose user was deleted is closed (`closed_` is then set).
  std::optional<std::string> acl_refusal(const kv::CommandSpec& spec, const kv::Argv& argv);
  // Runs one command; returns false if it must wait for the connection's pending writes.
  bool dispatch(kv::Argv& argv);
  void run_command(const kv::CommandSpec& spec, kv::Argv& argv);
  void run_read(const kv::CommandSpec& spec, kv::Argv& argv);
  void run_write(const kv::CommandSpec& spec, kv::Argv& argv);
  void run_exec();

  // BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX outside MULTI (blocking_keys.h): the
  // command holds its reply slot and tries its non-blocking form (through the log, or at the
  // leader through the follower proxy) until a try takes something, its timeout passes, the
  // node stops leading, or the client leaves. Later commands of the client wait behind it.
  struct Blocked {
    kv::Argv argv;
    uint64_t seq = 0;                           // its reply slot; also names it in the callbacks
    uint64_t ticket = 0;                        // its id in ctx_.blocking
    std::unique_ptr<asio::steady_timer> timer;  // when the timeout is not 0
    bool trying = false;                        // a try is in flight
    bool timed_out = false;                     // answer null once the try is back
    std::optional<std::string> end_with;        // answer this error once the try is back
  };
  void start_blocking(const kv::CommandSpec& spec, kv::Argv& argv);
  void try_blocked();
  void on_blocked_try(uint64_t seq, protocol::Reply reply);
  void on_blocked_wake(uint64_t seq);
  void on_blocked_timeout(uint64_t seq);
  // Ends the wait with `error` (leadership lost, shutdown), at once or after the try in flight.
  void end_blocked(uint64_t seq, const std::string& error);
  void finish_blocked(protocol::Reply reply);
  // Forgets the blocked command (the connection closes, or it was answered: `served` when its
  // reply took something).
  void drop_blocked(bool served = false);
  // Cluster mode: the node publishes a view and has the cluster room plugged in.
  bool cluster_on() const { return ctx_.cluster != nullptr && ctx_.cluster_mode != nullptr; }
  // follower_proxy: whether this command goes to the leader (it would get MOVED), and sending
  // it there; its reply fills a slot like a local one.
  bool forwards(const kv::CommandSpec& spec, const kv::Argv& argv) const;
  // follower_proxy takes keyless writes (FLUSHALL, FLUSHDB) to the leader as well.
  bool proxies_keyless_writes(const replication::ClusterView& view) const;
  // `finish` (a transaction's) turns the leader's parsed reply into the client's.
  void forward_to_leader(const replication::ClusterView& view, std::span<const kv::Argv> commands,
                         bool transaction,
                         std::function<protocol::Reply(protocol::Reply)> finish = nullptr);
  // Reserves the next reply slot and returns the callback that fills it from any thread.
  replication::Replicator::Done reply_later();

  // INFO commandstats. dispatch() names the running command's counters; the first reply it
  // gives (at once, or through a slot) counts as its call, unless reject() or queueing in
  // MULTI takes them away first.
  void count_rejected();
  void count_reply(CommandStats::Counters* stats, StatsClock::time_point started, bool error);
  // Counts the commands EXEC ran, one per element of its reply (`queued` in order).
  static void count_transaction(const std::vector<CommandStats::Counters*>& queued,
                                const protocol::Reply& reply);

  // Reply plumbing: an immediate reply, or a slot filled later by complete().
  void reply_now(protocol::Reply reply);
  // After replies were added to out_: a client whose unsent replies pass
  // client_output_buffer_limit_mb is disconnected at once, its output dropped (Redis's hard
  // limit). True when it was.
  bool drop_if_over_output_limit();
  uint64_t reserve_slot();
  void complete(uint64_t seq, protocol::Reply reply, std::optional<std::string> raw = std::nullopt);
  void flush();
  void on_written(const asio::error_code& ec);
  void close();

  ClientStream stream_;
  asio::ip::tcp::socket& socket_;  // stream_'s, for addresses, options and closing
  ServerContext& ctx_;
  State state_;

  protocol::RequestParser parser_;
  std::string in_;
  size_t in_pos_ = 0;  // bytes of in_ already parsed
  char read_buf_[16 * 1024];
  bool reading_ = false;
  bool stop_reading_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
  bool registered_ = false;
  bool processing_ = false;

  std::deque<Slot> slots_;            // replies not yet written, in request order
  uint64_t first_seq_ = 0;            // sequence number of slots_.front()
  size_t pending_ = 0;                // slots waiting for the replicator or the leader
  size_t forwarded_ = 0;              // of those, the ones waiting for the leader (follower_proxy)
  std::optional<kv::Argv> deferred_;  // parsed but waiting for pending writes
  std::unique_ptr<Blocked> blocked_;  // the blocking command waiting, if any
  CommandStats::Counters* running_stats_ = nullptr;  // the command being dispatched
  StatsClock::time_point running_started_;
  // The ACL users as of acl_generation_: refreshed only when the applied table changed, so a
  // command costs one atomic load here instead of the shared registry's lock.
  std::shared_ptr<const AclUsers::Table> acl_users_;
  uint64_t acl_generation_ = 0;

  std::unique_ptr<asio::steady_timer> idle_timer_;   // with idle_timeout_secs
  std::chrono::steady_clock::time_point last_read_;  // the last bytes from the client
  std::string out_;      // serialised replies not yet handed to the socket
  std::string writing_;  // buffer of the write in flight
  bool write_in_flight_ = false;
};

}  // namespace seshat::server
