// The subcommands of the container commands (CLIENT, COMMAND, CONFIG, CLUSTER, and OBJECT, whose
// subcommands the state machine runs). The command table lists the containers only; their
// subcommands live here, in the same CommandSpec shape, so that arity errors ("'client|setname'"),
// COMMAND INFO/DOCS/LIST and redis-cli's hints treat them exactly like Redis 7.0 does. Only
// subcommands Seshat implements are listed (CLUSTER excepted, see below): a client asking for
// another one gets Redis's "unknown subcommand" error instead of a reply that pretends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kv/command.h"

namespace seshat::kv {

// The subcommands of `container` (a lower-case command name); empty when it has none.
const std::vector<CommandSpec>& subcommands_of(std::string_view container);

// Case-insensitive lookup of `sub` under `container`; nullptr when unknown.
const CommandSpec* find_subcommand(std::string_view container, std::string_view sub);

// True for the commands whose first argument names a subcommand.
bool is_container(std::string_view name);

// "container|sub" in lower case for a known subcommand of a container command (what INFO
// commandstats and error texts call it), or "" when argv names no known subcommand.
std::string subcommand_full_name(const Argv& argv);

// Validation Redis does before running a container command: the error line for an unknown
// subcommand or a subcommand with the wrong number of arguments, or "" when argv may run.
// CLUSTER subcommands are checked by name and arity although none is implemented yet (a
// standalone node answers them all with "cluster support disabled", as Redis does).
std::string subcommand_error(const Argv& argv);

}  // namespace seshat::kv
