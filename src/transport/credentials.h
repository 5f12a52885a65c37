// gRPC credentials for the peer links: mutual TLS when the node has PeerTls (tls_cluster),
// plain text otherwise. Internal to the transport layer.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <optional>

#include "transport/transport.h"

namespace seshat::transport {

// The server asks every caller for a certificate and refuses one that ca_certs did not sign.
std::shared_ptr<grpc::ServerCredentials> server_credentials(const std::optional<PeerTls>& tls);
// The caller shows its certificate and checks the server's against ca_certs and the address.
std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const std::optional<PeerTls>& tls);

}  // namespace seshat::transport
