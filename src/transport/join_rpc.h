// The Join admin RPC: plain structs (transport.h) <-> protobuf, for the service (raft_service)
// and the client (request_join in grpc_transport.h). Internal to the transport layer.
#pragma once

#include "raft.pb.h"
#include "transport/transport.h"

namespace seshat::transport {

JoinRequest from_proto(const JoinClusterRequest& in);
void to_proto(const JoinRequest& in, JoinClusterRequest* out);
JoinReply from_proto(const JoinClusterResponse& in);
void to_proto(const JoinReply& in, JoinClusterResponse* out);

}  // namespace seshat::transport
