// Deterministic apply. Everything here is a function of the operation and the keyspace: no
// clock (the keyspace's now_ms is the proposer's), no randomness that reaches the state, no
// dependence on the node. An operation that no client could produce (a corrupt or foreign log
// entry) gets an error reply, never a crash, so that one bad entry cannot take down a replica.
#include "kv/apply.h"

#include <algorithm>
#include <charconv>

#include "kv/errors.h"
#include "kv/handler_util.h"

namespace seshat::kv {

namespace {

using protocol::Reply;

Reply run_command(CommandContext& ctx, const Argv& argv) {
  if (argv.empty()) return error_reply(err::kMalformedOperation);
  const CommandSpec* spec = find_command(argv[0]);
  if (spec == nullptr) return Reply::Error(err::unknown_command(argv));
  return execute(*spec, ctx, argv);
}

}  // namespace

Reply execute(const CommandSpec& spec, CommandContext& ctx, const Argv& argv) {
  // The server checks arity before proposing; checking again keeps every handler's argv
  // indexing safe whatever reaches it.
  if (!arity_ok(spec, argv.size())) return Reply::Error(err::wrong_arity(spec.name));
  if (spec.handler == nullptr) return Reply::Error(err::not_applicable(spec.name));
  return spec.handler(ctx, argv);
}

Reply apply_operation(const Operation& op, storage::Keyspace& keyspace, const Limits& limits,
                      KeyLookups* lookups) {
  CommandContext ctx{keyspace, limits, lookups};
  switch (op.kind) {
    case Operation::Kind::kCommand:
      if (op.commands.size() != 1) return error_reply(err::kMalformedOperation);
      return run_command(ctx, op.commands[0]);

    case Operation::Kind::kTransaction: {
      // WATCH: any watched key written, deleted or expired since it was watched aborts the
      // whole transaction, before any of it runs.
      for (const auto& [key, version] : op.watches) {
        if (keyspace.version(key) != version) return Reply::NullArray();
      }
      // A command failing at run time fails alone; the others still run (Redis has no
      // rollback), and its error becomes its element of the reply.
      std::vector<Reply> replies;
      replies.reserve(op.commands.size());
      for (const Argv& argv : op.commands) replies.push_back(run_command(ctx, argv));
      return Reply::Array(std::move(replies));
    }

    case Operation::Kind::kPurgeExpired: {
      if (op.commands.size() != 1) return error_reply(err::kMalformedOperation);
      int64_t purged = 0;
      for (const std::string& key : op.commands[0]) {
        if (keyspace.purge_if_expired(key)) ++purged;
      }
      return Reply::Integer(purged);
    }

    case Operation::Kind::kCollectTombstones: {
      if (op.commands.size() != 1) return error_reply(err::kMalformedOperation);
      int64_t dropped = 0;
      for (const std::string& key : op.commands[0]) {
        if (keyspace.drop_tombstone(key, op.now_ms)) ++dropped;
      }
      return Reply::Integer(dropped);
    }

    case Operation::Kind::kSetAcl: {
      if (op.commands.size() != 1 || op.commands[0].size() != 1 || op.watches.size() != 1) {
        return error_reply(err::kMalformedOperation);
      }
      if (keyspace.acl_table().version != op.watches[0].second) {
        return error_reply(err::kAclChanged);
      }
      keyspace.set_acl_table(op.commands[0][0]);
      return Reply::Ok();
    }

    case Operation::Kind::kSetSpaceAlarm: {
      if (op.commands.size() != 1 || op.commands[0].size() != 2) {
        return error_reply(err::kMalformedOperation);
      }
      const std::string& id_text = op.commands[0][0];
      const std::string& what = op.commands[0][1];
      uint64_t node = 0;
      auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), node);
      if (ec != std::errc() || end != id_text.data() + id_text.size() || node == 0 ||
          (what != "raise" && what != "clear")) {
        return error_reply(err::kMalformedOperation);
      }
      std::vector<uint64_t> nodes = keyspace.space_alarms();
      auto at = std::lower_bound(nodes.begin(), nodes.end(), node);
      const bool present = at != nodes.end() && *at == node;
      if (what == "raise" && !present) {
        nodes.insert(at, node);
        keyspace.set_space_alarms(nodes);
      } else if (what == "clear" && present) {
        nodes.erase(at);
        keyspace.set_space_alarms(nodes);
      }
      return Reply::Ok();
    }
  }
  return error_reply(err::kMalformedOperation);
}

}  // namespace seshat::kv
