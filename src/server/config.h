// The settings a node runs with. The node reads them (node/config.h: TOML in the seed project's
// format, every key overridable by a flag) and hands them to every room; the front end keeps
// them in ServerContext, where the cluster and admin rooms read them too.
// `build/seshat` with no arguments is a single-node cluster on 127.0.0.1:6379 with data in ./data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace seshat::server {

struct Member {
  uint64_t id = 0;
  std::string addr;         // internal (Raft/gRPC) address host:port
  std::string client_addr;  // client (RESP) address host:port; may be empty if unknown
  bool operator==(const Member&) const = default;
};

struct Config {
  // [node]
  uint64_t node_id = 1;
  std::string client_addr = "127.0.0.1:6379";
  std::string internal_addr = "127.0.0.1:7379";
  std::string data_dir = "./data";
  // A backup file (SESHAT BACKUP) to start a new cluster from: only read when data_dir is new.
  std::string restore_from;
  // [cluster]
  bool bootstrap = true;
  std::vector<Member> initial_members;  // empty: a single-node cluster of this node
  std::string join_addr;
  bool follower_proxy = false;
  std::string read_mode = "lease";  // or "readindex", "stale"
  // [raft]
  uint64_t heartbeat_interval_ms = 100;
  uint64_t election_timeout_min_ms = 500;
  uint64_t election_timeout_max_ms = 1000;
  uint64_t snapshot_interval_entries = 10000;
  uint64_t snapshot_interval_bytes = 64ull * 1024 * 1024;
  // [limits]
  uint64_t max_key_size_bytes = 512ull * 1024 * 1024;
  uint64_t max_value_size_bytes = 512ull * 1024 * 1024;
  uint64_t max_concurrent_client_connections = 10000;
  uint64_t request_timeout_secs = 5;
  uint64_t idle_timeout_secs = 0;  // Redis's `timeout`: close a client idle this long; 0 never
  // Free space (MiB) kept on the data directory's filesystem: below it the NOSPACE alarm is
  // raised and the cluster refuses writes that add data; 0 turns the alarm off.
  uint64_t disk_reserve_mb = 256;
  // Redis's client-output-buffer-limit (the hard limit of normal clients), in MiB: a client
  // whose unsent replies pass it is disconnected. 0: no limit (then only the pause in reading,
  // at 64 MiB, holds a client back).
  uint64_t client_output_buffer_limit_mb = 1024;
  // [server]
  std::string requirepass;             // empty: no AUTH required
  uint64_t io_threads = 2;             // threads serving client connections
  uint64_t tombstone_ttl_secs = 3600;  // deleted/expired key tombstones are collected after this
  uint64_t active_expire_interval_ms = 100;  // how often the active expiry cycle runs
  std::string log_level = "info";
  std::string metrics_addr;  // host:port of the Prometheus endpoint; empty: none
  std::string backup_dir;    // where SESHAT BACKUP writes; empty: <data_dir>/backups
  // [tls] (Redis's option names; docs/operations.md). Clients: a second listener on
  // tls_port, on client_addr's host. Peers: tls_cluster puts mutual TLS on the internal port.
  uint64_t tls_port = 0;  // 0: no TLS listener
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_ca_cert_file;
  std::string tls_auth_clients = "yes";  // or "no", "optional": must clients show a certificate
  bool tls_cluster = false;
  // Tests only: SESHAT LINK BLOCK|UNBLOCK <peer> cuts this node's messages to a peer.
  bool enable_fault_injection = false;
};

}  // namespace seshat::server
