#include "kv/errors.h"

namespace seshat::kv::err {

namespace {

// The whole error line must be a single line of RESP.
void replace_newlines(std::string& s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
}

}  // namespace

std::string printable_arg(std::string_view arg, size_t max_len) {
  size_t nul = arg.find('\0');
  if (nul != std::string_view::npos) arg = arg.substr(0, nul);
  if (arg.size() > max_len) arg = arg.substr(0, max_len);
  std::string out(arg);
  replace_newlines(out);
  return out;
}

std::string invalid_expire_time(std::string_view command_name) {
  return "ERR invalid expire time in '" + std::string(command_name) + "' command";
}

std::string wrong_arity(std::string_view command_name) {
  return "ERR wrong number of arguments for '" + std::string(command_name) + "' command";
}

std::string unknown_command(const Argv& argv) {
  constexpr size_t kMaxShown = 128;
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < kMaxShown; ++i) {
    args += '\'';
    args += printable_arg(argv[i], kMaxShown - args.size() + 1);
    args += "' ";
  }
  std::string name = argv.empty() ? std::string() : printable_arg(argv[0], kMaxShown);
  return "ERR unknown command '" + name + "', with args beginning with: " + args;
}

std::string unsupported_option(std::string_view option) {
  return "ERR Unsupported option " + printable_arg(option, std::string_view::npos);
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
