// raft::Message <-> protobuf (proto/raft.proto), one field to one field, so that
// from_proto(to_proto(m)) == m for every message the Raft core can produce. Internal to the
// transport layer (and its tests): it pulls in the generated protobuf header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "raft.pb.h"
#include "raft/types.h"

namespace seshat::transport {

namespace pb = ::seshat::transport;

// Moves the byte strings (entry data, snapshot data, context) into the protobuf rather than
// copying them: the sender thread owns its messages and encodes each once.
void to_proto(raft::Message&& in, pb::Message* out);
void to_proto(const raft::Message& in, pb::Message* out);
void to_proto(const raft::SnapshotMetadata& in, pb::SnapshotMetadata* out);

// std::nullopt when the bytes name a message or entry type that raft::MessageType /
// raft::EntryType does not have (a newer or corrupt peer): the caller rejects the batch.
// Consumes `in`'s byte strings.
std::optional<raft::Message> from_proto(pb::Message&& in);
raft::SnapshotMetadata from_proto(const pb::SnapshotMetadata& in);

// The messages of a batch whose identity (cluster id, sender, receiver) the caller checked, ready
// to step, in order. Refused as a whole (`error` says why) when a message names another sender
// or receiver than the batch (`wrong_identity`), does not decode, or is malformed
// (raft::malformed_peer_message). Messages only the local node may generate are dropped.
// Consumes the batch's byte strings.
struct DecodedBatch {
  std::vector<raft::Message> messages;
  std::string error;  // empty: accepted
  bool wrong_identity = false;
};
DecodedBatch decode_batch(pb::MessageBatch& batch);

// The bytes a message counts for in the send queue's byte bound: payloads plus a fixed
// allowance per message and entry, without encoding it (send() runs on the driver's thread).
size_t approximate_size(const raft::Message& m);

}  // namespace seshat::transport
