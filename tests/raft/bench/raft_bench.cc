// Proposing and committing 100-byte entries through an in-memory 3-node group: the cost of the
// core itself (no disk, no network). Each iteration proposes `batch` entries on the leader and
// runs every node's Ready cycle until all of them are committed and applied everywhere.
#include <benchmark/benchmark.h>

#include <string>

#include "support/cluster.h"

namespace seshat::raft::testing {
namespace {

void BM_ProposeCommit3Nodes(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  Cluster c({1, 2, 3}, [](Config& cfg) {
    cfg.max_size_per_msg = 1 << 20;
    cfg.max_inflight_msgs = 256;
  });
  c.campaign(1);
  c.stabilize();
  const std::string payload(100, 'x');
  Index last_applied = c.node(1).applied_index();
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) {
      if (!c.propose(1, payload).ok()) state.SkipWithError("proposal dropped");
    }
    c.stabilize();
    last_applied = c.node(3).applied_index();
  }
  benchmark::DoNotOptimize(last_applied);
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * 100);
}

BENCHMARK(BM_ProposeCommit3Nodes)->Arg(1)->Arg(16)->Arg(128);

}  // namespace
}  // namespace seshat::raft::testing

BENCHMARK_MAIN();
