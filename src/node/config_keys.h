// The configuration keys (config.cc's one table) and the value rules, shared by the reader of
// the TOML file and flags (config.cc) and the validation of the merged result
// (config_keys.cc). Internal to src/node/.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "node/config.h"

namespace seshat::node {

inline constexpr uint64_t kNoMax = std::numeric_limits<uint64_t>::max();

using Field = std::variant<uint64_t Config::*, std::string Config::*, bool Config::*,
                           std::vector<Member> Config::*>;

struct Key {
  std::string_view section;
  std::string_view name;  // the TOML key inside its section
  std::string_view flag;  // the command-line flag, "--" + name with '_' turned to '-'
  Field field;
  uint64_t min = 0;  // for integer keys only: the inclusive range validate_config enforces
  uint64_t max = kNoMax;
  std::string_view help;
};

// Every key the node understands.
extern const std::array<Key, 37> kKeys;
inline constexpr std::array<std::string_view, 6> kSections = {"node",   "cluster", "raft",
                                                              "limits", "server",  "tls"};
inline constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug",    "info", "warn",
                                                               "error", "critical", "off"};

const Key* find_key(std::string_view section, std::string_view name);
// The key, which must exist (a miss is a typo in the code: abort).
const Key& key_of(std::string_view section, std::string_view name);
std::string key_label(const Key& key);
// "config: [raft] heartbeat_interval_ms <problem> (flag --heartbeat-interval-ms)": the message
// names the key as the file spells it and the flag, since validation runs after both are merged.
std::string value_error(const Key& key, const std::string& problem);
std::string in_quotes(std::string_view text);
// The default value as --help shows it.
std::string default_text(const Key& key);

// Single values, as both the file and the flags spell them.
std::optional<uint64_t> parse_uint(std::string_view text);
// A bare `--bootstrap` arrives as an empty value and means true, as a flag would.
std::optional<bool> parse_bool(std::string_view text);
// Checks "host:port" (or "[v6]:port") with a numeric port in 1..65535; returns why not, or "".
std::string address_problem(std::string_view addr);
// Parses the flag form "1=host:7379@host:6379,2=host:7380"; returns why not, or "".
std::string parse_members(std::string_view text, std::vector<Member>* out);

}  // namespace seshat::node
