#include "transport/join_rpc.h"

#include <grpcpp/grpcpp.h>

#include "raft.grpc.pb.h"
#include "transport/credentials.h"
#include "transport/deadline.h"
#include "transport/grpc_transport.h"

namespace seshat::transport {

JoinRequest from_proto(const JoinClusterRequest& in) {
  JoinRequest out;
  out.cluster_id = in.cluster_id();
  out.node_id = in.node_id();
  out.internal_addr = in.internal_addr();
  out.client_addr = in.client_addr();
  return out;
}

void to_proto(const JoinRequest& in, JoinClusterRequest* out) {
  out->set_cluster_id(in.cluster_id);
  out->set_node_id(in.node_id);
  out->set_internal_addr(in.internal_addr);
  out->set_client_addr(in.client_addr);
}

JoinReply from_proto(const JoinClusterResponse& in) {
  JoinReply out;
  switch (in.outcome()) {
    case JoinClusterResponse::JOIN_OK: out.outcome = JoinReply::Outcome::kOk; break;
    case JoinClusterResponse::JOIN_REDIRECT: out.outcome = JoinReply::Outcome::kRedirect; break;
    case JoinClusterResponse::JOIN_REFUSED: out.outcome = JoinReply::Outcome::kRefused; break;
    default: out.outcome = JoinReply::Outcome::kRetry; break;
  }
  out.error = in.error();
  out.cluster_id = in.cluster_id();
  for (const auto& m : in.members()) {
    out.members.push_back(MemberInfo{m.id(), m.internal_addr(), m.client_addr(), m.learner()});
  }
  out.leader_id = in.leader_id();
  out.leader_addr = in.leader_addr();
  return out;
}

void to_proto(const JoinReply& in, JoinClusterResponse* out) {
  switch (in.outcome) {
    case JoinReply::Outcome::kOk: out->set_outcome(JoinClusterResponse::JOIN_OK); break;
    case JoinReply::Outcome::kRedirect: out->set_outcome(JoinClusterResponse::JOIN_REDIRECT); break;
    case JoinReply::Outcome::kRetry: out->set_outcome(JoinClusterResponse::JOIN_RETRY); break;
    case JoinReply::Outcome::kRefused: out->set_outcome(JoinClusterResponse::JOIN_REFUSED); break;
  }
  out->set_error(in.error);
  out->set_cluster_id(in.cluster_id);
  for (const auto& m : in.members) {
    MemberRecord* r = out->add_members();
    r->set_id(m.id);
    r->set_internal_addr(m.internal_addr);
    r->set_client_addr(m.client_addr);
    r->set_learner(m.learner);
  }
  out->set_leader_id(in.leader_id);
  out->set_leader_addr(in.leader_addr);
}

JoinReply request_join(const std::string& addr, const JoinRequest& request,
                       std::chrono::milliseconds timeout, const std::optional<PeerTls>& tls) {
  auto channel = grpc::CreateChannel(addr, channel_credentials(tls));
  auto stub = RaftTransport::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(deadline_after(timeout));
  JoinClusterRequest req;
  to_proto(request, &req);
  JoinClusterResponse resp;
  grpc::Status st = stub->Join(&ctx, req, &resp);
  if (!st.ok()) {
    JoinReply out;
    out.outcome = JoinReply::Outcome::kRetry;
    out.error = "cannot reach " + addr + ": " + st.error_message();
    return out;
  }
  JoinReply out = from_proto(resp);
  if (resp.outcome() == JoinClusterResponse::JOIN_UNSPECIFIED && out.error.empty()) {
    out.error = addr + " answered without an outcome";
  }
  return out;
}

}  // namespace seshat::transport
