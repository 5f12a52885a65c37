// A deterministic simulation of a whole Raft group in one process. One seed fixes everything:
// the configuration knobs, the schedule of ticks, deliveries and faults, and so the outcome. A
// failing seed therefore replays exactly with `raft-sim --seed S --nodes N --steps K`.
#pragma once

#include <cstdint>
#include <string>

#include "raft/config.h"

namespace seshat::raft::sim {

struct SimOptions {
  uint64_t seed = 1;
  int nodes = 3;
  // Random steps (each one event: a tick, a delivery, a fault, ...) before faults are healed.
  int steps = 3000;
  PlantedBugs bugs;
  // Print every event (for replaying a failing seed by hand).
  bool trace = false;
};

struct SimResult {
  bool ok = true;
  // Which invariant broke (or which liveness bound was exceeded), and at which step.
  std::string failure;
  int step = 0;
  // Counters, to see that a run exercised something.
  uint64_t committed = 0;
  uint64_t reads_checked = 0;
  uint64_t elections = 0;
};

SimResult run_simulation(const SimOptions& options);

// Parses a planted-bug name (commit-old-term, vote-no-log-check, read-no-quorum, forget-vote)
// into the options; returns false for an unknown name.
bool plant_bug(const std::string& name, PlantedBugs* bugs);

}  // namespace seshat::raft::sim
