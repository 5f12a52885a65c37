#include "kv/help_reply.h"

#include <string>
#include <utility>

namespace seshat::kv {

protocol::Reply help_reply(std::string_view container, const std::vector<std::string_view>& lines) {
  using protocol::Reply;
  std::vector<Reply> out;
  out.push_back(Reply::Simple(std::string(container) +
                              " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  for (auto line : lines) out.push_back(Reply::Simple(std::string(line)));
  out.push_back(Reply::Simple("HELP"));
  out.push_back(Reply::Simple("    Prints this help."));
  return Reply::Array(std::move(out));
}

}  // namespace seshat::kv
