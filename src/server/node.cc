#include "server/node.h"

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <random>

#include "server/local_log.h"
#include "server/resp_server.h"
#include "server/server_context.h"
#include "storage/engine.h"

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

  storage::OpenOptions open;
  open.dir = config.data_dir;
  open.node_id = config.node_id;
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

  int sig = wait_for_shutdown_signal();
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
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
