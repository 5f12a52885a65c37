#include "raft/result.h"

#include <cstdio>
#include <cstdlib>

namespace seshat::raft {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kCompacted: return "requested index is unavailable due to compaction";
    case ErrorCode::kUnavailable: return "requested entry at index is unavailable";
    case ErrorCode::kSnapOutOfDate: return "requested index is older than the existing snapshot";
    case ErrorCode::kSnapshotTemporarilyUnavailable: return "snapshot is temporarily unavailable";
    case ErrorCode::kProposalDropped: return "raft proposal dropped";
    case ErrorCode::kStepLocalMsg: return "raft: cannot step raft local message";
    case ErrorCode::kStepPeerNotFound: return "raft: cannot step as peer not found";
    case ErrorCode::kInvalidConfChange: return "raft: invalid configuration change";
    case ErrorCode::kInvalidConfig: return "raft: invalid configuration";
    case ErrorCode::kCorrupt: return "raft: corrupt encoding";
  }
  return "unknown";
}

void panic(std::string_view what) {
  std::fprintf(stderr, "raft: broken invariant: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace seshat::raft
