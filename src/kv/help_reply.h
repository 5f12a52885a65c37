// The reply of a container command's HELP (CLIENT HELP, OBJECT HELP, ...): Redis's header line,
// the container's own lines, and the entry for HELP itself, each a simple string.
#pragma once

#include <string_view>
#include <vector>

#include "protocol/reply.h"

namespace seshat::kv {

protocol::Reply help_reply(std::string_view container, const std::vector<std::string_view>& lines);

}  // namespace seshat::kv
