#include "node/node.h"

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <thread>

#include "admin/admin_commands.h"
#include "admin/info.h"
#include "cluster/mode.h"
#include "metrics/histogram.h"
#include "metrics/http_endpoint.h"
#include "metrics/prometheus.h"
#include "replication/cluster_join.h"
#include "replication/cluster_view.h"
#include "replication/raft_driver.h"
#include "server/resp_server.h"
#include "server/server_context.h"
#include "server/tls.h"
#include "storage/backup.h"
#include "storage/engine.h"
#include "storage/kv_format.h"
#include "storage/member_book.h"
#include "storage/raft_log_storage.h"
#include "storage/snapshot_codec.h"
#include "transport/grpc_transport.h"

namespace seshat::node {

// The node wires every room together, so it names many of the front end's and replication's
// types.
using namespace seshat::server;
using namespace seshat::replication;

namespace {

// How long INFO waits for the Raft driver to refresh its status (one turn, normally well under
// a millisecond; longer only while a disk write stalls).
constexpr std::chrono::milliseconds kStatusRefreshWait{1000};

std::string random_hex(size_t n) {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kHex[rd() % 16]);
  return out;
}

void setup_logging(const Config& config) {
  auto logger = spdlog::stderr_color_mt("seshat");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [node " + std::to_string(config.node_id) +
                      "] %v");
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

storage::MemberBook book_of(const std::vector<Member>& members) {
  storage::MemberBook book;
  for (const auto& m : members) book[m.id] = storage::MemberAddress{m.id, m.addr, m.client_addr};
  return book;
}

// Listens for clients until SIGINT/SIGTERM. Order matters on the way out: stop taking requests,
// let in-flight ones commit and be answered (bounded by the request timeout), then
// `stop_replication`. Returns the exit code.
int serve_clients(const Config& config, ServerContext& ctx, storage::Engine& engine,
                  const std::function<void()>& stop_replication,
                  const std::function<void()>& hand_over = nullptr) {
  RespServer server(ctx);
  if (auto st = server.start(); !st.ok()) {
    spdlog::error("{}", std::string(st.message()));
    stop_replication();
    return 1;
  }
  // Prometheus scrapes: the numbers INFO gives, in Prometheus's format (metrics/prometheus.h).
  std::unique_ptr<metrics::HttpEndpoint> metrics_endpoint;
  if (!config.metrics_addr.empty()) {
    auto endpoint = metrics::HttpEndpoint::start(config.metrics_addr, [&ctx, &engine] {
      std::string out =
          metrics::prometheus_text(admin::info_sections_text(ctx, &engine, {"everything"}));
      out += metrics::histogram_text(
          "seshat_command_duration_seconds",
          "Time from dispatch to reply of commands that write or read the keyspace.",
          {{"kind=\"write\"", ctx.command_stats.write_latency().snapshot()},
           {"kind=\"read\"", ctx.command_stats.read_latency().snapshot()}});
      out += metrics::histogram_text("seshat_disk_sync_duration_seconds",
                                     "Synced writes to RocksDB (WAL append and fsync).",
                                     {{"", engine.sync_latency().snapshot()}});
      return out;
    });
    if (!endpoint.ok()) {
      spdlog::error("{}", std::string(endpoint.status().message()));
      server.stop(std::chrono::milliseconds(0));
      stop_replication();
      return 1;
    }
    metrics_endpoint = std::move(*endpoint);
    spdlog::info("serving metrics on http://{}/metrics", config.metrics_addr);
  }
  if (config.tls_port != 0) {
    spdlog::info("accepting TLS connections on port {} (client certificates: {})", config.tls_port,
                 config.tls_auth_clients == "yes"        ? "required"
                 : config.tls_auth_clients == "optional" ? "checked if shown"
                                                         : "not asked for");
  }
  if (ctx.cluster != nullptr) {
    spdlog::info("ready to accept connections on {} (raft on {})", config.client_addr,
                 config.internal_addr);
  } else {
    spdlog::info("ready to accept connections on {}", config.client_addr);
  }
  wait_and_log_signal();
  // A leader first hands over to its most caught-up follower, so clients see a new leader at
  // once instead of after an election timeout; clients go on being served (or redirected)
  // meanwhile.
  if (hand_over && !ctx.shutdown_now.load()) hand_over();
  metrics_endpoint.reset();
  server.stop(std::chrono::milliseconds(config.request_timeout_secs * 1000));
  stop_replication();
  return 0;
}

// A new cluster's first state, from a backup: installed like a snapshot at the backup's applied
// index, with this cluster's membership (the backup's member book names the old cluster's).
// The file was read and checked before the membership was recorded; should the install still
// fail (a disk error), the directory has a membership and no data, and says so.
int restore_backup(const Config& config, storage::BackupData backup, storage::Engine& engine,
                   storage::RaftLogStorage& log, const raft::ConfState& cs,
                   const storage::MemberBook& book) {
  spdlog::info("restoring {}: applied index {}, {} keys", config.restore_from, backup.applied_index,
               backup.key_count);
  const raft::SnapshotMetadata meta{cs, backup.applied_index, 1};
  if (auto st =
          storage::install_snapshot(engine, log, raft::Snapshot{std::move(backup.data), meta});
      !st.ok()) {
    spdlog::error(
        "cannot restore {}: {}; data directory {} is incomplete: remove it before starting again",
        config.restore_from, st.ToString(), config.data_dir);
    return 1;
  }
  rocksdb::WriteBatch batch;
  storage::stage_member_book(batch, engine, book);
  if (auto st = engine.write(&batch, true); !st.ok()) {
    spdlog::error("cannot record the member book: {}", st.ToString());
    return 1;
  }
  spdlog::info("restored {} keys at applied index {}", engine.key_count(), engine.applied_index());
  return -1;
}

// Makes sure the directory belongs to a Raft group before Raft starts: a data directory that
// has a membership resumes it; a new one founds the cluster of initial_members (bootstrap) or
// joins a running one (join_addr). Fills `book` with every member's addresses. Returns the
// exit code to stop with, or -1 to go on.
int prepare_membership(const Config& config, const std::optional<transport::PeerTls>& peer_tls,
                       storage::Engine& engine, storage::RaftLogStorage& log,
                       storage::MemberBook& book) {
  auto stored = storage::load_member_book(engine);
  if (!stored.ok()) {
    spdlog::error("cannot read the member book: {}", stored.status().ToString());
    return 1;
  }
  if (log.has_membership()) {
    if (!config.restore_from.empty()) {
      spdlog::warn(
          "restore_from {} ignored: data directory {} already belongs to cluster {} (a restore "
          "only fills a new data directory)",
          config.restore_from, config.data_dir, engine.cluster_id());
    }
    if (!config.join_addr.empty()) {
      spdlog::info(
          "the data directory already belongs to cluster {}: resuming as a member "
          "(join_addr is not needed any more)",
          engine.cluster_id());
    }
    if (stored->has_value()) {
      book = std::move(**stored);
      return -1;
    }
    // Written before membership changes existed: the members are still the initial ones.
    book = book_of(config.initial_members);
    rocksdb::WriteBatch batch;
    storage::stage_member_book(batch, engine, book);
    if (auto st = engine.write(&batch, true); !st.ok()) {
      spdlog::error("cannot record the member book: {}", st.ToString());
      return 1;
    }
    return -1;
  }
  if (config.bootstrap && !config.initial_members.empty()) {
    std::optional<storage::BackupData> backup;
    if (!config.restore_from.empty()) {
      auto read = storage::read_backup(config.restore_from);
      if (!read.ok()) {
        spdlog::error("cannot restore: {}", std::string(read.status().message()));
        return 1;
      }
      if (read->applied_index == 0) {
        spdlog::error("cannot restore {}: it holds no applied entry", config.restore_from);
        return 1;
      }
      backup = std::move(*read);
    }
    raft::ConfState cs;
    for (const auto& m : config.initial_members) cs.voters.push_back(m.id);
    std::sort(cs.voters.begin(), cs.voters.end());
    book = book_of(config.initial_members);
    rocksdb::WriteBatch batch;
    storage::stage_member_book(batch, engine, book);
    if (auto st = log.bootstrap(cs, &batch); !st.ok()) {
      spdlog::error("cannot record the initial membership: {}", st.ToString());
      return 1;
    }
    spdlog::info("bootstrapped a new cluster of {} members", cs.voters.size());
    if (backup) return restore_backup(config, std::move(*backup), engine, log, cs, book);
    return -1;
  }
  if (config.join_addr.empty()) {
    spdlog::error(
        "data directory {} belongs to no cluster yet and bootstrap = false: set "
        "join_addr (--join-addr) to a member's internal address to join a running "
        "cluster",
        config.data_dir);
    return 2;
  }
  if (engine.applied_index() > 0 || engine.key_count() > 0) {
    spdlog::error(
        "data directory {} holds data of a standalone node ({} keys, applied index "
        "{}): joining would replace it; use an empty directory",
        config.data_dir, engine.key_count(), engine.applied_index());
    return 1;
  }
  auto joined = join_cluster({.node_id = config.node_id,
                              .internal_addr = config.internal_addr,
                              .client_addr = config.client_addr,
                              .join_addr = config.join_addr,
                              .request_timeout_ms = config.request_timeout_secs * 1000,
                              .tls = peer_tls});
  if (!joined.ok()) {
    if (absl::IsCancelled(joined.status())) {
      spdlog::info("stopped before joining");
      return 0;
    }
    spdlog::error("{}", std::string(joined.status().message()));
    return 1;
  }
  if (!config.initial_members.empty() && joined->cluster_id != engine.cluster_id()) {
    spdlog::error("{} belongs to cluster {}, but initial_members describe cluster {}",
                  config.join_addr, joined->cluster_id, engine.cluster_id());
    return 1;
  }
  if (auto st = engine.adopt_cluster_id(joined->cluster_id); !st.ok()) {
    spdlog::error("cannot record the cluster id: {}", st.ToString());
    return 1;
  }
  book = joined->book;
  rocksdb::WriteBatch batch;
  storage::stage_member_book(batch, engine, book);
  if (auto st = log.bootstrap(joined->conf, &batch); !st.ok()) {
    spdlog::error("cannot record the membership: {}", st.ToString());
    return 1;
  }
  return -1;
}

// Runs the node's Raft group: the driver, and for a cluster node the gRPC transport and the
// Redis Cluster view. A standalone node (no [cluster] settings) is a group of one that nobody
// else can reach: no peer listener, and clients see a plain Redis server. Returns the exit code.
kv::Limits limits_of(const Config& config) {
  kv::Limits limits;
  limits.max_key_size_bytes = config.max_key_size_bytes;
  limits.max_value_size_bytes = config.max_value_size_bytes;
  return limits;
}

int run_raft_node(const Config& config, const std::optional<transport::PeerTls>& peer_tls,
                  storage::Engine& engine, ServerContext& ctx, bool standalone) {
  auto log = storage::RaftLogStorage::open(engine);
  if (!log.ok()) {
    spdlog::error("cannot load the Raft log: {}", log.status().ToString());
    return 1;
  }
  storage::MemberBook book;
  if (int code = prepare_membership(config, peer_tls, engine, **log, book); code >= 0) return code;
  ClusterViewHolder view;
  cluster::Mode cluster_mode;  // redirects and CLUSTER replies from that view
  if (!standalone) {
    ctx.cluster = &view;
    ctx.cluster_mode = &cluster_mode;
  }

  RaftDriverOptions options;
  options.node_id = config.node_id;
  options.book = book;
  options.client_addr = config.client_addr;
  options.client_tls_port = static_cast<uint32_t>(config.tls_port);
  options.internal_addr = config.internal_addr;
  options.heartbeat_interval_ms = config.heartbeat_interval_ms;
  options.election_timeout_min_ms = config.election_timeout_min_ms;
  options.election_timeout_max_ms = config.election_timeout_max_ms;
  options.keyspace_stats = &ctx.stats.keyspace;
  options.blocking = &ctx.blocking;
  options.snapshot_interval_entries = config.snapshot_interval_entries;
  options.snapshot_interval_bytes = config.snapshot_interval_bytes;
  options.request_timeout_ms = config.request_timeout_secs * 1000;
  options.active_expire_interval_ms = config.active_expire_interval_ms;
  options.tombstone_ttl_ms = config.tombstone_ttl_secs * 1000;
  options.disk_reserve_bytes = config.disk_reserve_mb << 20;
  options.stale_reads = config.read_mode == "stale";
  options.lease_reads = config.read_mode == "lease";
  options.limits = limits_of(config);
  RaftDriver driver(engine, **log, options, standalone ? nullptr : &view);
  kv::Service service(driver, options.limits);  // the front end's way to the data
  ctx.service = &service;
  ctx.extra_info = [&driver, &engine](const std::string& section) {
    std::string out;
    if (section == "raft" || section == "all" || section == "everything" || section == "default") {
      out = driver.info_raft();
    }
    if (section == "storage" || section == "all" || section == "everything") {
      if (!out.empty()) out += "\r\n";  // a blank line between sections
      out += engine.info_section();
    }
    return out;
  };
  ctx.refresh_status = [&driver] {
    if (!driver.refresh_status(kStatusRefreshWait)) {
      spdlog::warn(
          "INFO: the Raft driver did not answer within {} ms; reporting its last "
          "published status",
          kStatusRefreshWait.count());
    }
  };
  if (standalone) {
    if (auto st = driver.start(); !st.ok()) {
      spdlog::error("{}", st.ToString());
      return 1;
    }
    return serve_clients(config, ctx, engine, [&] { driver.stop(); });
  }

  transport::GrpcTransportOptions topt;
  topt.cluster_id = engine.cluster_id();
  topt.node_id = config.node_id;
  topt.listen_addr = config.internal_addr;
  topt.client_addr = config.client_addr;
  topt.client_tls_port = static_cast<uint32_t>(config.tls_port);
  topt.tls = peer_tls;
  // No peers yet: the driver adds the members it knows when it starts, and follows changes.
  transport::TransportHandlers handlers;
  handlers.on_message = [&driver](raft::Message m) { driver.on_message(std::move(m)); };
  handlers.on_unreachable = [&driver](raft::NodeId id) { driver.on_unreachable(id); };
  handlers.on_snapshot_status = [&driver](raft::NodeId id, bool ok) {
    driver.on_snapshot_status(id, ok);
  };
  handlers.on_peer_info = [&driver](raft::NodeId id, const std::string& addr, uint32_t tls_port) {
    driver.on_peer_info(id, addr, tls_port);
  };
  const auto join_wait = std::chrono::milliseconds(config.request_timeout_secs * 1000 + 1000);
  handlers.on_join = [&driver, join_wait](const transport::JoinRequest& request) {
    auto reply = std::make_shared<std::promise<transport::JoinReply>>();
    auto answer = reply->get_future();
    driver.join(request, [reply](transport::JoinReply r) { reply->set_value(std::move(r)); });
    if (answer.wait_for(join_wait) != std::future_status::ready) {
      transport::JoinReply r;
      r.error = "the change was not committed in time";
      return r;
    }
    return answer.get();
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
  if (config.enable_fault_injection) {
    spdlog::warn("fault injection is enabled: SESHAT LINK can cut or thin this node's peer links");
    ctx.link_fault = [&transport, &driver](uint64_t peer, const ServerContext::LinkFault& fault) {
      const bool known = driver.is_peer(peer);
      if (known) {
        if (fault.blocked) transport.set_link_blocked(peer, *fault.blocked);
        if (fault.drop_percent) transport.set_link_drop(peer, *fault.drop_percent);
      }
      return known;
    };
  }
  ctx.remove_member = [&driver](uint64_t id, Replicator::Done done) {
    driver.remove_member(id, std::move(done));
  };
  auto hand_over = [&driver, &config] {
    std::promise<std::pair<raft::NodeId, uint64_t>> asked;
    auto answer = asked.get_future();
    driver.hand_over_leadership([&asked](raft::NodeId target, uint64_t match) {
      asked.set_value({target, match});
    });
    const auto [target, match] = answer.get();
    if (target == raft::kNone) return;  // not the leader, or nobody caught up to take over
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + std::chrono::milliseconds(2 * config.election_timeout_min_ms);
    spdlog::info("shutdown: handing leadership to node {} (match index {})", target, match);
    while (driver.is_leader() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    if (driver.is_leader()) {
      spdlog::warn("shutdown: node {} did not take over within {} ms; stopping anyway", target, ms);
    } else {
      spdlog::info("shutdown: leadership handed over in {} ms", ms);
    }
  };
  return serve_clients(
      config, ctx, engine,
      [&] {
        driver.stop();
        transport.stop();
      },
      hand_over);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Checks the TLS files before anything else starts (the client listener would find a bad one
// only after Raft is up, gRPC only at the first handshake), and returns their text for the peer
// links when tls_cluster is on.
absl::StatusOr<std::optional<transport::PeerTls>> load_tls(const Config& config) {
  if (config.tls_port == 0 && !config.tls_cluster) return std::nullopt;
  if (auto checked = make_client_tls_context(config); !checked.ok()) return checked.status();
  if (!config.tls_cluster) return std::nullopt;
  transport::PeerTls tls;
  for (auto [path, text] : {std::pair{&config.tls_ca_cert_file, &tls.ca_certs},
                            {&config.tls_cert_file, &tls.cert_chain},
                            {&config.tls_key_file, &tls.private_key}}) {
    auto content = read_file(*path);
    if (!content) return absl::InvalidArgumentError(*path + ": cannot be read");
    *text = std::move(*content);
  }
  return tls;
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

  auto peer_tls = load_tls(config);
  if (!peer_tls.ok()) {
    // A configuration error, like the ones validate_config finds: exit code 2.
    spdlog::error("{}", std::string(peer_tls.status().message()));
    return 2;
  }

  storage::OpenOptions open;
  open.dir = config.data_dir;
  open.node_id = config.node_id;
  if (!config.initial_members.empty()) open.cluster_id = derive_cluster_id(config.initial_members);
  auto engine = storage::Engine::open(open);
  if (!engine.ok()) {
    spdlog::error("cannot open data directory: {}", std::string(engine.status().message()));
    return 1;
  }
  // A cluster node: configured as one, joining one, or resuming a directory that has a member
  // book (a node that joined needs neither initial_members nor join_addr to restart).
  auto stored_book = storage::load_member_book(**engine);
  if (!stored_book.ok()) {
    spdlog::error("cannot open data directory: {}", stored_book.status().ToString());
    return 1;
  }
  // A group whose only member is this node, started without [cluster] settings, is a
  // standalone node; anything else is a cluster node.
  const bool alone_in_book = stored_book->has_value() && (*stored_book)->size() == 1 &&
                             (*stored_book)->count(config.node_id) == 1;
  const bool cluster_mode = !config.initial_members.empty() || !config.join_addr.empty() ||
                            (stored_book->has_value() && !alone_in_book);
  spdlog::info("data directory {} opened: cluster {}, applied index {}, {} keys", config.data_dir,
               (*engine)->cluster_id(), (*engine)->applied_index(), (*engine)->key_count());

  ServerContext ctx;
  admin::Commands admin_commands(engine->get());  // INFO, CLIENT, CONFIG, COMMAND, SESHAT
  ctx.admin = &admin_commands;
  ctx.config = config;
  ctx.run_id = random_hex(40);

  Config group = config;
  if (!cluster_mode) {
    // A standalone node is the only member of its own group: it elects itself at start-up
    // and commits what it alone has synced.
    if (!stored_book->has_value() &&
        ((*engine)->applied_index() > 0 || (*engine)->key_count() > 0)) {
      spdlog::error(
          "data directory {} was written by a standalone node of an earlier Seshat "
          "version, which kept its own local log; this version runs every node as a "
          "Raft group and cannot adopt it. Start with an empty data directory",
          config.data_dir);
      return 1;
    }
    group.bootstrap = true;
    group.initial_members = {Member{config.node_id, config.internal_addr, config.client_addr}};
  }
  int code = run_raft_node(group, *peer_tls, **engine, ctx, /*standalone=*/!cluster_mode);
  admin_commands.wait_for_backups();
  if (auto st = (*engine)->close(); !st.ok()) {
    spdlog::error("closing the database failed: {}", st.ToString());
    return 1;
  }
  if (code == 0) spdlog::info("stopped cleanly");
  return code;
}

}  // namespace seshat::node
