#include "kv/errors.h"

#include "kv/ascii.h"

namespace seshat::kv::err {

namespace {

// Redis shows at most this many bytes of a client-supplied name in an error.
constexpr size_t kMaxShown = 128;

}  // namespace

std::string no_space(const std::vector<uint64_t>& nodes) {
  std::string names;
  for (uint64_t id : nodes) names += (names.empty() ? "" : ", ") + std::to_string(id);
  return std::string("NOSPACE free disk space is below the reserve on node") +
         (nodes.size() > 1 ? "s " : " ") + names +
         ": commands that may add data are refused until space is freed (reads and deletes "
         "still work)";
}

std::string invalid_expire_time(std::string_view command_name) {
  return "ERR invalid expire time in '" + std::string(command_name) + "' command";
}

std::string wrong_arity(std::string_view command_name) {
  return "ERR wrong number of arguments for '" + std::string(command_name) + "' command";
}

std::string unknown_command(const Argv& argv) {
  // Redis quotes arguments while fewer than 128 bytes of them have been written, each cut to
  // what is left of those 128 bytes (measured before its opening quote).
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < kMaxShown; ++i) {
    const size_t room = kMaxShown - args.size();
    args += '\'';
    args += shown(argv[i], room);
    args += "' ";
  }
  const std::string name = argv.empty() ? std::string() : shown(argv[0], kMaxShown);
  return "ERR unknown command '" + name + "', with args beginning with: " + args;
}

std::string unknown_subcommand(std::string_view sub, std::string_view command) {
  return "ERR unknown subcommand '" + shown(sub, kMaxShown) + "'. Try " + shown(upper(command)) +
         " HELP.";
}

std::string unsupported_option(std::string_view option) {
  return "ERR Unsupported option " + shown(option);
}

std::string not_applicable(std::string_view command_name) {
  return "ERR command '" + std::string(command_name) + "' is not executed by the state machine";
}

std::string key_too_large(uint64_t limit) {
  return "ERR key is larger than max_key_size_bytes (" + std::to_string(limit) + " bytes)";
}

std::string value_too_large(uint64_t limit) {
  return "ERR value is larger than max_value_size_bytes (" + std::to_string(limit) + " bytes)";
}

std::string string_grows_too_large(uint64_t limit) {
  if (limit == kRedisProtoMaxBulkLen) return std::string(kStringTooLong);
  return value_too_large(limit);
}

}  // namespace seshat::kv::err
