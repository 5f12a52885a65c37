// An ACL user as Redis 6+ has them: whether it is on, its passwords (kept as SHA-256 digests),
// the key patterns it may read and write, its channel patterns, and the commands it may run.
// Rules are Redis's ACL SETUSER words (on, >secret, ~cache:*, %R~log:*, +@read, -flushall, ...),
// applied one at a time; describe() gives them back in ACL LIST's form.
//
// Redis 7.0 rebuilds a user's command rules from its command bitmap, fitting categories to its
// own command table; our table differs, so we keep the rules as given instead, dropping earlier
// rules a later one overrides (what Redis 7.2 does). For the rules people write
// ("-@all +@read +set") both give the same text.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kv/command.h"

namespace seshat::acl {

// Redis's categories, without the '@', in ACL CAT's order.
const std::vector<std::string_view>& category_names();
bool is_category(std::string_view name);
// The commands and subcommands of a category (lower case, no '@'), in table order: what
// +@category allows and ACL CAT <category> lists.
std::vector<const kv::CommandSpec*> commands_in_category(std::string_view category);

struct KeyPattern {
  std::string pattern;
  bool read = true;
  bool write = true;
  bool operator==(const KeyPattern&) const = default;
};

// Why a command may not run (ACL's check): the command itself, or one of its keys.
struct Denial {
  enum class Kind { kCommand, kKey };
  Kind kind = Kind::kCommand;
  std::string what;  // the command's full name ("config|set"), or the key
};

class User {
 public:
  // A user as ACL SETUSER creates it: off, no password, no keys, no channels, no commands.
  explicit User(std::string name);
  // The user every connection starts as: on, no password, every key, channel and command.
  static User default_user();

  // Applies one ACL SETUSER rule. Returns "" or Redis's reason (the text after "Error in ACL
  // SETUSER modifier '...': "), leaving the user as it was.
  std::string apply(std::string_view rule);

  const std::string& name() const { return name_; }
  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  // True when `password` is one of the user's, or the user needs none (nopass).
  bool password_matches(std::string_view password) const;

  // nullopt when the user may run `argv` (whose command is `spec`); otherwise what it may not.
  std::optional<Denial> check(const kv::CommandSpec& spec, const kv::Argv& argv) const;

  // ACL LIST's line: "user alice on #<sha256> ~cache:* resetchannels -@all +get".
  std::string describe() const;
  // ACL GETUSER's parts.
  std::vector<std::string> flags() const;
  const std::vector<std::string>& password_hashes() const { return passwords_; }
  std::string command_rules() const;  // "+@all -flushall"
  std::string key_rules() const;      // "~*", "%R~log:* ~cache:*", "" for none
  std::string channel_rules() const;  // "&*", "&news:*", "" for none

  bool operator==(const User&) const = default;

 private:
  std::string apply_command_rule(std::string_view rule);
  void allow(std::string_view full_name, bool allowed);
  void record_rule(std::string rule, std::string_view subject);
  bool may_run(const kv::CommandSpec& spec, const kv::Argv& argv) const;
  bool may_touch(std::string_view key, bool read, bool write) const;

  std::string name_;
  bool enabled_ = false;
  bool nopass_ = false;
  std::optional<bool> sanitize_payload_;  // shown only once set
  std::vector<std::string> passwords_;    // lower-case hex SHA-256, in the order added
  bool all_keys_ = false;
  std::vector<KeyPattern> keys_;
  bool all_channels_ = false;
  std::vector<std::string> channels_;
  // Commands: +@all sets `future_` (commands this table does not have yet are allowed too);
  // `allowed_` holds the full names ("get", "config|get") a rule allowed since.
  bool future_ = false;
  std::set<std::string, std::less<>> allowed_;
  std::set<std::string, std::less<>> denied_;  // with future_: removed since +@all
  // "+select|0": a first argument allowed for an otherwise denied command.
  std::map<std::string, std::vector<std::string>, std::less<>> first_args_;
  std::vector<std::string> rules_;  // command rules after the leading +@all / -@all
};

// The SHA-256 of `password` in lower-case hex, as ACL GETUSER shows it.
std::string password_hash(std::string_view password);

}  // namespace seshat::acl
