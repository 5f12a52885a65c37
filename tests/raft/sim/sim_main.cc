// raft-sim: runs the deterministic Raft simulation over many seeds.
//   raft-sim --seeds N [--seed S] [--nodes 3|5] [--steps K] [--plant BUG] [--trace]
// Prints one line per failing seed (with everything needed to replay it) and ends with
// "N passed, M failed". Exit status 1 if any seed failed.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/simulator.h"

using seshat::raft::sim::SimOptions;

namespace {
void usage() {
  std::fprintf(stderr,
               "usage: raft-sim --seeds N [--seed S] [--nodes 3|5] [--steps K] "
               "[--plant commit-old-term|vote-no-log-check|read-no-quorum|forget-vote] "
               "[--trace]\n");
}
}  // namespace

int main(int argc, char** argv) {
  SimOptions base;
  uint64_t seeds = 1;
  uint64_t first_seed = 1;
  bool seeds_given = false;
  std::string plant;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seeds") {
      seeds = std::strtoull(value().c_str(), nullptr, 10);
      seeds_given = true;
    } else if (a == "--seed") {
      first_seed = std::strtoull(value().c_str(), nullptr, 10);
      if (!seeds_given) seeds = 1;
    } else if (a == "--nodes") {
      base.nodes = std::atoi(value().c_str());
    } else if (a == "--steps") {
      base.steps = std::atoi(value().c_str());
    } else if (a == "--plant") {
      plant = value();
      if (!seshat::raft::sim::plant_bug(plant, &base.bugs)) {
        usage();
        return 2;
      }
    } else if (a == "--trace") {
      base.trace = true;
    } else {
      usage();
      return 2;
    }
  }
  if (base.nodes != 3 && base.nodes != 5) {
    usage();
    return 2;
  }
  uint64_t passed = 0, failed = 0;
  for (uint64_t s = first_seed; s < first_seed + seeds; ++s) {
    SimOptions o = base;
    o.seed = s;
    auto r = seshat::raft::sim::run_simulation(o);
    if (base.trace) {
      std::printf("seed %llu: committed=%llu reads=%llu elections=%llu\n",
                  static_cast<unsigned long long>(s), static_cast<unsigned long long>(r.committed),
                  static_cast<unsigned long long>(r.reads_checked),
                  static_cast<unsigned long long>(r.elections));
    }
    if (r.ok) {
      ++passed;
      continue;
    }
    ++failed;
    std::printf("FAIL seed=%llu: raft-sim --seed %llu --nodes %d --steps %d%s%s  # step %d: %s\n",
                static_cast<unsigned long long>(s), static_cast<unsigned long long>(s), o.nodes,
                o.steps, plant.empty() ? "" : " --plant ", plant.c_str(), r.step,
                r.failure.c_str());
    std::fflush(stdout);
  }
  std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(passed),
              static_cast<unsigned long long>(failed));
  return failed == 0 ? 0 : 1;
}
