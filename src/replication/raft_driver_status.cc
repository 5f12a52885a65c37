// What the Raft driver publishes for other threads: the INFO "raft" section and the group
// status (ClusterView) the front end and the cluster room read, refreshed by the driver thread
// on membership and leader changes, on every maintenance interval, and on demand.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "replication/cluster_view.h"
#include "replication/membership.h"
#include "replication/raft_driver.h"
#include "transport/transport.h"

namespace seshat::replication {

void RaftDriver::publish_view() {
  auto status = node_->status();
  {
    std::lock_guard lock(status_mu_);
    std::string s = "# Raft\r\n";
    s += "raft_node_id:" + std::to_string(options_.node_id) + "\r\n";
    s += "raft_role:" + std::string(raft::to_string(status.soft_state.state)) + "\r\n";
    s += "raft_term:" + std::to_string(status.hard_state.term) + "\r\n";
    s += "raft_leader_id:" + std::to_string(status.soft_state.lead) + "\r\n";
    s += "raft_commit_index:" + std::to_string(status.hard_state.commit) + "\r\n";
    s += "raft_applied_index:" + std::to_string(applied_) + "\r\n";
    s += "raft_snapshot_index:" + std::to_string(last_snapshot_index_) + "\r\n";
    s += "raft_last_election_ms:" + std::to_string(last_election_ms_.load()) + "\r\n";
    const char* mode = options_.stale_reads   ? "stale"
                       : options_.lease_reads ? "lease"
                                              : "readindex";
    s += "raft_read_mode:" + std::string(mode) + "\r\n";
    s += "raft_read_rounds:" + std::to_string(read_rounds_) + "\r\n";
    const uint64_t local = local_reads_.served();
    s += "raft_lease_reads:" +
         std::to_string(lease_reads_.load() + (options_.stale_reads ? 0 : local)) + "\r\n";
    s += "raft_local_reads:" + std::to_string(local) + "\r\n";
    s += "raft_lease_index:" + std::to_string(lease_index_) + "\r\n";
    s += "raft_lease_expiry_ms:" + std::to_string(lease_expiry_ms_) + "\r\n";
    s += "raft_leader_changes:" + std::to_string(leader_changes_) + "\r\n";
    s += "raft_proposals_pending:" + std::to_string(proposals_.size()) + "\r\n";
    s += "raft_snapshots_installed:" + std::to_string(snapshots_installed_) + "\r\n";
    s += "raft_snapshot_install_ms:" + std::to_string(snapshot_install_ms_) + "\r\n";
    s += "raft_log_compactions:" + std::to_string(log_compactions_) + "\r\n";
    s += "raft_applies_before_sync:" + std::to_string(applies_before_sync_) + "\r\n";
    // The NOSPACE alarm (raft_driver_disk.cc): this node's measurement, and every raised alarm.
    s += "disk_free_bytes:" + std::to_string(disk_free_bytes_.load()) + "\r\n";
    s += "disk_reserve_bytes:" + std::to_string(options_.disk_reserve_bytes) + "\r\n";
    s += "disk_space_low:" + std::string(disk_low_.load() ? "1" : "0") + "\r\n";
    const std::vector<uint64_t> alarms = space_alarms();
    s += "space_alarm_count:" + std::to_string(alarms.size()) + "\r\n";
    std::string listed;
    for (uint64_t id : alarms) listed += (listed.empty() ? "" : ",") + std::to_string(id);
    s += "space_alarms:" + listed + "\r\n";
    // Every member with its addresses and role, on every node.
    s += "raft_members:" + std::to_string(member_ids(conf_).size()) + "\r\n";
    for (raft::NodeId id : member_ids(conf_)) {
      auto m = book_.find(id);
      auto c = client_addrs_.find(id);
      std::string client = c != client_addrs_.end() ? c->second
                           : m != book_.end()       ? m->second.client_addr
                                                    : std::string();
      s += "raft_member_" + std::to_string(id) +
           ":internal_addr=" + (m != book_.end() ? m->second.internal_addr : std::string()) +
           ",client_addr=" + client + ",role=" + (is_learner(conf_, id) ? "learner" : "voter") +
           "\r\n";
    }
    if (removed_) s += "raft_removed:1\r\n";
    peer_ids_.clear();
    for (raft::NodeId id : member_ids(conf_)) {
      if (id != options_.node_id) peer_ids_.push_back(id);
    }
    for (const auto& [id, pr] : status.progress) {
      s += "raft_peer_" + std::to_string(id) + ":match=" + std::to_string(pr.match) +
           ",next=" + std::to_string(pr.next) + ",lag=" +
           std::to_string(status.hard_state.commit > pr.match ? status.hard_state.commit - pr.match
                                                              : 0) +
           "\r\n";
    }
    // This node's links to its peers, as its transport counts them.
    if (transport_ != nullptr) {
      for (raft::NodeId id : peer_ids_) {
        const transport::LinkStats l = transport_->link_stats(id);
        const uint64_t dropped =
            l.dropped_queue_full + l.dropped_blocked + l.dropped_fault + l.dropped_disconnected;
        s += "raft_link_" + std::to_string(id) + ":connected=" + (l.connected ? "1" : "0") +
             ",sent_messages=" + std::to_string(l.sent_messages) +
             ",dropped_messages=" + std::to_string(dropped) +
             ",connect_failures=" + std::to_string(l.connect_failures) +
             ",snapshots_sent=" + std::to_string(l.snapshots_sent) +
             ",snapshots_failed=" + std::to_string(l.snapshots_failed) +
             ",snapshot_ms=" + std::to_string(l.snapshot_ms) + "\r\n";
      }
    }
    status_text_ = std::move(s);
  }
  if (cluster_view_ == nullptr) return;
  ClusterView view;
  view.self_id = options_.node_id;
  // A removed node no longer follows anyone: it must not send clients to a leader that will
  // not take them.
  view.leader_id = removed_ ? 0 : status.soft_state.lead;
  view.term = status.hard_state.term;
  view.config_epoch = status.hard_state.term;
  view.cluster_id = engine_.cluster_id();
  for (raft::NodeId id : member_ids(conf_)) {
    ClusterMember cm;
    cm.id = id;
    auto known = book_.find(id);
    if (known != book_.end()) cm.internal_addr = known->second.internal_addr;
    auto it = client_addrs_.find(id);
    if (it != client_addrs_.end()) {
      cm.client_addr = it->second;
    } else if (known != book_.end()) {
      cm.client_addr = known->second.client_addr;
    }
    if (auto tls = client_tls_ports_.find(id); tls != client_tls_ports_.end()) {
      cm.client_tls_port = tls->second;
    }
    cm.is_leader = id == view.leader_id;
    cm.is_learner = is_learner(conf_, id);
    auto pr = status.progress.find(id);
    // Reachability as far as this node can tell: the leader knows whom it heard from within
    // the last election timeout; a follower knows whether its own link to the peer is up.
    if (id == options_.node_id) {
      cm.connected = true;
    } else if (status.soft_state.state == raft::StateType::kLeader && pr != status.progress.end()) {
      cm.connected = pr->second.recent_active;
    } else if (transport_ != nullptr) {
      cm.connected = transport_->link_stats(id).connected;
    }
    cm.match_index = pr != status.progress.end() ? pr->second.match : 0;
    view.members.push_back(std::move(cm));
  }
  cluster_view_->publish(std::move(view));
}

bool RaftDriver::refresh_status(std::chrono::milliseconds wait) {
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  auto waiter = std::make_shared<Waiter>();
  enqueue(RefreshInput{[waiter] {
    {
      std::lock_guard lock(waiter->mu);
      waiter->done = true;
    }
    waiter->cv.notify_all();
  }});
  std::unique_lock lock(waiter->mu);
  return waiter->cv.wait_for(lock, wait, [&] { return waiter->done; });
}

std::string RaftDriver::info_raft() const {
  std::lock_guard lock(status_mu_);
  return status_text_;
}

}  // namespace seshat::replication
