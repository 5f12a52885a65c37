// The bugs the simulator can plant in the Raft core, by the names raft-sim --plant takes: each
// must be caught within the seed budget (raft_planted_bugs), which proves the simulator can fail.
#include <string>

#include "sim/simulator.h"

namespace seshat::raft::sim {

bool plant_bug(const std::string& name, PlantedBugs* bugs) {
  if (name == "commit-old-term") {
    bugs->commit_old_term_by_counting = true;
  } else if (name == "vote-no-log-check") {
    bugs->vote_without_log_check = true;
  } else if (name == "read-no-quorum") {
    bugs->read_index_without_quorum = true;
  } else if (name == "forget-vote") {
    bugs->forget_vote_on_restart = true;
  } else {
    return false;
  }
  return true;
}

}  // namespace seshat::raft::sim
