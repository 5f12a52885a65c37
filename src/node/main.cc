// build/seshat: see `build/seshat --help`.
#include <absl/synchronization/mutex.h>

#include <cstdio>

#include "node/config.h"
#include "node/node.h"

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and only main waits for
  // the shutdown signals.
  seshat::node::block_shutdown_signals();
  // Debian's Abseil checks every absl::Mutex acquisition (gRPC's locks) against a lock graph
  // for deadlock cycles, about 1% of a busy node's CPU; our own locks are std::mutex.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto outcome = seshat::node::parse_config(argc, argv);
  if (!outcome.config) {
    std::fputs(outcome.message.c_str(), outcome.exit_code == 0 ? stdout : stderr);
    if (!outcome.message.empty() && outcome.message.back() != '\n') {
      std::fputc('\n', outcome.exit_code == 0 ? stdout : stderr);
    }
    return outcome.exit_code;
  }
  if (auto err = seshat::node::validate_config(*outcome.config); !err.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }
  return seshat::node::run_node(*outcome.config);
}
