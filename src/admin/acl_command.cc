#include "admin/acl_command.h"

#include <asio.hpp>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "acl/user.h"
#include "kv/ascii.h"
#include "kv/errors.h"
#include "kv/help_reply.h"
#include "protocol/number_format.h"
#include "server/connection.h"
#include "server/outcome.h"
#include "server/server_context.h"

namespace seshat::admin {

using protocol::Reply;
using server::AclUsers;
using server::Connection;
using server::ServerContext;

namespace {

using Users = std::map<std::string, acl::User, std::less<>>;
// A change of the users: the new set, or the error to answer instead.
using Change = std::function<std::variant<Users, Reply>(const AclUsers::Table&)>;

constexpr int kMaxAttempts = 16;

// Proposes what `change` makes of the users the node has applied, and proposes again (on the
// connection's io thread) while another change keeps coming first.
class AclWrite : public std::enable_shared_from_this<AclWrite> {
 public:
  AclWrite(ServerContext& ctx, asio::any_io_executor io, Change change,
           replication::Replicator::Done done)
      : ctx_(ctx), io_(std::move(io)), change_(std::move(change)), done_(std::move(done)) {}

  void run() {
    const auto table = ctx_.acl_users();
    auto outcome = change_(*table);
    if (auto* reply = std::get_if<Reply>(&outcome)) {
      done_(std::move(*reply));
      return;
    }
    auto self = shared_from_this();
    ctx_.service->set_acl(table->version, AclUsers::serialize(std::get<Users>(outcome)),
                          [self](absl::StatusOr<Reply> result) {
                            const bool raced =
                                result.ok() &&
                                *result == Reply::Error(std::string(kv::err::kAclChanged));
                            if (raced && ++self->attempts_ < kMaxAttempts) {
                              asio::post(self->io_, [self] { self->run(); });
                              return;
                            }
                            self->done_(std::move(result));
                          });
  }

 private:
  ServerContext& ctx_;
  asio::any_io_executor io_;
  Change change_;
  replication::Replicator::Done done_;
  int attempts_ = 0;
};

bool has_space_or_null(std::string_view name) {
  return std::any_of(name.begin(), name.end(), [](char c) {
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  });
}

Reply bulk_lines(const std::vector<std::string>& lines) {
  std::vector<Reply> out;
  for (const std::string& line : lines) out.push_back(Reply::Bulk(line));
  return Reply::Array(std::move(out));
}

Reply getuser(const acl::User& user) {
  std::vector<Reply> fields;
  auto field = [&](std::string_view name, Reply value) {
    fields.push_back(Reply::Bulk(std::string(name)));
    fields.push_back(std::move(value));
  };
  field("flags", bulk_lines(user.flags()));
  field("passwords", bulk_lines(user.password_hashes()));
  field("commands", Reply::Bulk(user.command_rules()));
  field("keys", Reply::Bulk(user.key_rules()));
  field("channels", Reply::Bulk(user.channel_rules()));
  field("selectors", Reply::Array());
  return Reply::Map(std::move(fields));
}

Reply category_commands(std::string_view category) {
  std::vector<Reply> out;
  for (const kv::CommandSpec* spec : acl::commands_in_category(category)) {
    out.push_back(Reply::Bulk(std::string(spec->name)));
  }
  return Reply::Array(std::move(out));
}

Reply genpass(const kv::Argv& argv) {
  int64_t bits = 256;
  if (argv.size() == 3) {
    auto parsed = protocol::parse_int64(argv[2]);
    if (!parsed) return Reply::Error("ERR value is not an integer or out of range");
    bits = *parsed;
  }
  if (bits <= 0 || bits > 4096) {
    return Reply::Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;
  std::string out;
  for (int64_t i = 0; i < (bits + 3) / 4; ++i) out.push_back(kHex[random() % 16]);
  return Reply::Bulk(std::move(out));
}

Reply dryrun(const AclUsers::Table& users, const kv::Argv& argv) {
  const acl::User* user = users.find(argv[2]);
  if (user == nullptr) return Reply::Error("ERR User '" + argv[2] + "' not found");
  const kv::Argv command(argv.begin() + 3, argv.end());
  const kv::CommandSpec* spec = kv::find_command(command[0]);
  if (spec == nullptr) return Reply::Error("ERR Command '" + command[0] + "' not found");
  if (!kv::arity_ok(*spec, command.size())) {
    return Reply::Error(kv::err::wrong_arity(spec->name));
  }
  auto denial = user->check(*spec, command);
  if (!denial) return Reply::Ok();
  if (denial->kind == acl::Denial::Kind::kCommand) {
    return Reply::Bulk("This user has no permissions to run the '" + denial->what + "' command");
  }
  return Reply::Bulk("This user has no permissions to access the '" + denial->what + "' key");
}

// SETUSER's new users: the named user (or a new one) with every rule applied, or the error of
// the first rule that does not apply (nothing changes then).
Change setuser_change(kv::Argv argv) {
  return [argv = std::move(argv)](const AclUsers::Table& table) -> std::variant<Users, Reply> {
    Users users = table.users;
    const std::string& name = argv[2];
    auto it = users.find(name);
    acl::User user = it != users.end() ? it->second : acl::User(name);
    for (size_t i = 3; i < argv.size(); ++i) {
      if (std::string error = user.apply(argv[i]); !error.empty()) {
        return Reply::Error("ERR Error in ACL SETUSER modifier '" + argv[i] + "': " + error);
      }
    }
    users.insert_or_assign(name, std::move(user));
    return users;
  };
}

}  // namespace

std::optional<Reply> acl_command(Connection& conn, const kv::Argv& argv,
                                 const server::AdminCommands::Later* later) {
  ServerContext& ctx = conn.context();
  const std::string sub = kv::lower(argv[1]);
  if (sub == "help") {
    return kv::help_reply(
        "ACL", {"CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing "
                "the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username."});
  }
  if (sub == "whoami") return Reply::Bulk(conn.state().user);
  if (sub == "genpass") return genpass(argv);
  if (sub == "load" || sub == "save") {
    // Users are in the replicated state already: durable, and the same on every node.
    return Reply::Error(
        "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
        "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
        "Redis configuration file set) in order to store users in the Redis configuration.");
  }
  if (sub == "cat") {
    if (argv.size() == 2) {
      std::vector<std::string> names;
      for (std::string_view c : acl::category_names()) names.emplace_back(c);
      return bulk_lines(names);
    }
    if (!acl::is_category(argv[2])) {
      return Reply::Error("ERR Unknown category '" + argv[2].substr(0, 128) + "'");
    }
    return category_commands(kv::lower(argv[2]));
  }
  const auto users = ctx.acl_users();
  if (sub == "users" || sub == "list") {
    std::vector<std::string> lines;
    for (const auto& [name, user] : users->users) {
      lines.push_back(sub == "users" ? name : user.describe());
    }
    return bulk_lines(lines);
  }
  if (sub == "getuser") {
    const acl::User* user = users->find(argv[2]);
    return user == nullptr ? Reply::Null() : getuser(*user);
  }
  if (sub == "dryrun") return dryrun(*users, argv);

  // SETUSER and DELUSER change the replicated users.
  Change change;
  auto removed = std::make_shared<int64_t>(0);  // DELUSER: how many existed at the last try
  if (sub == "setuser") {
    if (has_space_or_null(argv[2])) {
      return Reply::Error("ERR Usernames can't contain spaces or null characters");
    }
    // Checked here first, so that a rule that cannot apply answers at once.
    if (auto refused = setuser_change(argv)(*users); std::holds_alternative<Reply>(refused)) {
      return std::get<Reply>(refused);
    }
    change = setuser_change(argv);
  } else if (sub == "deluser") {
    for (size_t i = 2; i < argv.size(); ++i) {
      if (argv[i] == "default") return Reply::Error("ERR The 'default' user cannot be removed");
    }
    std::vector<std::string> names(argv.begin() + 2, argv.end());
    int64_t present = 0;
    for (const std::string& name : names) present += users->users.contains(name) ? 1 : 0;
    if (present == 0) return Reply::Integer(0);
    change = [names, removed](const AclUsers::Table& table) -> std::variant<Users, Reply> {
      Users next = table.users;
      *removed = 0;
      for (const std::string& name : names) *removed += next.erase(name) > 0 ? 1 : 0;
      return next;
    };
  } else {
    return Reply::Error(kv::err::unknown_command(argv));
  }
  if (later == nullptr) {
    return Reply::Error("ERR ACL " + kv::upper(argv[1]) +
                        " cannot run inside MULTI on this server");
  }
  if (ctx.cluster != nullptr && !ctx.cluster->current()->self_is_leader()) {
    // A change goes through the leader, like FLUSHALL: a replica refuses it.
    return Reply::Error("READONLY You can't write against a read only replica.");
  }
  replication::Replicator::Done done = (*later)();
  if (sub == "deluser") {
    // DELUSER answers how many of the named users existed when it applied.
    done = [done = std::move(done), removed](absl::StatusOr<Reply> result) mutable {
      if (result.ok() && *result == Reply::Ok()) result = Reply::Integer(*removed);
      done(std::move(result));
    };
  }
  std::make_shared<AclWrite>(ctx, conn.socket_executor(), std::move(change), std::move(done))
      ->run();
  return std::nullopt;
}

}  // namespace seshat::admin
