#include "server/node.h"

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "server/cluster_view.h"
#include "server/local_log.h"
#include "server/raft_driver.h"
#include "server/resp_server.h"
#include "server/server_context.h"
#include "storage/engine.h"
#include "storage/kv_format.h"
#include "storage/raft_log_storage.h"
#include "transport/grpc_transport.h"

namespace seshat::server {

namespace {

std::string random_hex(size_t n) {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kHex[rd() % 16]);
  return out;
}

void setup_logging(const Config& config) {
  auto logger = spdlog::stderr_color_mt("seshat");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [node " + std::to_string(config.node_id) + "] %v");
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
  spdlog::flush_on(spdlog::level::info);
}

int wait_for_shutdown_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

// Every member derives the same cluster id from the same initial membership, so nodes that
// were configured for different clusters refuse each other's messages and data directories.
std::string derive_cluster_id(std::vector<Member> members) {
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.id < b.id; });
  std::string text;
  for (const auto& m : members) text += std::to_string(m.id) + "=" + m.addr + ";";
  uint64_t a = storage::key_hash(text);
  uint64_t b = storage::key_hash("seshat:" + text);
  return fmt::format("{:016x}{:016x}", a, b);
}

int wait_and_log_signal() {
  int sig = wait_for_shutdown_signal();
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  return sig;
}

// A node of a replicated cluster: Raft over gRPC. Returns the exit code.
int run_cluster_node(const Config& config, storage::Engine& engine, ServerContext& ctx) {
  auto log = storage::RaftLogStorage::open(engine);
  if (!log.ok()) {
    spdlog::error("cannot load the Raft log: {}", log.status().ToString());
    return 1;
  }
  if ((*log)->is_new()) {
    raft::ConfState cs;
    for (const auto& m : config.initial_members) cs.voters.push_back(m.id);
    std::sort(cs.voters.begin(), cs.voters.end());
    if (auto st = (*log)->bootstrap(cs); !st.ok()) {
      spdlog::error("cannot record the initial membership: {}", st.ToString());
      return 1;
    }
    spdlog::info("bootstrapped a new cluster of {} members", cs.voters.size());
  }
  ClusterViewHolder view;
  ctx.cluster = &view;

  RaftDriverOptions options;
  options.node_id = config.node_id;
  options.members = config.initial_members;
  options.client_addr = config.client_addr;
  options.internal_addr = config.internal_addr;
  options.heartbeat_interval_ms = config.heartbeat_interval_ms;
  options.election_timeout_min_ms = config.election_timeout_min_ms;
  options.snapshot_interval_entries = config.snapshot_interval_entries;
  options.snapshot_interval_bytes = config.snapshot_interval_bytes;
  options.request_timeout_ms = config.request_timeout_secs * 1000;
  options.active_expire_interval_ms = config.active_expire_interval_ms;
  options.tombstone_ttl_ms = config.tombstone_ttl_secs * 1000;
  options.stale_reads = config.read_mode == "stale";
  options.limits = ctx.limits;
  RaftDriver driver(engine, **log, options, &view);

  transport::GrpcTransportOptions topt;
  topt.cluster_id = engine.cluster_id();
  topt.node_id = config.node_id;
  topt.listen_addr = config.internal_addr;
  topt.client_addr = config.client_addr;
  for (const auto& m : config.initial_members) {
    if (m.id != config.node_id) topt.peers[m.id] = m.addr;
  }
  transport::TransportHandlers handlers;
  handlers.on_message = [&driver](raft::Message m) { driver.on_message(std::move(m)); };
  handlers.on_unreachable = [&driver](raft::NodeId id) { driver.on_unreachable(id); };
  handlers.on_snapshot_status = [&driver](raft::NodeId id, bool ok) { driver.on_snapshot_status(id, ok); };
  handlers.on_peer_info = [&driver](raft::NodeId id, const std::string& addr) {
    driver.on_peer_info(id, addr);
  };
  transport::GrpcTransport transport(topt, handlers);
  if (auto st = transport.start(); !st.ok()) {
    spdlog::error("cannot start the peer transport on {}: {}", config.internal_addr, st.ToString());
    return 1;
  }
  driver.set_transport(&transport);
  if (auto st = driver.start(); !st.ok()) {
    spdlog::error("{}", st.ToString());
    transport.stop();
    return 1;
  }
  ctx.replicator = &driver;
  if (config.enable_fault_injection) {
    spdlog::warn("fault injection is enabled: SESHAT LINK can cut or thin this node's peer links");
    ctx.link_fault = [&transport, &config](uint64_t peer, const ServerContext::LinkFault& fault) {
      bool known = false;
      for (const auto& m : config.initial_members) known = known || (m.id == peer && peer != config.node_id);
      if (known) {
        if (fault.blocked) transport.set_link_blocked(peer, *fault.blocked);
        if (fault.drop_percent) transport.set_link_drop(peer, *fault.drop_percent);
      }
      return known;
    };
  }
  ctx.extra_info = [&driver](const std::string& section) {
    if (section == "raft" || section == "all" || section == "everything" || section == "default") {
      return driver.info_raft();
    }
    return std::string();
  };

  RespServer server(ctx);
  if (auto st = server.start(); !st.ok()) {
    spdlog::error("{}", std::string(st.message()));
    driver.stop();
    transport.stop();
    return 1;
  }
  spdlog::info("ready to accept connections on {} (raft on {})", config.client_addr,
               config.internal_addr);
  wait_and_log_signal();
  server.stop(std::chrono::milliseconds(config.request_timeout_secs * 1000));
  driver.stop();
  transport.stop();
  return 0;
}

}  // namespace

void block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that disconnects mid-write must not kill the node.
  signal(SIGPIPE, SIG_IGN);
}

int run_node(const Config& config) {
  setup_logging(config);
  spdlog::info("starting seshat node {}: clients on {}, data in {}", config.node_id,
               config.client_addr, config.data_dir);

  const bool cluster_mode = !config.initial_members.empty();
  storage::OpenOptions open;
  open.dir = config.data_dir;
  open.node_id = config.node_id;
  if (cluster_mode) open.cluster_id = derive_cluster_id(config.initial_members);
  auto engine = storage::Engine::open(open);
  if (!engine.ok()) {
    spdlog::error("cannot open data directory: {}", std::string(engine.status().message()));
    return 1;
  }
  spdlog::info("data directory {} opened: cluster {}, applied index {}, {} keys", config.data_dir,
               (*engine)->cluster_id(), (*engine)->applied_index(), (*engine)->key_count());

  ServerContext ctx;
  ctx.config = config;
  ctx.limits.max_key_size_bytes = config.max_key_size_bytes;
  ctx.limits.max_value_size_bytes = config.max_value_size_bytes;
  ctx.engine = engine->get();
  ctx.run_id = random_hex(40);

  if (cluster_mode) {
    int code = run_cluster_node(config, **engine, ctx);
    if (auto st = (*engine)->close(); !st.ok()) {
      spdlog::error("closing the database failed: {}", st.ToString());
      return 1;
    }
    if (code == 0) spdlog::info("stopped cleanly");
    return code;
  }

  LocalLogOptions log_options;
  log_options.limits = ctx.limits;
  log_options.active_expire_interval_ms = config.active_expire_interval_ms;
  log_options.tombstone_ttl_ms = config.tombstone_ttl_secs * 1000;
  log_options.compact_every_entries = config.snapshot_interval_entries;
  LocalLog log(**engine, log_options);
  if (auto st = log.start(); !st.ok()) {
    spdlog::error("cannot recover the log: {}", st.ToString());
    return 1;
  }
  ctx.replicator = &log;

  RespServer server(ctx);
  if (auto st = server.start(); !st.ok()) {
    spdlog::error("{}", std::string(st.message()));
    log.stop();
    return 1;
  }
  spdlog::info("ready to accept connections on {}", config.client_addr);

  wait_and_log_signal();
  // Order matters: stop taking requests, let in-flight ones commit and be answered, then stop
  // the log, then close RocksDB.
  server.stop(std::chrono::milliseconds(config.request_timeout_secs * 1000));
  log.stop();
  if (auto st = (*engine)->close(); !st.ok()) {
    spdlog::error("closing the database failed: {}", st.ToString());
    return 1;
  }
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace seshat::server
