// CONFIG: the read side of Redis's runtime configuration, for the parameters that clients and
// tools ask for at connect time (redis-benchmark reads "save" and "appendonly", job queues read
// "maxmemory-policy", GUIs read "databases"). Seshat's configuration is fixed at start-up, so
// CONFIG SET accepts only a value a parameter already has.
#include "admin/config_command.h"

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/ascii.h"
#include "kv/errors.h"
#include "kv/glob_match.h"
#include "kv/help_reply.h"
#include "replication/cluster_view.h"
#include "server/server_context.h"

namespace seshat::admin {

using kv::lower;
using server::Config;
using server::ServerContext;
using server::ServerStats;

namespace {

using protocol::Reply;

// The parameters CONFIG GET knows, with the values that describe this node in Redis's terms.
std::vector<std::pair<std::string_view, std::string>> parameters(const ServerContext& ctx) {
  const Config& c = ctx.config;
  // client_addr passed validation, so it splits; "" and "0" are what Redis shows for none.
  const auto listen = replication::split_host_port(c.client_addr);
  return {
      {"maxmemory", "0"},
      {"maxmemory-policy", "noeviction"},
      {"maxmemory-samples", "5"},
      {"save", ""},  // no RDB snapshots: every write is in the fsynced log already
      {"appendonly", "yes"},
      {"appendfsync", "always"},
      {"databases", "1"},
      {"timeout", std::to_string(c.idle_timeout_secs)},
      {"tcp-keepalive", "300"},
      {"port", listen ? std::to_string(listen->port) : "0"},
      {"bind", listen ? listen->host : ""},
      {"dir", c.data_dir},
      {"requirepass", c.requirepass},
      {"maxclients", std::to_string(c.max_concurrent_client_connections)},
      {"proto-max-bulk-len", std::to_string(c.max_value_size_bytes)},
      {"client-query-buffer-limit", "1073741824"},
      // Only normal clients exist here (no replicas over RESP, no Pub/Sub).
      {"client-output-buffer-limit", "normal " +
                                         std::to_string(c.client_output_buffer_limit_mb << 20) +
                                         " 0 0 slave 0 0 0 pubsub 0 0 0"},
      {"cluster-enabled", "no"},
      {"notify-keyspace-events", ""},
      {"lua-time-limit", "5000"},
      {"busy-reply-threshold", "5000"},
      {"slowlog-log-slower-than", "10000"},
      {"slowlog-max-len", "128"},
      {"hz", "10"},
      {"io-threads", std::to_string(c.io_threads)},
      {"replica-read-only", "yes"},
      {"min-replicas-to-write", "0"},
      {"daemonize", "no"},
      {"tls-port", std::to_string(c.tls_port)},
      {"tls-cert-file", c.tls_cert_file},
      {"tls-key-file", c.tls_key_file},
      {"tls-ca-cert-file", c.tls_ca_cert_file},
      {"tls-auth-clients", c.tls_auth_clients},
      {"tls-cluster", c.tls_cluster ? "yes" : "no"},
  };
}

bool has_glob(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

Reply config_get(const ServerContext& ctx, const kv::Argv& argv) {
  const auto params = parameters(ctx);
  std::vector<bool> taken(params.size(), false);
  std::vector<Reply> out;
  for (size_t i = 2; i < argv.size(); ++i) {
    const std::string& pattern = argv[i];
    for (size_t p = 0; p < params.size(); ++p) {
      if (taken[p]) continue;
      const auto& [name, value] = params[p];
      // Like Redis 7.0: a plain name is looked up ignoring case and answered under the
      // spelling the client used; a pattern answers with the canonical names.
      const bool plain = !has_glob(pattern);
      if (plain ? lower(pattern) != name : !kv::glob_match_nocase(pattern, name)) continue;
      taken[p] = true;
      out.push_back(Reply::Bulk(plain ? pattern : std::string(name)));
      out.push_back(Reply::Bulk(value));
    }
  }
  return Reply::Map(std::move(out));
}

Reply config_set(const ServerContext& ctx, const kv::Argv& argv) {
  if (argv.size() % 2 != 0) return Reply::Error("ERR syntax error");
  const auto params = parameters(ctx);
  for (size_t i = 2; i + 1 < argv.size(); i += 2) {
    const std::string name = lower(argv[i]);
    bool same = false;
    for (const auto& [param, value] : params) {
      if (param == name) same = lower(argv[i + 1]) == lower(value);
    }
    // Setting a parameter to the value it has is harmless and common in set-up scripts
    // ("CONFIG SET save ''"); anything else would need a runtime change Seshat does not make.
    if (!same) {
      return Reply::Error("ERR Unknown option or number of arguments for CONFIG SET - '" + argv[i] +
                          "'");
    }
  }
  return Reply::Ok();
}

void reset_stats(ServerStats& st) {
  for (auto* counter : {&st.connections_received, &st.rejected_connections, &st.commands_processed,
                        &st.keyspace.hits, &st.keyspace.misses, &st.net_input_bytes,
                        &st.net_output_bytes, &st.write_commands, &st.protocol_errors}) {
    counter->store(0, std::memory_order_relaxed);
  }
}

}  // namespace

Reply config_command(ServerContext& ctx, const kv::Argv& argv) {
  const std::string sub = lower(argv[1]);
  if (sub == "get") return config_get(ctx, argv);
  if (sub == "set") return config_set(ctx, argv);
  if (sub == "resetstat") {
    reset_stats(ctx.stats);
    ctx.command_stats.reset();
    return Reply::Ok();
  }
  if (sub == "rewrite") {
    // The TOML file is the operator's; Seshat never rewrites it.
    return Reply::Error("ERR The server is running without a config file");
  }
  if (sub == "help") {
    return kv::help_reply("CONFIG",
                          {"GET <pattern>",
                           "    Return parameters matching the glob-like <pattern> and "
                           "their values.",
                           "SET <directive> <value>",
                           "    Accepted only when <directive> already has <value>: "
                           "the configuration is fixed at start-up.",
                           "RESETSTAT", "    Reset the statistics reported by INFO.", "REWRITE",
                           "    Refused: the configuration file is not rewritten."});
  }
  return Reply::Error(kv::err::unknown_subcommand(argv[1], argv[0]));
}

}  // namespace seshat::admin
