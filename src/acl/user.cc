#include "acl/user.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include "kv/ascii.h"
#include "kv/glob_match.h"
#include "kv/subcommands.h"

namespace seshat::acl {

namespace {

constexpr std::string_view kSyntax = "Syntax error";
constexpr std::string_view kUnknownCommand = "Unknown command or category name in ACL";
constexpr std::string_view kKeyAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not "
    "have any effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not "
    "have any effect. Try 'resetchannels' to start with an empty list of channels";
constexpr std::string_view kNoSuchPassword =
    "The password you are trying to remove from the user does not exist";
constexpr std::string_view kBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
    "characters";
constexpr std::string_view kSubcommandFirstArg =
    "Allowing first-arg of a subcommand is not supported";

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && kv::lower(a) == kv::lower(b);
}

bool valid_hash(std::string_view hash) {
  return hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool has_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  });
}

// Digests are compared in time independent of where they differ, as Redis does, so that timing
// reveals nothing about a stored digest.
bool equal_constant_time(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    diff |= static_cast<unsigned char>(static_cast<unsigned char>(a[i]) ^
                                       static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

bool has_category(const kv::CommandSpec& spec, std::string_view category) {
  for (std::string_view c : spec.acl_categories) {
    if (c.size() == category.size() + 1 && c.substr(1) == category) return true;
  }
  return false;
}

// A key of a command and what the command does with it (Redis's key-spec flags: "access"
// reads; "insert", "delete", "update" write).
struct KeyUse {
  std::string_view key;
  bool read = false;
  bool write = false;
};

KeyUse use_of(std::string_view key, const std::vector<std::string_view>& flags) {
  KeyUse use{key};
  for (std::string_view f : flags) {
    if (f == "access") use.read = true;
    if (f == "insert" || f == "delete" || f == "update") use.write = true;
  }
  return use;
}

void add_range(std::vector<KeyUse>& out, const kv::Argv& argv, int64_t first, int64_t last,
               int64_t step, const std::vector<std::string_view>& flags) {
  const auto argc = static_cast<int64_t>(argv.size());
  if (last < 0) last += argc;
  last = std::min(last, argc - 1);
  for (int64_t i = first; i >= 1 && step > 0 && i <= last; i += step) {
    out.push_back(use_of(argv[static_cast<size_t>(i)], flags));
  }
}

// Every key argv names, with its use. Commands that count their keys (ZUNIONSTORE dest
// numkeys key...) declare the counted keys in their argument docs; the rest in key specs.
std::vector<KeyUse> key_uses(const kv::CommandSpec& spec, const kv::Argv& argv) {
  static const std::vector<std::string_view> kRead = {"RO", "access"};
  static const std::vector<std::string_view> kReadWrite = {"RW", "access", "update"};
  std::vector<KeyUse> out;
  if (spec.container_key > 0) {
    if (argv.size() > static_cast<size_t>(spec.container_key)) {
      out.push_back(use_of(argv[static_cast<size_t>(spec.container_key)], kRead));
    }
    return out;
  }
  int counted_spec = -1;
  for (size_t i = 0; i + 1 < spec.arguments.size(); ++i) {
    const kv::ArgDoc& count = spec.arguments[i];
    const kv::ArgDoc& keys = spec.arguments[i + 1];
    if (count.name != "numkeys" || keys.type != "key") continue;
    const size_t at = i + 1;  // the numkeys argument in argv (argv[0] is the command)
    int64_t n = 0;
    if (at < argv.size()) {
      const std::string& text = argv[at];
      std::from_chars(text.data(), text.data() + text.size(), n);
    }
    counted_spec = keys.key_spec_index;
    const bool declared =
        counted_spec >= 0 && static_cast<size_t>(counted_spec) < spec.key_specs.size();
    const auto& flags = declared ? spec.key_specs[static_cast<size_t>(counted_spec)].flags : kRead;
    if (n > 0) {
      add_range(out, argv, static_cast<int64_t>(at) + 1, static_cast<int64_t>(at) + n, 1, flags);
    }
    break;
  }
  if (spec.key_specs.empty()) {
    if (counted_spec < 0) {
      add_range(out, argv, spec.first_key, spec.last_key, spec.key_step,
                (spec.flags & kv::kFlagWrite) ? kReadWrite : kRead);
    }
    return out;
  }
  for (size_t s = 0; s < spec.key_specs.size(); ++s) {
    if (static_cast<int>(s) == counted_spec) continue;
    const kv::KeySpecDoc& ks = spec.key_specs[s];
    const int64_t last = ks.last_key < 0 ? ks.last_key : ks.begin_index + ks.last_key;
    add_range(out, argv, ks.begin_index, last, ks.key_step, ks.flags);
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& category_names() {
  static const std::vector<std::string_view> kNames = {
      "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
      "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
      "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};
  return kNames;
}

bool is_category(std::string_view name) {
  const auto& names = category_names();
  return std::find(names.begin(), names.end(), kv::lower(name)) != names.end();
}

std::vector<const kv::CommandSpec*> commands_in_category(std::string_view category) {
  std::vector<const kv::CommandSpec*> out;
  for (const kv::CommandSpec& spec : kv::all_commands()) {
    if (has_category(spec, category)) out.push_back(&spec);
    for (const kv::CommandSpec& sub : kv::subcommands_of(spec.name)) {
      if (has_category(sub, category)) out.push_back(&sub);
    }
  }
  return out;
}

std::string password_hash(std::string_view password) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(password.data(), password.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

User::User(std::string name) : name_(std::move(name)) {}

User User::default_user() {
  User user("default");
  user.enabled_ = true;
  user.nopass_ = true;
  user.all_keys_ = true;
  user.all_channels_ = true;
  user.future_ = true;
  return user;
}

bool User::password_matches(std::string_view password) const {
  if (nopass_) return true;
  const std::string hash = password_hash(password);
  bool found = false;
  for (const std::string& stored : passwords_) found = equal_constant_time(stored, hash) || found;
  return found;
}

std::string User::apply(std::string_view rule) {
  if (rule.empty()) return "";
  if (equals_nocase(rule, "on")) {
    enabled_ = true;
  } else if (equals_nocase(rule, "off")) {
    enabled_ = false;
  } else if (equals_nocase(rule, "sanitize-payload")) {
    sanitize_payload_ = true;
  } else if (equals_nocase(rule, "skip-sanitize-payload")) {
    sanitize_payload_ = false;
  } else if (equals_nocase(rule, "nopass")) {
    nopass_ = true;
    passwords_.clear();
  } else if (equals_nocase(rule, "resetpass")) {
    nopass_ = false;
    passwords_.clear();
  } else if (rule[0] == '>' || rule[0] == '#' || rule[0] == '<' || rule[0] == '!') {
    // '>' and '<' name a password, '#' and '!' its digest; '>' and '#' add, '<' and '!' remove.
    const bool plain = rule[0] == '>' || rule[0] == '<';
    std::string hash = plain ? password_hash(rule.substr(1)) : std::string(rule.substr(1));
    if (!plain && !valid_hash(hash)) return std::string(kBadHash);
    auto it = std::find(passwords_.begin(), passwords_.end(), hash);
    if (rule[0] == '<' || rule[0] == '!') {
      if (it == passwords_.end()) return std::string(kNoSuchPassword);
      passwords_.erase(it);
    } else {
      if (it == passwords_.end()) passwords_.push_back(std::move(hash));
      nopass_ = false;
    }
  } else if (equals_nocase(rule, "clearselectors")) {
    // Selectors are not supported, so there are none to clear.
  } else if (equals_nocase(rule, "reset")) {
    User fresh(name_);
    fresh.sanitize_payload_ = true;
    *this = std::move(fresh);
  } else if (equals_nocase(rule, "allkeys") || rule == "~*") {
    all_keys_ = true;
    keys_.clear();
  } else if (equals_nocase(rule, "resetkeys")) {
    all_keys_ = false;
    keys_.clear();
  } else if (equals_nocase(rule, "allchannels") || rule == "&*") {
    all_channels_ = true;
    channels_.clear();
  } else if (equals_nocase(rule, "resetchannels")) {
    all_channels_ = false;
    channels_.clear();
  } else if (rule[0] == '~' || rule[0] == '%') {
    if (all_keys_) return std::string(kKeyAfterAll);
    KeyPattern pattern{"", rule[0] == '~', rule[0] == '~'};
    size_t at = 1;
    if (rule[0] == '%') {
      for (; at < rule.size(); ++at) {
        const char c = rule[at];
        if ((c == 'R' || c == 'r') && !pattern.read) {
          pattern.read = true;
        } else if ((c == 'W' || c == 'w') && !pattern.write) {
          pattern.write = true;
        } else if (c == '~') {
          ++at;
          break;
        } else {
          return std::string(kSyntax);
        }
      }
    }
    pattern.pattern = std::string(rule.substr(std::min(at, rule.size())));
    if (has_space(pattern.pattern)) return std::string(kSyntax);
    auto same = std::find_if(keys_.begin(), keys_.end(),
                             [&](const KeyPattern& k) { return k.pattern == pattern.pattern; });
    if (same == keys_.end()) {
      keys_.push_back(std::move(pattern));
    } else {
      same->read = same->read || pattern.read;
      same->write = same->write || pattern.write;
    }
  } else if (rule[0] == '&') {
    if (all_channels_) return std::string(kChannelAfterAll);
    std::string channel(rule.substr(1));
    if (has_space(channel)) return std::string(kSyntax);
    if (std::find(channels_.begin(), channels_.end(), channel) == channels_.end()) {
      channels_.push_back(std::move(channel));
    }
  } else if (equals_nocase(rule, "allcommands")) {
    return apply_command_rule("+@all");
  } else if (equals_nocase(rule, "nocommands")) {
    return apply_command_rule("-@all");
  } else if (rule[0] == '+' || rule[0] == '-') {
    return apply_command_rule(rule);
  } else {
    return std::string(kSyntax);
  }
  return "";
}

std::string User::apply_command_rule(std::string_view rule) {
  const bool allowed = rule[0] == '+';
  const std::string name = kv::lower(rule.substr(1));
  if (name == "@all") {
    future_ = allowed;
    allowed_.clear();
    denied_.clear();
    first_args_.clear();
    rules_.clear();
    return "";
  }
  if (!name.empty() && name[0] == '@') {
    const std::string_view category = std::string_view(name).substr(1);
    if (!is_category(category)) return std::string(kUnknownCommand);
    for (const kv::CommandSpec* spec : commands_in_category(category)) {
      allow(spec->name, allowed);
    }
    record_rule(std::string(1, rule[0]) + name, name);
    return "";
  }
  const size_t bar = name.rfind('|');
  if (bar == std::string::npos) {
    const kv::CommandSpec* spec = kv::find_command(name);
    if (spec == nullptr) return std::string(kUnknownCommand);
    allow(spec->name, allowed);
    for (const kv::CommandSpec& sub : kv::subcommands_of(spec->name)) {
      allow(sub.name, allowed);
    }
    record_rule(std::string(1, rule[0]) + name, name);
    return "";
  }
  const std::string command = name.substr(0, bar);
  const std::string argument = name.substr(bar + 1);
  if (command.find('|') != std::string::npos) {
    // "config|get|x": a first argument of a subcommand.
    const size_t inner = command.find('|');
    const kv::CommandSpec* container = kv::find_command(command.substr(0, inner));
    if (container == nullptr ||
        kv::find_subcommand(container->name, command.substr(inner + 1)) == nullptr) {
      return std::string(kUnknownCommand);
    }
    return allowed ? std::string(kSubcommandFirstArg) : std::string(kUnknownCommand);
  }
  const kv::CommandSpec* spec = kv::find_command(command);
  if (spec == nullptr) return std::string(kUnknownCommand);
  if (kv::is_container(spec->name)) {
    const kv::CommandSpec* sub = kv::find_subcommand(spec->name, argument);
    if (sub == nullptr) return std::string(kUnknownCommand);
    allow(sub->name, allowed);
    record_rule(std::string(1, rule[0]) + name, name);
    return "";
  }
  // "+select|0": this first argument only. "-select|0" names no command.
  if (!allowed) return std::string(kUnknownCommand);
  if (argument.empty()) return std::string(kSyntax);
  auto& args = first_args_[std::string(spec->name)];
  if (std::find(args.begin(), args.end(), argument) == args.end()) args.push_back(argument);
  record_rule(std::string(1, rule[0]) + name, name);
  return "";
}

void User::allow(std::string_view full_name, bool allowed) {
  const std::string name(full_name);
  first_args_.erase(name);
  if (future_) {
    if (allowed) {
      denied_.erase(name);
    } else {
      denied_.insert(name);
    }
  } else if (allowed) {
    allowed_.insert(name);
  } else {
    allowed_.erase(name);
  }
}

void User::record_rule(std::string rule, std::string_view subject) {
  // A later rule for the same command or category replaces the earlier one; a rule for a
  // whole container also replaces the rules for its subcommands.
  std::erase_if(rules_, [&](const std::string& old) {
    const std::string_view old_subject = std::string_view(old).substr(1);
    return old_subject == subject ||
           (old_subject.size() > subject.size() &&
            old_subject.substr(0, subject.size()) == subject && old_subject[subject.size()] == '|');
  });
  rules_.push_back(std::move(rule));
}

bool User::may_run(const kv::CommandSpec& spec, const kv::Argv& argv) const {
  if (spec.flags & kv::kFlagNoAuth) return true;
  std::string name(spec.name);
  if (kv::is_container(spec.name)) {
    const std::string full = kv::subcommand_full_name(argv);
    if (!full.empty()) name = full;
  }
  const bool by_name = future_ ? !denied_.contains(name) : allowed_.contains(name);
  if (by_name) return true;
  auto args = first_args_.find(std::string(spec.name));
  if (args == first_args_.end() || argv.size() < 2) return false;
  const std::string first = kv::lower(argv[1]);
  return std::find(args->second.begin(), args->second.end(), first) != args->second.end();
}

bool User::may_touch(std::string_view key, bool read, bool write) const {
  if (all_keys_) return true;
  for (const KeyPattern& p : keys_) {
    if ((read && !p.read) || (write && !p.write)) continue;
    if (kv::glob_match(p.pattern, key)) return true;
  }
  return false;
}

std::optional<Denial> User::check(const kv::CommandSpec& spec, const kv::Argv& argv) const {
  if (!may_run(spec, argv)) {
    std::string name(spec.name);
    if (kv::is_container(spec.name)) {
      const std::string full = kv::subcommand_full_name(argv);
      if (!full.empty()) name = full;
    }
    return Denial{Denial::Kind::kCommand, name};
  }
  if (all_keys_) return std::nullopt;
  for (const KeyUse& use : key_uses(spec, argv)) {
    if (!may_touch(use.key, use.read, use.write)) {
      return Denial{Denial::Kind::kKey, std::string(use.key)};
    }
  }
  return std::nullopt;
}

std::vector<std::string> User::flags() const {
  std::vector<std::string> out = {enabled_ ? "on" : "off"};
  if (nopass_) out.emplace_back("nopass");
  if (sanitize_payload_)
    out.emplace_back(*sanitize_payload_ ? "sanitize-payload" : "skip-sanitize-payload");
  return out;
}

std::string User::command_rules() const {
  std::string out = future_ ? "+@all" : "-@all";
  for (const std::string& rule : rules_) out += " " + rule;
  return out;
}

std::string User::key_rules() const {
  if (all_keys_) return "~*";
  std::string out;
  for (const KeyPattern& p : keys_) {
    if (!out.empty()) out += ' ';
    out += p.read && p.write ? "~" : p.read ? "%R~" : "%W~";
    out += p.pattern;
  }
  return out;
}

std::string User::channel_rules() const {
  if (all_channels_) return "&*";
  std::string out;
  for (const std::string& c : channels_) {
    if (!out.empty()) out += ' ';
    out += "&" + c;
  }
  return out;
}

std::string User::describe() const {
  std::string out = "user " + name_;
  for (const std::string& flag : flags()) out += " " + flag;
  for (const std::string& hash : passwords_) out += " #" + hash;
  if (std::string keys = key_rules(); !keys.empty()) out += " " + keys;
  out += all_channels_ ? " &*" : " resetchannels";
  if (!all_channels_ && !channels_.empty()) out += " " + channel_rules();
  return out + " " + command_rules();
}

}  // namespace seshat::acl
