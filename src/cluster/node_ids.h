// The names Redis Cluster clients see for Seshat's members and its one shard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace seshat::cluster {

// Redis Cluster node ids are 40 lower-case hex characters. Seshat derives them from the cluster
// id and the numeric node id (a fixed 64-bit mix, see node_ids.cc), so every member computes
// the same id for the same node without exchanging anything, and the id survives restarts.
std::string redis_node_id(std::string_view cluster_id, uint64_t node_id);
// The one shard's id (CLUSTER MYSHARDID, CLUSTER SHARDS): 40 hex characters from the cluster id.
std::string redis_shard_id(std::string_view cluster_id);

}  // namespace seshat::cluster
