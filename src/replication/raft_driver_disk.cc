// The NOSPACE alarm: a full disk is an alarm, not an outage.
//
// Every node measures the free space of its data directory's filesystem once a second. Below
// the reserve (disk_reserve_bytes) it raises its alarm by proposing a kSetSpaceAlarm entry (a
// follower's proposal is forwarded to the leader by the Raft core), and clears it once the free
// space is back above the reserve plus a tenth (so that a node hovering at the line does not
// flap). The alarms are replicated state: every node knows every member's, a restarted node and
// one that installs a snapshot too, and every node refuses writes that add data while any is
// raised (kv::Service::over_limits), so the leader stops filling a follower's disk as well as its
// own. Deletes, expiry and reads go on. Proposals are repeated every second until the applied
// alarms agree with the measurement: one lost with a leader change needs no other recovery.
// The leader also clears the alarms of nodes that are no longer members (a removed member, or the
// members of the cluster a backup came from).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kv/operation.h"
#include "replication/membership.h"
#include "replication/raft_driver.h"

namespace seshat::replication {

namespace {

constexpr auto kDiskCheckInterval = std::chrono::seconds(1);

std::string space_alarm_operation(uint64_t node, bool raise, int64_t now_ms) {
  kv::Operation op;
  op.kind = kv::Operation::Kind::kSetSpaceAlarm;
  op.now_ms = now_ms;
  op.commands.push_back({std::to_string(node), raise ? "raise" : "clear"});
  return kv::encode_operation(op);
}

}  // namespace

std::vector<uint64_t> RaftDriver::space_alarms() {
  const bool low = disk_low_.load(std::memory_order_acquire);
  if (!low && engine_.space_alarm_count() == 0) return {};
  std::vector<uint64_t> nodes = engine_.space_alarms();
  // This node's own measurement counts before its alarm is applied.
  auto at = std::lower_bound(nodes.begin(), nodes.end(), options_.node_id);
  if (low && (at == nodes.end() || *at != options_.node_id)) nodes.insert(at, options_.node_id);
  return nodes;
}

void RaftDriver::check_disk_space(Clock::time_point now) {
  if (now < next_disk_check_) return;
  next_disk_check_ = now + kDiskCheckInterval;
  const uint64_t reserve = options_.disk_reserve_bytes;
  auto free = engine_.free_space();
  if (!free.ok()) {
    spdlog::warn("disk: cannot measure the free space: {}", free.status().ToString());
    return;
  }
  disk_free_bytes_.store(*free, std::memory_order_relaxed);
  // With no reserve (0) the free space is still reported, and an alarm this node raised under
  // an earlier setting is cleared.
  const bool was_low = disk_low_.load(std::memory_order_relaxed);
  const bool low = reserve != 0 && (was_low ? *free < reserve + reserve / 10 : *free < reserve);
  if (low != was_low) {
    disk_low_.store(low, std::memory_order_release);
    if (low) {
      spdlog::warn(
          "disk: {} bytes free in {}, below the reserve of {} bytes: raising the NOSPACE alarm; "
          "the cluster refuses writes that add data until space is freed",
          *free, engine_.dir(), reserve);
    } else {
      spdlog::info("disk: {} bytes free in {} again: clearing the NOSPACE alarm", *free,
                   engine_.dir());
    }
  }

  const std::vector<uint64_t> applied = engine_.space_alarms();
  const bool raised = std::binary_search(applied.begin(), applied.end(), options_.node_id);
  std::vector<std::string> proposals;
  if (raised != low)
    proposals.push_back(space_alarm_operation(options_.node_id, low, proposal_time_ms()));
  if (leader_id_.load() == options_.node_id) {
    const std::vector<raft::NodeId> members = member_ids(conf_);
    for (uint64_t id : applied) {
      if (std::find(members.begin(), members.end(), id) == members.end()) {
        proposals.push_back(space_alarm_operation(id, false, proposal_time_ms()));
      }
    }
  }
  // Made again at the next check until applied: a proposal dropped for want of a leader, or
  // lost with one, needs nothing else.
  for (auto& op : proposals) propose_internal(std::move(op));
}

}  // namespace seshat::replication
