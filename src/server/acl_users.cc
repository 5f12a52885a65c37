#include "server/acl_users.h"

#include <spdlog/spdlog.h>

namespace seshat::server {

const acl::User* AclUsers::Table::find(std::string_view name) const {
  auto it = users.find(name);
  return it == users.end() ? nullptr : &it->second;
}

std::shared_ptr<const AclUsers::Table> AclUsers::current(kv::Service* service) {
  const uint64_t generation = service != nullptr ? service->acl_generation() : 0;
  std::lock_guard lock(mu_);
  if (generation != generation_ || table_ == nullptr) {
    table_ = parse(service != nullptr ? *service->acl_table() : storage::AclTable{});
    generation_ = generation;
  }
  return table_;
}

std::shared_ptr<const AclUsers::Table> AclUsers::parse(const storage::AclTable& stored) const {
  auto table = std::make_shared<Table>();
  table->version = stored.version;
  // One "user <name> <rule>..." line per user, as serialize() writes them.
  size_t start = 0;
  while (start < stored.text.size()) {
    size_t end = stored.text.find('\n', start);
    if (end == std::string::npos) end = stored.text.size();
    const std::string_view line = std::string_view(stored.text).substr(start, end - start);
    start = end + 1;
    std::vector<std::string_view> words;
    size_t at = 0;
    while (at < line.size()) {
      size_t space = line.find(' ', at);
      if (space == std::string_view::npos) space = line.size();
      if (space > at) words.push_back(line.substr(at, space - at));
      at = space + 1;
    }
    if (words.size() < 2 || words[0] != "user") continue;
    acl::User user{std::string(words[1])};
    for (size_t i = 2; i < words.size(); ++i) {
      if (std::string error = user.apply(words[i]); !error.empty()) {
        // Written by this code from rules that applied; a rule that no longer does (a command
        // renamed away) is dropped rather than the user lost.
        spdlog::warn("ACL: user {}: rule '{}' no longer applies: {}", user.name(), words[i], error);
      }
    }
    table->users.insert_or_assign(user.name(), std::move(user));
  }
  if (!table->users.contains("default")) {
    acl::User user = acl::User::default_user();
    if (!requirepass_.empty()) {
      user.apply("resetpass");
      user.apply(">" + requirepass_);
    }
    table->users.insert_or_assign("default", std::move(user));
  }
  table->open = table->users.size() == 1 && table->users.at("default") == acl::User::default_user();
  return table;
}

std::string AclUsers::serialize(const std::map<std::string, acl::User, std::less<>>& users) {
  std::string out;
  for (const auto& [name, user] : users) {
    out += user.describe();
    out += '\n';
  }
  return out;
}

}  // namespace seshat::server
