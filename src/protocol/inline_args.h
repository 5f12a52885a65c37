// Splitting of an inline command line into arguments, with the quoting rules of Redis's
// sdssplitargs() (what redis-cli and `telnet` users type):
//   - arguments are separated by blanks; unquoted, an argument ends at ' ', '\t', '\r', '\n';
//   - "double quotes" understand \xHH (two hex digits), \n \r \t \b \a, and \<c> for any other c;
//   - 'single quotes' understand only \' ;
//   - a closing quote must be followed by a blank or the end of the line;
//   - a quote may open in the middle of an argument: a"b c" is the single argument `ab c`.
// The line ends at its first NUL byte, as it does for Redis's C string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seshat::protocol {

// Replaces `args` with the arguments of `line` (no trailing newline). Returns false, leaving
// `args` empty, on unbalanced quotes (or a closing quote followed by something other than a
// blank), which Redis reports as "Protocol error: unbalanced quotes in request".
bool split_inline_args(std::string_view line, std::vector<std::string>& args);

}  // namespace seshat::protocol
