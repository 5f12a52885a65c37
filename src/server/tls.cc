#include "server/tls.h"

#include <openssl/ssl.h>

#include <fstream>

namespace seshat::server {

namespace {

absl::Status file_problem(const std::string& option, const std::string& path,
                          const asio::error_code& ec) {
  return absl::InvalidArgumentError(option + " " + path + ": " + ec.message());
}

bool readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

absl::StatusOr<std::unique_ptr<asio::ssl::context>> make_client_tls_context(const Config& config) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  asio::error_code ec;
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                       ec);
  // OpenSSL's messages for a missing file are terse ("system lib"); say which one is missing.
  for (const auto& [option, path] :
       {std::pair<std::string, std::string>{"tls_cert_file", config.tls_cert_file},
        {"tls_key_file", config.tls_key_file}}) {
    if (!readable(path)) {
      return absl::InvalidArgumentError(option + " " + path + ": cannot be read");
    }
  }
  if (context->use_certificate_chain_file(config.tls_cert_file, ec); ec) {
    return file_problem("tls_cert_file", config.tls_cert_file, ec);
  }
  if (context->use_private_key_file(config.tls_key_file, asio::ssl::context::pem, ec); ec) {
    return file_problem("tls_key_file", config.tls_key_file, ec);
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return absl::InvalidArgumentError("tls_key_file " + config.tls_key_file +
                                      " is not the key of tls_cert_file " + config.tls_cert_file);
  }
  if (!config.tls_ca_cert_file.empty()) {
    if (!readable(config.tls_ca_cert_file)) {
      return absl::InvalidArgumentError("tls_ca_cert_file " + config.tls_ca_cert_file +
                                        ": cannot be read");
    }
    if (context->load_verify_file(config.tls_ca_cert_file, ec); ec) {
      return file_problem("tls_ca_cert_file", config.tls_ca_cert_file, ec);
    }
  }
  asio::ssl::verify_mode mode = asio::ssl::verify_none;
  if (config.tls_auth_clients == "yes") {
    mode = asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert;
  } else if (config.tls_auth_clients == "optional") {
    mode = asio::ssl::verify_peer;
  }
  context->set_verify_mode(mode, ec);
  if (ec) return absl::InvalidArgumentError("tls_auth_clients: " + ec.message());
  return context;
}

}  // namespace seshat::server
