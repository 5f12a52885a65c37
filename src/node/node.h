// A whole Seshat node: storage, replicator, client server and admin commands wired together,
// with start-up recovery and an orderly shutdown.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "server/config.h"

namespace seshat::node {

// Runs the node until SIGINT or SIGTERM; returns the process exit code. The caller must have
// blocked those signals in every thread (block_shutdown_signals) before any thread started.
int run_node(const server::Config& config);

void block_shutdown_signals();

}  // namespace seshat::node
