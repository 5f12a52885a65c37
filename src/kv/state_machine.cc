#include "kv/state_machine.h"

#include "kv/apply.h"
#include "storage/rocks_keyspace.h"
#include "storage/snapshot_codec.h"

namespace seshat::kv {

using protocol::Reply;

StateMachine::Batch::Batch(StateMachine& machine)
    : machine_(machine),
      apply_(std::make_unique<storage::ApplyBatch>(machine.engine_)),
      start_index_(machine.engine_.applied_index()) {}

StateMachine::Batch::~Batch() = default;

Reply StateMachine::Batch::apply(uint64_t index, const Operation& op, KeyLookups* lookups) {
  apply_->begin_entry(index, op.now_ms);
  return apply_operation(op, *apply_, machine_.limits_, lookups);
}

void StateMachine::Batch::skip(uint64_t index) { apply_->begin_entry(index, apply_->now_ms()); }

Reply StateMachine::Batch::read(const Operation& op, KeyLookups* lookups) {
  // Same entry, the reader's clock (which the monotonic clock rule may hold later).
  apply_->begin_entry(apply_->index(), op.now_ms);
  return apply_operation(op, *apply_, machine_.limits_, lookups);
}

rocksdb::WriteBatchBase& StateMachine::Batch::metadata() { return apply_->metadata_batch(); }

uint64_t StateMachine::Batch::index() const { return apply_->index(); }

absl::Status StateMachine::Batch::commit() {
  if (apply_->empty() && apply_->index() == start_index_) return absl::OkStatus();
  absl::Status st = apply_->commit(/*sync=*/false);
  if (st.ok()) start_index_ = apply_->index();
  return st;
}

Reply StateMachine::read(const Operation& op, KeyLookups* lookups) {
  // Called by io threads behind LocalReadGate, or by the driver between apply batches.
  storage::ReadKeyspace view(engine_, op.now_ms, /*cached=*/true);
  return apply_operation(op, view, limits_, lookups);
}

uint64_t StateMachine::version(std::string_view key, int64_t now_ms) {
  storage::ReadKeyspace view(engine_, now_ms);
  return view.version(key);
}

std::vector<std::string> StateMachine::due_expiries(int64_t now_ms, size_t limit) {
  return storage::due_expiries(engine_, now_ms, limit);
}

std::vector<std::string> StateMachine::old_tombstones(int64_t older_than_ms, size_t budget,
                                                      std::string& resume_from) {
  return storage::old_tombstones(engine_, older_than_ms, budget, resume_from);
}

absl::Status StateMachine::restore(storage::RaftLogStorage& log, const raft::Snapshot& snapshot) {
  return storage::install_snapshot(engine_, log, snapshot);
}

}  // namespace seshat::kv
