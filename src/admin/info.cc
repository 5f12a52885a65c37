// INFO: Redis's "# Section\r\nfield:value\r\n" text. Monitoring tools and client libraries parse
// it by field name, so the fields keep Redis's names, order and formats; where Seshat has no
// such mechanism (eviction, RDB, replicas) the field reports the value that is true for it.
#include "admin/info.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "kv/ascii.h"
#include "replication/cluster_view.h"
#include "server/server_commands.h"
#include "server/server_context.h"
#include "storage/engine.h"

namespace seshat::admin {

using kv::lower;
using replication::ClusterMember;
using replication::ClusterView;
using server::ServerContext;
using server::ServerStats;

namespace {

using server::kRedisVersion;
constexpr std::string_view kSeshatVersion = "0.1.0";

// The sections Seshat produces, in the order Redis prints them.
constexpr std::array<std::string_view, 13> kSectionOrder = {
    "server",  "clients",    "memory",  "persistence", "stats",        "replication",  "cpu",
    "modules", "errorstats", "cluster", "keyspace",    "commandstats", "latencystats",
};

bool in_default(std::string_view section) {
  return section != "commandstats" && section != "latencystats";
}

// Appends "name:value\r\n".
class Section {
 public:
  explicit Section(std::string_view title) { text_ = "# " + std::string(title) + "\r\n"; }
  void add(std::string_view name, std::string_view value) {
    text_.append(name).append(":").append(value).append("\r\n");
  }
  void add(std::string_view name, uint64_t value) { add(name, std::to_string(value)); }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

// Redis's bytesToHuman: B below 1 KiB, then two decimals of K, M, G, T, P.
std::string bytes_to_human(uint64_t n) {
  static constexpr const char* kUnits[] = {"K", "M", "G", "T", "P"};
  if (n < 1024) return std::to_string(n) + "B";
  double value = static_cast<double>(n) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f%s", value, kUnits[unit]);
  return buf;
}

uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t total_system_memory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

std::string cpu_seconds(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

int64_t unix_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string server_section(ServerContext& ctx) {
  Section s("Server");
  s.add("redis_version", kRedisVersion);
  s.add("redis_git_sha1", "00000000");
  s.add("redis_git_dirty", "0");
  s.add("redis_build_id", "0");
  s.add("redis_mode", ctx.cluster != nullptr ? "cluster" : "standalone");
  utsname name{};
  if (uname(&name) == 0) {
    s.add("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  }
  s.add("arch_bits", std::to_string(sizeof(void*) * 8));
  s.add("monotonic_clock", "POSIX clock_gettime");
  s.add("multiplexing_api", "epoll");
  s.add("atomicvar_api", "c11-builtin");
  s.add("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                           std::to_string(__GNUC_PATCHLEVEL__));
  s.add("process_id", static_cast<uint64_t>(getpid()));
  s.add("process_supervised", "no");
  s.add("run_id", ctx.run_id);
  const auto listen = replication::split_host_port(ctx.config.client_addr);
  s.add("tcp_port", listen ? std::to_string(listen->port) : "0");
  s.add("server_time_usec", std::to_string(unix_micros()));
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - ctx.started)
                          .count();
  s.add("uptime_in_seconds", std::to_string(uptime));
  s.add("uptime_in_days", std::to_string(uptime / 86400));
  s.add("hz", "10");
  s.add("configured_hz", "10");
  std::error_code ec;
  s.add("executable", std::filesystem::read_symlink("/proc/self/exe", ec).string());
  s.add("config_file", "");
  s.add("io_threads_active", "0");
  s.add("seshat_version", kSeshatVersion);
  s.add("seshat_node_id", ctx.config.node_id);
  return s.take();
}

std::string clients_section(ServerContext& ctx) {
  Section s("Clients");
  s.add("connected_clients", ctx.clients.size());
  s.add("cluster_connections", "0");
  s.add("maxclients", ctx.config.max_concurrent_client_connections);
  s.add("client_recent_max_input_buffer", "0");
  s.add("client_recent_max_output_buffer", "0");
  s.add("blocked_clients", ctx.blocking.blocked());
  s.add("tracking_clients", "0");
  s.add("clients_in_timeout_table", "0");
  return s.take();
}

std::string memory_section() {
  // The process's resident set is the honest figure: RocksDB's caches and memtables are most
  // of what Seshat holds, and no allocator statistics cover them.
  const uint64_t rss = resident_bytes();
  const uint64_t system = total_system_memory();
  Section s("Memory");
  s.add("used_memory", rss);
  s.add("used_memory_human", bytes_to_human(rss));
  s.add("used_memory_rss", rss);
  s.add("used_memory_rss_human", bytes_to_human(rss));
  s.add("used_memory_peak", rss);
  s.add("used_memory_peak_human", bytes_to_human(rss));
  s.add("total_system_memory", system);
  s.add("total_system_memory_human", bytes_to_human(system));
  s.add("maxmemory", "0");
  s.add("maxmemory_human", "0B");
  s.add("maxmemory_policy", "noeviction");
  s.add("mem_fragmentation_ratio", "1.00");
  s.add("mem_allocator", "libc");
  s.add("lazyfree_pending_objects", "0");
  return s.take();
}

std::string persistence_section(ServerContext& ctx) {
  // Every acknowledged write is already fsynced in the log, which is what an always-fsync AOF
  // promises; there are no RDB snapshots to be behind on.
  const auto started_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch() -
                                (std::chrono::steady_clock::now() - ctx.started))
                                .count();
  Section s("Persistence");
  s.add("loading", "0");
  s.add("async_loading", "0");
  s.add("rdb_changes_since_last_save", "0");
  s.add("rdb_bgsave_in_progress", "0");
  s.add("rdb_last_save_time", std::to_string(started_unix));
  s.add("rdb_last_bgsave_status", "ok");
  s.add("aof_enabled", "1");
  s.add("aof_rewrite_in_progress", "0");
  s.add("aof_rewrite_scheduled", "0");
  s.add("aof_last_bgrewrite_status", "ok");
  s.add("aof_last_write_status", "ok");
  return s.take();
}

std::string stats_section(ServerContext& ctx) {
  const ServerStats& st = ctx.stats;
  auto get = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  Section s("Stats");
  s.add("total_connections_received", get(st.connections_received));
  s.add("total_commands_processed", get(st.commands_processed));
  s.add("instantaneous_ops_per_sec", "0");
  s.add("total_net_input_bytes", get(st.net_input_bytes));
  s.add("total_net_output_bytes", get(st.net_output_bytes));
  s.add("instantaneous_input_kbps", "0.00");
  s.add("instantaneous_output_kbps", "0.00");
  s.add("rejected_connections", get(st.rejected_connections));
  s.add("expired_keys", "0");
  s.add("evicted_keys", "0");
  s.add("keyspace_hits", get(st.keyspace.hits));
  s.add("keyspace_misses", get(st.keyspace.misses));
  s.add("pubsub_channels", "0");
  s.add("pubsub_patterns", "0");
  s.add("total_write_commands", get(st.write_commands));
  s.add("total_protocol_errors", get(st.protocol_errors));
  s.add("client_output_buffer_limit_disconnections", get(st.output_limit_disconnections));
  return s.take();
}

std::string replication_section(ServerContext& ctx, storage::Engine* engine) {
  Section s("Replication");
  const uint64_t applied = engine != nullptr ? engine->applied_index() : 0;
  std::shared_ptr<const ClusterView> view;
  if (ctx.cluster != nullptr) view = ctx.cluster->current();
  if (view && !view->self_is_leader()) {
    // A follower reports its leader the way a Redis replica reports its master.
    s.add("role", "slave");
    const ClusterMember* leader = view->leader();
    std::string host = "", port = "0";
    if (leader != nullptr) {
      auto colon = leader->client_addr.rfind(':');
      host = leader->client_addr.substr(0, colon);
      if (colon != std::string::npos) port = leader->client_addr.substr(colon + 1);
    }
    s.add("master_host", host);
    s.add("master_port", port);
    s.add("master_link_status", leader != nullptr ? "up" : "down");
    s.add("master_sync_in_progress", "0");
    s.add("slave_repl_offset", applied);
    s.add("slave_read_only", "1");
    s.add("connected_slaves", "0");
  } else {
    s.add("role", "master");
    std::vector<std::string> replicas;
    if (view) {
      for (const auto& m : view->members) {
        if (m.id == view->self_id) continue;
        auto colon = m.client_addr.rfind(':');
        const uint64_t lag = applied > m.match_index ? applied - m.match_index : 0;
        replicas.push_back("ip=" + m.client_addr.substr(0, colon) + ",port=" +
                           (colon == std::string::npos ? "0" : m.client_addr.substr(colon + 1)) +
                           ",state=" + (m.connected ? "online" : "wait_bgsave") + ",offset=" +
                           std::to_string(m.match_index) + ",lag=" + std::to_string(lag));
      }
    }
    s.add("connected_slaves", replicas.size());
    for (size_t i = 0; i < replicas.size(); ++i) s.add("slave" + std::to_string(i), replicas[i]);
  }
  s.add("master_failover_state", "no-failover");
  s.add("master_replid", ctx.run_id);
  s.add("master_replid2", std::string(40, '0'));
  s.add("master_repl_offset", applied);
  s.add("second_repl_offset", "-1");
  s.add("repl_backlog_active", "0");
  return s.take();
}

std::string cpu_section() {
  rusage self{};
  rusage children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  Section s("CPU");
  s.add("used_cpu_sys", cpu_seconds(self.ru_stime));
  s.add("used_cpu_user", cpu_seconds(self.ru_utime));
  s.add("used_cpu_sys_children", cpu_seconds(children.ru_stime));
  s.add("used_cpu_user_children", cpu_seconds(children.ru_utime));
  return s.take();
}

std::string keyspace_section(storage::Engine* engine) {
  Section s("Keyspace");
  const uint64_t keys = engine != nullptr ? engine->key_count() : 0;
  if (keys == 0) return s.take();  // Redis lists only databases that hold keys
  // The expiry index holds one entry per key with a TTL. RocksDB's estimate is cheap and close
  // enough for a statistic; it can count deleted entries not yet compacted, hence the clamp.
  uint64_t expires = 0;  // stays 0 if RocksDB cannot tell
  engine->db()->GetIntProperty(engine->cf(storage::Cf::kExpiry), "rocksdb.estimate-num-keys",
                               &expires);
  if (expires > keys) expires = keys;
  s.add("db0",
        "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) + ",avg_ttl=0");
  return s.take();
}

std::string section_text(ServerContext& ctx, storage::Engine* engine, std::string_view section) {
  if (section == "server") return server_section(ctx);
  if (section == "clients") return clients_section(ctx);
  if (section == "memory") return memory_section();
  if (section == "persistence") return persistence_section(ctx);
  if (section == "stats") return stats_section(ctx);
  if (section == "replication") return replication_section(ctx, engine);
  if (section == "cpu") return cpu_section();
  if (section == "modules") return Section("Modules").take();
  if (section == "errorstats") return Section("Errorstats").take();
  if (section == "cluster") {
    Section s("Cluster");
    s.add("cluster_enabled", ctx.cluster != nullptr ? "1" : "0");
    return s.take();
  }
  if (section == "keyspace") return keyspace_section(engine);
  if (section == "commandstats") return ctx.command_stats.info_section();
  if (section == "latencystats") return Section("Latencystats").take();
  return "";
}

}  // namespace

std::string info_sections_text(ServerContext& ctx, storage::Engine* engine,
                               const std::vector<std::string>& sections) {
  std::set<std::string> wanted;
  bool all = false;
  bool defaults = sections.empty();
  // What to ask the replicator for its own sections (e.g. "raft"): the keyword the client used
  // ("default", "all", "everything") and every section name that is not one of ours.
  std::vector<std::string> extra_asked;
  for (const auto& raw : sections) {
    std::string name = lower(raw);
    if (name == "all" || name == "everything") {
      all = true;
      extra_asked.push_back(name);
    } else if (name == "default") {
      defaults = true;
      extra_asked.push_back(name);
    } else {
      bool ours =
          std::find(kSectionOrder.begin(), kSectionOrder.end(), name) != kSectionOrder.end();
      if (ours) {
        wanted.insert(name);
      } else {
        extra_asked.push_back(name);
      }
    }
  }
  if (sections.empty()) extra_asked.push_back("default");
  if (ctx.refresh_status) ctx.refresh_status();

  std::string out;
  auto append = [&out](std::string text) {
    if (text.empty()) return;
    if (!out.empty()) out += "\r\n";  // a blank line between sections
    out += text;
  };
  for (auto section : kSectionOrder) {
    if (all || (defaults && in_default(section)) || wanted.count(std::string(section))) {
      append(section_text(ctx, engine, section));
    }
  }
  if (ctx.extra_info) {
    std::set<std::string> seen;
    for (const auto& name : extra_asked) {
      if (seen.insert(name).second) append(ctx.extra_info(name));
    }
  }
  return out;
}

std::string info_text(ServerContext& ctx, storage::Engine* engine, const std::string& section) {
  if (section.empty()) return info_sections_text(ctx, engine, {});
  return info_sections_text(ctx, engine, {section});
}

}  // namespace seshat::admin
