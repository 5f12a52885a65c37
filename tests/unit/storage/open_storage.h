// Opening an engine and its Raft log storage in a test directory, failing the test (not
// crashing it) when either does not open.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/engine.h"
#include "storage/raft_log_storage.h"

namespace seshat::storage::testing {

inline std::unique_ptr<Engine> open_engine(const std::string& dir, uint64_t node = 1) {
  auto e = Engine::open(OpenOptions{dir, node, "c"});
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

inline std::unique_ptr<RaftLogStorage> open_log(Engine& e) {
  auto s = RaftLogStorage::open(e);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

}  // namespace seshat::storage::testing
