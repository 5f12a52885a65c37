// Hash slots and redirects, computed exactly as Redis Cluster does so that cluster-aware
// clients (redis-cli -c, redis-py RedisCluster, go-redis ClusterClient) agree with us on where a
// key lives and follow our redirects by themselves.
//
// Seshat is ONE shard: the Raft leader owns all 16384 slots. A node redirects a keyed command to
// the leader with the command's slot, so the client's slot table stays right; but since every
// slot lives in the same shard, a multi-key command whose keys hash to different slots (MGET a b,
// RENAME a b) is served as it is, never refused with CROSSSLOT as Redis Cluster would. Clients
// that split such commands per slot themselves (redis-py's mget_nonatomic) work either way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kv/command.h"
#include "replication/cluster_view.h"

namespace seshat::cluster {

using replication::ClusterMember;
using replication::ClusterView;

inline constexpr uint16_t kClusterSlots = 16384;
// Redis's text, byte for byte: clients retry on the CLUSTERDOWN prefix.
inline constexpr std::string_view kClusterDownError = "CLUSTERDOWN The cluster is down";

// CRC16/XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster hashes keys with.
uint16_t crc16_xmodem(std::string_view bytes);

// The slot of a key: CRC16 mod 16384 of the key, or of its hash tag when it has one. The tag is
// what lies between the first '{' and the first '}' after it, and only when that is non-empty
// ("{user1}.a" and "{user1}.b" share a slot; "a{}{b}" hashes the whole key).
uint16_t key_hash_slot(std::string_view key);

// The slot of the command's first key, or nullopt for a command without keys.
std::optional<uint16_t> command_slot(const kv::CommandSpec& spec, const kv::Argv& argv);

// "MOVED <slot> <addr>", the error line (without '-') that sends a client to `addr`.
std::string moved_error(uint16_t slot, const std::string& addr);

// Whether this node must turn a command away before running it, and with what error line:
//  - keyless commands are never redirected (nullopt);
//  - the leader serves everything (nullopt);
//  - with no leader known: CLUSTERDOWN, a retryable error (clients refresh and retry);
//  - a follower serves a read on a connection that sent READONLY (nullopt; the read path still
//    makes it linearizable through ReadIndex);
//  - any other command gets MOVED to the leader's client address, or CLUSTERDOWN if that
//    address is not known yet (the membership that names it has not reached this node).
std::optional<std::string> redirect_for(const ClusterView& view, const kv::CommandSpec& spec,
                                        const kv::Argv& argv, bool connection_readonly,
                                        bool command_is_write);

}  // namespace seshat::cluster
