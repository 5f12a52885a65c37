// The configuration keys and the value rules checked once on the merged result (defaults,
// file, flags), so a bad value is caught the same way whichever source it came from.
#include "node/config_keys.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <type_traits>

namespace seshat::node {

// Every key the node understands. The flag is spelled out rather than derived because [node] id
// is --node-id, and a grep for a flag should land here.
const std::array<Key, 37> kKeys = {{
    {"node", "id", "--node-id", &Config::node_id, 1, kNoMax,
     "this node's id; unique in the cluster and never reused"},
    {"node", "client_addr", "--client-addr", &Config::client_addr, 0, 0,
     "host:port where Redis clients connect"},
    {"node", "internal_addr", "--internal-addr", &Config::internal_addr, 0, 0,
     "host:port for Raft and admin gRPC between nodes"},
    {"node", "data_dir", "--data-dir", &Config::data_dir, 0, 0,
     "directory holding this node's RocksDB data (created if missing)"},
    {"node", "restore_from", "--restore-from", &Config::restore_from, 0, 0,
     "a backup file (SESHAT BACKUP) whose data a new data_dir starts with; every founding "
     "member restores the same file; ignored once data_dir holds a cluster"},
    {"cluster", "bootstrap", "--bootstrap", &Config::bootstrap, 0, 0,
     "on first start, form a new cluster of initial_members (or of this node alone)"},
    {"cluster", "initial_members", "--initial-members", &Config::initial_members, 0, 0,
     "founding members as id=addr[@client_addr],... e.g. "
     "1=127.0.0.1:7379@127.0.0.1:6379,2=127.0.0.1:7380@127.0.0.1:6380; empty means this node "
     "alone"},
    {"cluster", "join_addr", "--join-addr", &Config::join_addr, 0, 0,
     "internal address of a running cluster's member to join through (needs bootstrap = false)"},
    {"cluster", "follower_proxy", "--follower-proxy", &Config::follower_proxy, 0, 0,
     "a follower forwards commands to the leader instead of answering -MOVED"},
    {"cluster", "read_mode", "--read-mode", &Config::read_mode, 0, 0,
     "lease (current; the leader skips the ReadIndex round while its lease runs), readindex "
     "(a ReadIndex round per batch of reads, no clock assumption) or stale (local, may lag)"},
    {"raft", "heartbeat_interval_ms", "--heartbeat-interval-ms", &Config::heartbeat_interval_ms, 1,
     kNoMax, "how often a leader sends heartbeats; must be below election_timeout_min_ms"},
    {"raft", "election_timeout_min_ms", "--election-timeout-min-ms",
     &Config::election_timeout_min_ms, 1, kNoMax,
     "a follower that hears no leader for a random time in [min, max) campaigns"},
    {"raft", "election_timeout_max_ms", "--election-timeout-max-ms",
     &Config::election_timeout_max_ms, 1, kNoMax, "upper end of the election timeout range"},
    {"raft", "snapshot_interval_entries", "--snapshot-interval-entries",
     &Config::snapshot_interval_entries, 1, kNoMax,
     "take a snapshot after this many entries were applied since the last one"},
    {"raft", "snapshot_interval_bytes", "--snapshot-interval-bytes",
     &Config::snapshot_interval_bytes, 1, kNoMax,
     "... or after this many bytes of log, whichever comes first"},
    {"limits", "max_key_size_bytes", "--max-key-size-bytes", &Config::max_key_size_bytes, 1, kNoMax,
     "a longer key is refused with -ERR"},
    {"limits", "max_value_size_bytes", "--max-value-size-bytes", &Config::max_value_size_bytes, 1,
     kNoMax, "a longer value is refused with -ERR"},
    {"limits", "max_concurrent_client_connections", "--max-concurrent-client-connections",
     &Config::max_concurrent_client_connections, 1, kNoMax,
     "further connections get -ERR max number of clients reached"},
    {"limits", "request_timeout_secs", "--request-timeout-secs", &Config::request_timeout_secs, 1,
     kNoMax, "a command not committed within this time gets a retryable error"},
    {"limits", "idle_timeout_secs", "--idle-timeout-secs", &Config::idle_timeout_secs, 0, kNoMax,
     "close a client that sent nothing for this long (Redis's timeout; blocked clients "
     "excepted); 0 means never"},
    {"limits", "disk_reserve_mb", "--disk-reserve-mb", &Config::disk_reserve_mb, 0, kNoMax,
     "free space to keep on data_dir's filesystem: below it the NOSPACE alarm refuses writes "
     "that add data, cluster-wide, until space is freed; 0 turns the alarm off"},
    {"limits", "client_output_buffer_limit_mb", "--client-output-buffer-limit-mb",
     &Config::client_output_buffer_limit_mb, 0, kNoMax,
     "a client whose replies not yet sent pass this is disconnected (Redis's "
     "client-output-buffer-limit for normal clients); 0 means no limit"},
    {"server", "requirepass", "--requirepass", &Config::requirepass, 0, 0,
     "password clients must AUTH with; empty means none (a flag is visible in ps: prefer the "
     "file)"},
    {"server", "io_threads", "--io-threads", &Config::io_threads, 1, 1024,
     "threads serving client connections"},
    {"server", "tombstone_ttl_secs", "--tombstone-ttl-secs", &Config::tombstone_ttl_secs, 0, kNoMax,
     "tombstones of deleted and expired keys are collected after this long"},
    {"server", "active_expire_interval_ms", "--active-expire-interval-ms",
     &Config::active_expire_interval_ms, 1, kNoMax,
     "how often the active expiry cycle looks for expired keys"},
    {"server", "log_level", "--log-level", &Config::log_level, 0, 0,
     "trace, debug, info, warn, error, critical or off"},
    {"server", "metrics_addr", "--metrics-addr", &Config::metrics_addr, 0, 0,
     "host:port serving Prometheus metrics at /metrics (e.g. 127.0.0.1:9121); empty means none"},
    {"server", "backup_dir", "--backup-dir", &Config::backup_dir, 0, 0,
     "directory SESHAT BACKUP <name> writes into; empty means <data_dir>/backups"},
    {"tls", "tls_port", "--tls-port", &Config::tls_port, 0, 65535,
     "port (on client_addr's host) where clients connect over TLS; 0 means none"},
    {"tls", "tls_cert_file", "--tls-cert-file", &Config::tls_cert_file, 0, 0,
     "this node's certificate (PEM), shown to TLS clients and, with tls_cluster, to peers"},
    {"tls", "tls_key_file", "--tls-key-file", &Config::tls_key_file, 0, 0,
     "the private key of tls_cert_file (PEM, unencrypted)"},
    {"tls", "tls_ca_cert_file", "--tls-ca-cert-file", &Config::tls_ca_cert_file, 0, 0,
     "CA certificates (PEM) that client and peer certificates must be signed by"},
    {"tls", "tls_auth_clients", "--tls-auth-clients", &Config::tls_auth_clients, 0, 0,
     "yes: TLS clients must show a certificate signed by tls_ca_cert_file; optional: checked "
     "if shown; no: not asked for"},
    {"tls", "tls_cluster", "--tls-cluster", &Config::tls_cluster, 0, 0,
     "peers talk mutual TLS on internal_addr with tls_cert_file, refusing any peer whose "
     "certificate tls_ca_cert_file did not sign"},
    {"server", "enable_fault_injection", "--enable-fault-injection",
     &Config::enable_fault_injection, 0, 0,
     "accept SESHAT LINK commands that cut this node's peer links (tests only; never in "
     "production)"},
}};

const Key* find_key(std::string_view section, std::string_view name) {
  for (const Key& key : kKeys) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
}

const Key& key_of(std::string_view section, std::string_view name) {
  const Key* key = find_key(section, name);
  // The table and the code below are written together; a miss is a typo in this file.
  if (key == nullptr) {
    std::fprintf(stderr, "config: internal error: no key [%.*s] %.*s\n",
                 static_cast<int>(section.size()), section.data(), static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return *key;
}

std::string key_label(const Key& key) {
  return "[" + std::string(key.section) + "] " + std::string(key.name);
}

// "config: [raft] heartbeat_interval_ms <problem> (flag --heartbeat-interval-ms)": the message
// names the key as the file spells it and the flag, since validation runs after both are merged.
std::string value_error(const Key& key, const std::string& problem) {
  return "config: " + key_label(key) + " " + problem + " (flag " + std::string(key.flag) + ")";
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string members_to_flag_form(const std::vector<Member>& members) {
  std::string out;
  for (const Member& member : members) {
    if (!out.empty()) out += ',';
    out += std::to_string(member.id) + "=" + member.addr;
    if (!member.client_addr.empty()) out += "@" + member.client_addr;
  }
  return out;
}

std::string default_text(const Key& key) {
  const Config defaults;
  return std::visit(
      [&](auto field) -> std::string {
        const auto& value = defaults.*field;
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, uint64_t>) {
          return std::to_string(value);
        } else if constexpr (std::is_same_v<T, bool>) {
          return value ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return in_quotes(value);
        } else {
          return value.empty() ? "none (this node alone)" : members_to_flag_form(value);
        }
      },
      key.field);
}

// ---- parsing of single values -------------------------------------------------------------

std::optional<uint64_t> parse_uint(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  // A bare `--bootstrap` arrives as an empty value and means true, as a flag would.
  if (text.empty() || text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return std::nullopt;
}

// Checks "host:port" (or "[v6]:port") with a numeric port in 1..65535; returns why not, or "".
std::string address_problem(std::string_view addr) {
  const size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos) return "must be host:port";
  const std::string_view host = addr.substr(0, colon);
  const std::string_view port_text = addr.substr(colon + 1);
  if (host.empty()) return "must be host:port with a host";
  const bool bracketed = host.front() == '[' && host.back() == ']';
  if (!bracketed && host.find(':') != std::string_view::npos) {
    return "must put an IPv6 host in brackets, as [::1]:port";
  }
  if (bracketed && host.size() == 2) return "must be host:port with a host";
  const std::optional<uint64_t> port = parse_uint(port_text);
  if (!port) return "must be host:port with a numeric port";
  if (*port == 0 || *port > 65535) return "must have a port from 1 to 65535";
  return "";
}

// Parses the flag form "1=host:7379@host:6379,2=host:7380"; returns why not, or "".
std::string parse_members(std::string_view text, std::vector<Member>* out) {
  out->clear();
  if (text.empty()) return "";
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = text.substr(start, comma - start);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return "entry " + in_quotes(item) + " must be id=addr[@client_addr]";
    }
    Member member;
    const std::optional<uint64_t> id = parse_uint(item.substr(0, eq));
    if (!id) return "entry " + in_quotes(item) + " must start with a numeric id";
    member.id = *id;
    const std::string_view addrs = item.substr(eq + 1);
    const size_t at = addrs.find('@');
    member.addr = std::string(addrs.substr(0, at));
    if (at != std::string_view::npos) member.client_addr = std::string(addrs.substr(at + 1));
    out->push_back(std::move(member));
    start = comma + 1;
  }
  return "";
}

namespace {

std::string validate_members(const Config& config) {
  const Key& key = key_of("cluster", "initial_members");
  std::set<uint64_t> ids;
  std::set<std::string> addrs;
  for (const Member& member : config.initial_members) {
    const std::string who = "member " + std::to_string(member.id);
    if (member.id == 0) return value_error(key, "has a member with id 0; ids start at 1");
    if (!ids.insert(member.id).second)
      return value_error(key, "lists id " + std::to_string(member.id) + " twice");
    if (std::string problem = address_problem(member.addr); !problem.empty()) {
      return value_error(key, who + " addr " + problem + ", got " + in_quotes(member.addr));
    }
    if (!addrs.insert(member.addr).second) {
      return value_error(key, "lists addr " + in_quotes(member.addr) + " twice");
    }
    if (member.client_addr.empty()) continue;
    if (std::string problem = address_problem(member.client_addr); !problem.empty()) {
      return value_error(
          key, who + " client_addr " + problem + ", got " + in_quotes(member.client_addr));
    }
  }
  if (config.bootstrap && !config.initial_members.empty() && !ids.contains(config.node_id)) {
    return value_error(key, "must include this node's id " + std::to_string(config.node_id) +
                                " when bootstrap = true");
  }
  return "";
}

// The files must be named when something uses them; whether they can be read and hold what
// they should is found out when they are loaded, at start-up.
std::string validate_tls(const Config& config) {
  const Key& auth = key_of("tls", "tls_auth_clients");
  if (config.tls_auth_clients != "yes" && config.tls_auth_clients != "no" &&
      config.tls_auth_clients != "optional") {
    return value_error(
        auth, "must be \"yes\", \"no\" or \"optional\", got " + in_quotes(config.tls_auth_clients));
  }
  const bool clients = config.tls_port != 0;
  if (!clients && !config.tls_cluster) return "";
  const std::string user = clients ? "tls_port" : "tls_cluster";
  for (std::string_view name : {"tls_cert_file", "tls_key_file"}) {
    const Key& key = key_of("tls", name);
    if ((config.*std::get<std::string Config::*>(key.field)).empty()) {
      return value_error(key, "must be set when " + user + " is");
    }
  }
  const bool needs_ca = config.tls_cluster || (clients && config.tls_auth_clients != "no");
  if (needs_ca && config.tls_ca_cert_file.empty()) {
    return value_error(
        key_of("tls", "tls_ca_cert_file"),
        "must be set when " +
            std::string(config.tls_cluster ? "tls_cluster is" : "tls_auth_clients is not \"no\""));
  }
  if (clients) {
    const auto listen = config.client_addr.rfind(':');
    if (listen != std::string::npos &&
        config.client_addr.substr(listen + 1) == std::to_string(config.tls_port)) {
      return value_error(key_of("tls", "tls_port"),
                         "must differ from [node] client_addr's port, both are " +
                             std::to_string(config.tls_port));
    }
  }
  return "";
}

}  // namespace

std::string validate_config(const Config& config) {
  // Ranges of the integer keys come from the table.
  for (const Key& key : kKeys) {
    const auto* field = std::get_if<uint64_t Config::*>(&key.field);
    if (field == nullptr) continue;
    const uint64_t value = config.**field;
    if (value < key.min) {
      return value_error(
          key, "must be at least " + std::to_string(key.min) + ", got " + std::to_string(value));
    }
    if (value > key.max) {
      return value_error(
          key, "must be at most " + std::to_string(key.max) + ", got " + std::to_string(value));
    }
  }
  for (std::string_view name : {"client_addr", "internal_addr"}) {
    const Key& key = key_of("node", name);
    const std::string& addr = config.*std::get<std::string Config::*>(key.field);
    if (std::string problem = address_problem(addr); !problem.empty()) {
      return value_error(key, problem + ", got " + in_quotes(addr));
    }
  }
  if (config.client_addr == config.internal_addr) {
    return value_error(
        key_of("node", "internal_addr"),
        "must differ from [node] client_addr, both are " + in_quotes(config.client_addr));
  }
  if (config.data_dir.empty()) return value_error(key_of("node", "data_dir"), "must not be empty");
  if (!config.metrics_addr.empty()) {
    const Key& key = key_of("server", "metrics_addr");
    if (std::string problem = address_problem(config.metrics_addr); !problem.empty()) {
      return value_error(key, problem + ", got " + in_quotes(config.metrics_addr));
    }
  }

  if (std::string error = validate_tls(config); !error.empty()) return error;

  if (!config.join_addr.empty()) {
    const Key& key = key_of("cluster", "join_addr");
    if (std::string problem = address_problem(config.join_addr); !problem.empty()) {
      return value_error(key, problem + ", got " + in_quotes(config.join_addr));
    }
    if (!config.restore_from.empty()) {
      return value_error(key_of("node", "restore_from"),
                         "starts a new cluster, so [cluster] join_addr must be empty (a node "
                         "that joins gets the data from the cluster)");
    }
    // A node that both bootstraps a cluster of its own and joins another could end up a member
    // of two clusters; make the operator choose.
    if (config.bootstrap) {
      return value_error(key, "is set, so [cluster] bootstrap must be false (--bootstrap=false)");
    }
  }
  if (std::string error = validate_members(config); !error.empty()) return error;
  if (config.read_mode != "lease" && config.read_mode != "readindex" &&
      config.read_mode != "stale") {
    return value_error(
        key_of("cluster", "read_mode"),
        "must be \"lease\", \"readindex\" or \"stale\", got " + in_quotes(config.read_mode));
  }

  if (config.election_timeout_min_ms >= config.election_timeout_max_ms) {
    return "config: [raft] election_timeout_min_ms must be less than election_timeout_max_ms (" +
           std::to_string(config.election_timeout_min_ms) +
           " >= " + std::to_string(config.election_timeout_max_ms) +
           "; flags --election-timeout-min-ms, --election-timeout-max-ms)";
  }
  if (config.heartbeat_interval_ms >= config.election_timeout_min_ms) {
    return "config: [raft] heartbeat_interval_ms must be less than election_timeout_min_ms (" +
           std::to_string(config.heartbeat_interval_ms) +
           " >= " + std::to_string(config.election_timeout_min_ms) +
           "; flags --heartbeat-interval-ms, --election-timeout-min-ms)";
  }

  if (std::find(kLogLevels.begin(), kLogLevels.end(), config.log_level) == kLogLevels.end()) {
    return value_error(key_of("server", "log_level"),
                       "must be one of trace, debug, info, warn, error, critical, off, got " +
                           in_quotes(config.log_level));
  }
  return "";
}

}  // namespace seshat::node
