// Fuzzes what a peer's Send stream delivers: the bytes of one MessageBatch, as gRPC hands them
// to the transport. Parsing and transport::decode_batch must never crash, whatever the bytes;
// a batch they accept holds only messages that may be stepped (the batch's own sender and
// receiver, no local-only type, nothing raft::malformed_peer_message refuses), and each
// accepted message encodes back to a protobuf that decodes to the same message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "raft.pb.h"
#include "transport/message_codec.h"

namespace {

void fail(const char* why) {
  std::fprintf(stderr, "%s\n", why);
  std::abort();
}

std::string wire(const seshat::raft::Message& m) {
  seshat::transport::pb::Message pm;
  seshat::transport::to_proto(m, &pm);
  return pm.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace pb = seshat::transport::pb;
  pb::MessageBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  const uint64_t from = batch.from();
  const uint64_t to = batch.to();
  seshat::transport::DecodedBatch decoded = seshat::transport::decode_batch(batch);
  if (!decoded.error.empty() && !decoded.messages.empty()) fail("a refused batch kept messages");
  for (const seshat::raft::Message& m : decoded.messages) {
    if (m.from != from || m.to != to) fail("an accepted message speaks for another node");
    if (seshat::raft::is_local_message(m.type)) fail("a local-only message was accepted");
    if (!seshat::raft::malformed_peer_message(m).empty()) fail("a malformed message was accepted");
    const std::string bytes = wire(m);
    pb::Message again;
    if (!again.ParseFromString(bytes)) fail("an accepted message does not parse back");
    auto back = seshat::transport::from_proto(std::move(again));
    if (!back || wire(*back) != bytes) fail("an accepted message does not round-trip");
  }
  return 0;
}
