// The simulator as a test: a handful of seeds must pass, and each planted bug must be found
// within the default seed budget (kBudget seeds, tried in order until one fails).
#include "sim/simulator.h"

#include <gtest/gtest.h>

namespace seshat::raft::sim {
namespace {

constexpr uint64_t kBudget = 400;

TEST(Simulator, CorrectCoreSurvivesSeeds) {
  for (int nodes : {3, 5}) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      SimOptions o;
      o.seed = seed;
      o.nodes = nodes;
      auto r = run_simulation(o);
      ASSERT_TRUE(r.ok) << "seed " << seed << " nodes " << nodes << ": " << r.failure;
      EXPECT_GT(r.committed, 0u);
    }
  }
}

TEST(Simulator, SameSeedSameRun) {
  SimOptions o;
  o.seed = 7;
  auto a = run_simulation(o);
  auto b = run_simulation(o);
  EXPECT_EQ(a.committed, b.committed);
  EXPECT_EQ(a.elections, b.elections);
  EXPECT_EQ(a.reads_checked, b.reads_checked);
}

class PlantedBug : public ::testing::TestWithParam<const char*> {};

TEST_P(PlantedBug, CaughtWithinBudget) {
  SimOptions o;
  ASSERT_TRUE(plant_bug(GetParam(), &o.bugs));
  uint64_t tried = 0;
  std::string failure;
  for (uint64_t seed = 1; seed <= kBudget && failure.empty(); ++seed) {
    for (int nodes : {3, 5}) {
      o.seed = seed;
      o.nodes = nodes;
      ++tried;
      auto r = run_simulation(o);
      if (!r.ok) {
        failure = r.failure;
        break;
      }
    }
  }
  EXPECT_FALSE(failure.empty()) << GetParam() << " not caught in " << tried << " runs";
  std::printf("planted bug %s caught after %llu runs: %s\n", GetParam(),
              static_cast<unsigned long long>(tried), failure.c_str());
}

INSTANTIATE_TEST_SUITE_P(All, PlantedBug,
                         ::testing::Values("commit-old-term", "vote-no-log-check", "read-no-quorum",
                                           "forget-vote"));

}  // namespace
}  // namespace seshat::raft::sim
