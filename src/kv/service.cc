#include "kv/service.h"

#include <algorithm>
#include <chrono>

#include "kv/errors.h"
#include "kv/subcommands.h"

namespace seshat::kv {

const CommandSpec* Service::find(const Argv& argv) const {
  return argv.empty() ? nullptr : find_command(argv[0]);
}

std::string Service::refusal(const CommandSpec* spec, const Argv& argv) const {
  if (spec == nullptr) return err::unknown_command(argv);
  if (!arity_ok(*spec, argv.size())) return err::wrong_arity(spec->name);
  // An unknown subcommand or a subcommand's wrong arity is refused like an unknown command,
  // so inside MULTI it aborts the transaction as Redis does.
  return subcommand_error(argv);
}

std::optional<std::string> Service::over_limits(const CommandSpec& spec, const Argv& argv) const {
  if (!(spec.flags & kFlagWrite)) return std::nullopt;
  if (spec.flags & kFlagDenyOom) {
    if (auto alarms = log_.space_alarms(); !alarms.empty()) return err::no_space(alarms);
  }
  const auto keys = command_keys(spec, argv);
  for (auto key : keys) {
    if (key.size() > limits_.max_key_size_bytes) {
      return err::key_too_large(limits_.max_key_size_bytes);
    }
  }
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i].size() <= limits_.max_value_size_bytes) continue;
    const bool is_key = std::any_of(keys.begin(), keys.end(),
                                    [&](std::string_view k) { return k.data() == argv[i].data(); });
    if (!is_key) return err::value_too_large(limits_.max_value_size_bytes);
  }
  return std::nullopt;
}

Operation Service::single(Argv argv) {
  Operation op;
  op.kind = Operation::Kind::kCommand;
  op.now_ms = log_.proposal_time_ms();
  op.commands.push_back(std::move(argv));
  return op;
}

void Service::write(Argv argv, Done done) {
  log_.propose(single(std::move(argv)), std::move(done));
}

std::optional<protocol::Reply> Service::read(Argv argv, bool nothing_in_flight,
                                             const Later& later) {
  Operation op = single(std::move(argv));
  if (nothing_in_flight) {
    if (auto reply = log_.read_locally(op)) return reply;
  }
  log_.read(std::move(op), later());
  return std::nullopt;
}

void Service::transaction(std::vector<Argv> commands,
                          std::vector<std::pair<std::string, uint64_t>> watches, Done done) {
  Operation op;
  op.kind = Operation::Kind::kTransaction;
  op.now_ms = log_.proposal_time_ms();
  op.commands = std::move(commands);
  op.watches = std::move(watches);
  // A transaction that writes nothing changes no state: it runs as one read (no log entry), in
  // its place among the caller's commands, on a follower too.
  const bool writes = std::any_of(op.commands.begin(), op.commands.end(), [](const Argv& a) {
    const CommandSpec* spec = find_command(a[0]);
    return spec == nullptr || (spec->flags & kFlagWrite);
  });
  if (writes) {
    log_.propose(std::move(op), std::move(done));
  } else {
    log_.read(std::move(op), std::move(done));
  }
}

void Service::set_acl(uint64_t expected_version, std::string text, Done done) {
  Operation op;
  op.kind = Operation::Kind::kSetAcl;
  op.now_ms = log_.proposal_time_ms();
  op.commands.push_back(Argv{std::move(text)});
  op.watches.emplace_back("", expected_version);
  log_.propose(std::move(op), std::move(done));
}

uint64_t Service::watch_version(std::string_view key) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return log_.watch_version(key, now);
}

}  // namespace seshat::kv
