#include "replication/maintenance.h"

#include "kv/operation.h"

namespace seshat::replication {

namespace {
constexpr size_t kMaxExpiriesPerCycle = 200;
constexpr size_t kTombstonesPerCycle = 1000;
}  // namespace

MaintenanceWork plan_maintenance(kv::StateMachine& state, int64_t now_ms, uint64_t tombstone_ttl_ms,
                                 std::string& tombstone_cursor) {
  MaintenanceWork work;
  auto due = state.due_expiries(now_ms, kMaxExpiriesPerCycle);
  if (!due.empty()) {
    kv::Operation op;
    op.kind = kv::Operation::Kind::kPurgeExpired;
    op.now_ms = now_ms;
    work.expired_keys = due.size();
    op.commands.push_back(std::move(due));
    work.operations.push_back(kv::encode_operation(op));
  }
  // Tombstones only matter to WATCH; old ones go a slice at a time. The cutoff travels as the
  // operation's time, so every replica drops exactly the same ones.
  const int64_t cutoff = now_ms - static_cast<int64_t>(tombstone_ttl_ms);
  auto old = state.old_tombstones(cutoff, kTombstonesPerCycle, tombstone_cursor);
  if (!old.empty()) {
    kv::Operation op;
    op.kind = kv::Operation::Kind::kCollectTombstones;
    op.now_ms = cutoff;
    op.commands.push_back(std::move(old));
    work.operations.push_back(kv::encode_operation(op));
  }
  return work;
}

}  // namespace seshat::replication
