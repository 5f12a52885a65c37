// Reading the node's settings (server/config.h): `--config FILE` loads TOML in the seed
// project's format ([node], [cluster], [raft], [limits], [server]), then flags override single
// keys; a bad value names the key. Every key has a flag (`build/seshat --help` lists them).
#pragma once

#include <optional>
#include <string>

#include "server/config.h"

namespace seshat::node {

using server::Config;
using server::Member;

struct ParseOutcome {
  std::optional<Config> config;  // set when the node should start
  int exit_code = 0;             // when config is empty: 0 for --help/--version, non-zero on error
  std::string message;           // what to print (help text, or the error naming the bad key)
};

// Parses argv: `--config FILE` loads TOML first, then flags override single keys.
ParseOutcome parse_config(int argc, const char* const* argv);

// Checks cross-field rules (timeouts ordered, addresses host:port, ...); returns an error naming
// the key, or an empty string.
std::string validate_config(const Config& config);

}  // namespace seshat::node
