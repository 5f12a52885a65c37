#include "metrics/prometheus.h"

#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metrics/histogram.h"

namespace seshat::metrics {

namespace {

enum class Type { kGauge, kCounter };

// A plain INFO field reported as one metric.
struct Plain {
  std::string_view field;
  std::string_view name;
  Type type;
  std::string_view help;
  double scale = 1;  // INFO's unit to the metric's (microseconds to seconds: 1e-6)
};

constexpr Plain kPlain[] = {
    {"uptime_in_seconds", "seshat_uptime_seconds", Type::kGauge, "Seconds since the node started."},
    {"connected_clients", "seshat_connected_clients", Type::kGauge, "Client connections open now."},
    {"blocked_clients", "seshat_blocked_clients", Type::kGauge,
     "Clients waiting in a blocking command."},
    {"maxclients", "seshat_max_clients", Type::kGauge, "The client connection limit."},
    {"used_memory_rss", "seshat_memory_rss_bytes", Type::kGauge, "Resident memory of the process."},
    {"used_memory_peak", "seshat_memory_peak_bytes", Type::kGauge, "Largest resident memory seen."},
    {"total_connections_received", "seshat_connections_received_total", Type::kCounter,
     "Client connections accepted."},
    {"rejected_connections", "seshat_connections_rejected_total", Type::kCounter,
     "Client connections refused at the limit."},
    {"total_commands_processed", "seshat_commands_processed_total", Type::kCounter,
     "Commands answered."},
    {"total_write_commands", "seshat_write_commands_total", Type::kCounter,
     "Write commands answered."},
    {"total_net_input_bytes", "seshat_net_input_bytes_total", Type::kCounter,
     "Bytes read from clients."},
    {"total_net_output_bytes", "seshat_net_output_bytes_total", Type::kCounter,
     "Bytes written to clients."},
    {"expired_keys", "seshat_expired_keys_total", Type::kCounter,
     "Keys removed because their time to live ran out."},
    {"keyspace_hits", "seshat_keyspace_hits_total", Type::kCounter,
     "Key lookups that found the key."},
    {"keyspace_misses", "seshat_keyspace_misses_total", Type::kCounter,
     "Key lookups that did not."},
    {"total_protocol_errors", "seshat_protocol_errors_total", Type::kCounter,
     "Malformed client requests."},
    {"used_cpu_user", "seshat_cpu_user_seconds_total", Type::kCounter,
     "User CPU time of the process."},
    {"used_cpu_sys", "seshat_cpu_system_seconds_total", Type::kCounter,
     "System CPU time of the process."},
    {"raft_node_id", "seshat_raft_node_id", Type::kGauge, "This node's id."},
    {"raft_term", "seshat_raft_term", Type::kGauge, "The Raft term this node is in."},
    {"raft_leader_id", "seshat_raft_leader_id", Type::kGauge,
     "The leader this node knows of (0: none)."},
    {"raft_commit_index", "seshat_raft_commit_index", Type::kGauge,
     "The last log index known to be committed."},
    {"raft_applied_index", "seshat_raft_applied_index", Type::kGauge,
     "The last log index applied to the data."},
    {"raft_snapshot_index", "seshat_raft_snapshot_index", Type::kGauge,
     "The log index of the last snapshot."},
    {"raft_members", "seshat_raft_members", Type::kGauge, "Members of the Raft group."},
    {"raft_leader_changes", "seshat_raft_leader_changes_total", Type::kCounter,
     "Times the leader this node knows of changed (elections seen)."},
    {"raft_proposals_pending", "seshat_raft_proposals_pending", Type::kGauge,
     "Writes proposed here and not yet applied."},
    {"raft_snapshots_installed", "seshat_raft_snapshots_installed_total", Type::kCounter,
     "Snapshots received from a leader and installed."},
    {"raft_snapshot_install_ms", "seshat_raft_snapshot_install_seconds_total", Type::kCounter,
     "Time spent installing snapshots from a leader.", 1e-3},
    {"rocksdb_write_stall_micros", "seshat_rocksdb_write_stall_seconds_total", Type::kCounter,
     "Time writes were held back by RocksDB (slowed or stopped).", 1e-6},
    {"raft_log_compactions", "seshat_raft_log_compactions_total", Type::kCounter,
     "Times the log was cut behind the applied index."},
    {"raft_applies_before_sync", "seshat_raft_applies_before_sync_total", Type::kCounter,
     "Batches of committed entries applied (and answered) before the turn's own synced write."},
    {"disk_free_bytes", "seshat_disk_free_bytes", Type::kGauge,
     "Free space on the data directory's filesystem, as last measured."},
    {"disk_reserve_bytes", "seshat_disk_reserve_bytes", Type::kGauge,
     "The free space kept in reserve (disk_reserve_mb); below it the NOSPACE alarm is raised."},
    {"disk_space_low", "seshat_disk_space_low", Type::kGauge,
     "1 while this node's free space is below the reserve."},
    {"space_alarm_count", "seshat_space_alarms", Type::kGauge,
     "Members with a raised NOSPACE alarm; writes that add data are refused while above 0."},
    {"rocksdb_sst_bytes", "seshat_rocksdb_sst_bytes", Type::kGauge,
     "Size of all RocksDB table files."},
    {"rocksdb_live_data_bytes", "seshat_rocksdb_live_data_bytes", Type::kGauge,
     "RocksDB's estimate of its live data."},
    {"rocksdb_memtable_bytes", "seshat_rocksdb_memtable_bytes", Type::kGauge,
     "Memory held by RocksDB's memtables."},
    {"rocksdb_pending_compaction_bytes", "seshat_rocksdb_pending_compaction_bytes", Type::kGauge,
     "Bytes RocksDB estimates compaction must rewrite."},
    {"rocksdb_running_compactions", "seshat_rocksdb_running_compactions", Type::kGauge,
     "Compactions running now."},
    {"rocksdb_running_flushes", "seshat_rocksdb_running_flushes", Type::kGauge,
     "Memtable flushes running now."},
    {"rocksdb_write_stopped", "seshat_rocksdb_write_stopped", Type::kGauge,
     "1 while RocksDB stops writes (too many files or pending compaction)."},
    {"rocksdb_delayed_write_rate", "seshat_rocksdb_delayed_write_rate_bytes", Type::kGauge,
     "The rate RocksDB slows writes to, in bytes per second (0: not slowed)."},
    {"raft_read_rounds", "seshat_raft_read_rounds_total", Type::kCounter,
     "ReadIndex rounds run for linearizable reads."},
    {"raft_lease_reads", "seshat_raft_lease_reads_total", Type::kCounter,
     "Reads answered under the leader lease without a round."},
    {"raft_local_reads", "seshat_raft_local_reads_total", Type::kCounter,
     "Reads answered by io threads from applied state."},
};

// What the metrics name for a Raft role.
constexpr std::pair<std::string_view, std::string_view> kRoles[] = {
    {"StateLeader", "leader"},
    {"StateFollower", "follower"},
    {"StateCandidate", "candidate"},
    {"StatePreCandidate", "precandidate"},
};

std::optional<double> number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Label values are escaped as the format asks: backslash, double quote and newline.
std::string escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "a=1,b=2" as (name, value) pairs.
std::vector<std::pair<std::string_view, std::string_view>> pairs(std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos) out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// Metrics grouped by name, each written once with its HELP and TYPE, in the order first seen.
class Exposition {
 public:
  void add(std::string_view name, Type type, std::string_view help, std::string labels,
           double value) {
    auto [it, fresh] = index_.try_emplace(std::string(name), families_.size());
    if (fresh) families_.push_back({std::string(name), type, std::string(help), {}});
    families_[it->second].samples.emplace_back(std::move(labels), value);
  }

  std::string text() const {
    std::string out;
    for (const Family& f : families_) {
      out += "# HELP " + f.name + " " + f.help + "\n";
      out += "# TYPE " + f.name + (f.type == Type::kCounter ? " counter\n" : " gauge\n");
      for (const auto& [labels, value] : f.samples) {
        out += f.name;
        if (!labels.empty()) out += "{" + labels + "}";
        out += " " + format_value(value) + "\n";
      }
    }
    return out;
  }

 private:
  struct Family {
    std::string name;
    Type type;
    std::string help;
    std::vector<std::pair<std::string, double>> samples;
  };
  std::map<std::string, size_t> index_;
  std::vector<Family> families_;
};

// A value packed into one INFO line ("cmdstat_set:calls=5,usec=2500,...") and the metric it
// becomes, with the line's subject as a label.
struct Packed {
  std::string_view key;
  std::string_view name;
  Type type;
  std::string_view help;
  double scale = 1;
};

constexpr Packed kCommandStats[] = {
    {"calls", "seshat_commands_total", Type::kCounter, "Calls of each command that ran."},
    {"usec", "seshat_commands_duration_seconds_total", Type::kCounter,
     "Time from dispatch to reply, summed over each command's calls.", 1e-6},
    {"rejected_calls", "seshat_commands_rejected_total", Type::kCounter,
     "Calls of each command refused before running."},
    {"failed_calls", "seshat_commands_failed_total", Type::kCounter,
     "Calls of each command that answered an error."},
};

constexpr Packed kKeyspace[] = {
    {"keys", "seshat_keys", Type::kGauge, "Keys stored."},
    {"expires", "seshat_keys_with_expiry", Type::kGauge, "Keys stored with a time to live."},
};

constexpr Packed kPeerProgress[] = {
    {"match", "seshat_raft_peer_match_index", Type::kGauge,
     "The last log index the leader knows each member holds."},
    {"lag", "seshat_raft_peer_lag_entries", Type::kGauge,
     "How many entries each member is behind the leader's log."},
};

constexpr Packed kPeerLink[] = {
    {"connected", "seshat_peer_connected", Type::kGauge,
     "1 while this node's message stream to the peer is up."},
    {"sent_messages", "seshat_peer_sent_messages_total", Type::kCounter,
     "Raft messages handed to the peer's stream."},
    {"dropped_messages", "seshat_peer_dropped_messages_total", Type::kCounter,
     "Raft messages to the peer dropped (queue full, link down; Raft resends)."},
    {"connect_failures", "seshat_peer_connect_failures_total", Type::kCounter,
     "Failed connections or streams to the peer."},
    {"snapshots_sent", "seshat_peer_snapshots_sent_total", Type::kCounter,
     "Snapshots sent to the peer."},
    {"snapshots_failed", "seshat_peer_snapshots_failed_total", Type::kCounter,
     "Snapshot transfers to the peer that failed."},
    {"snapshot_ms", "seshat_peer_snapshot_seconds_total", Type::kCounter,
     "Time spent sending snapshots to the peer.", 1e-3},
};

// The values of one packed line, labelled `label="subject"`.
template <size_t N>
void add_packed(Exposition& out, const Packed (&table)[N], std::string_view label,
                std::string_view subject, std::string_view stats) {
  const std::string labels = std::string(label) + "=\"" + escape(subject) + "\"";
  for (auto [key, text] : pairs(stats)) {
    auto value = number(text);
    if (!value) continue;
    for (const Packed& p : table) {
      if (p.key == key) out.add(p.name, p.type, p.help, labels, *value * p.scale);
    }
  }
}

}  // namespace

std::string prometheus_text(std::string_view info) {
  Exposition out;
  out.add("seshat_up", Type::kGauge, "1 while the node answers scrapes.", "", 1);
  std::string version;
  while (!info.empty()) {
    const size_t eol = info.find('\n');
    std::string_view line = info.substr(0, eol);
    info.remove_prefix(eol == std::string_view::npos ? info.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view field = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (field == "seshat_version") version = std::string(value);
    if (field == "raft_role") {
      for (auto [role, label] : kRoles) {
        out.add("seshat_raft_role", Type::kGauge, "1 for the Raft role this node is in.",
                "role=\"" + std::string(label) + "\"", role == value ? 1 : 0);
      }
      continue;
    }
    if (field.substr(0, 8) == "cmdstat_") {
      add_packed(out, kCommandStats, "command", field.substr(8), value);
      continue;
    }
    if (field.size() > 2 && field.substr(0, 2) == "db" && number(field.substr(2))) {
      add_packed(out, kKeyspace, "db", field.substr(2), value);
      continue;
    }
    if (field.substr(0, 10) == "raft_peer_") {
      add_packed(out, kPeerProgress, "peer", field.substr(10), value);
      continue;
    }
    if (field.substr(0, 10) == "raft_link_") {
      add_packed(out, kPeerLink, "peer", field.substr(10), value);
      continue;
    }
    for (const Plain& p : kPlain) {
      if (p.field != field) continue;
      if (auto v = number(value)) out.add(p.name, p.type, p.help, "", *v * p.scale);
      break;
    }
  }
  if (!version.empty()) {
    out.add("seshat_build_info", Type::kGauge, "The running version, as a label.",
            "version=\"" + escape(version) + "\"", 1);
  }
  return out.text();
}

}  // namespace seshat::metrics
