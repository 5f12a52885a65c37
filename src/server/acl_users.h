// The ACL users as the front end checks them: the replicated ACL table (kv::Service::acl_table)
// parsed into acl::User objects, re-parsed only when the table changes. The "default" user is
// the table's if it has one, otherwise Redis's default user, with requirepass as its password
// when one is configured.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "acl/user.h"
#include "kv/service.h"

namespace seshat::server {

class AclUsers {
 public:
  struct Table {
    uint64_t version = 0;  // of the replicated table this was parsed from
    std::map<std::string, acl::User, std::less<>> users;
    // True when the only user is a default user that may do everything without a password:
    // then no command needs a check.
    bool open = false;
    const acl::User* find(std::string_view name) const;
  };

  explicit AclUsers(std::string requirepass) : requirepass_(std::move(requirepass)) {}

  // The users as of the table `service` has applied now. Cheap when nothing changed (an atomic
  // load and a compare); any thread. Without a service (unit tests of the front end): the
  // default user alone.
  std::shared_ptr<const Table> current(kv::Service* service);

  // The table's text for a set of users (what kSetAcl carries): one ACL LIST line each.
  static std::string serialize(const std::map<std::string, acl::User, std::less<>>& users);

 private:
  std::shared_ptr<const Table> parse(const storage::AclTable& stored) const;

  std::string requirepass_;
  std::mutex mu_;
  uint64_t generation_ = ~0ull;  // of the table parsed last; guarded by mu_
  std::shared_ptr<const Table> table_;
};

}  // namespace seshat::server
