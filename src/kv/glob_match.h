// Glob-style matching with the exact rules of Redis's stringmatchlen (KEYS, SCAN MATCH):
// `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (ends in either order), `\x` escapes. Clients rely on its
// corner cases (an unclosed `[` still matching, bytes compared as signed chars in ranges), so it
// is reproduced rule for rule rather than delegated to fnmatch.
#pragma once

#include <string_view>

namespace seshat::kv {

bool glob_match(std::string_view pattern, std::string_view subject);

// The same ignoring ASCII case, as Redis's stringmatchlen(..., nocase=1) does for CONFIG GET
// and COMMAND LIST FILTERBY PATTERN.
bool glob_match_nocase(std::string_view pattern, std::string_view subject);

}  // namespace seshat::kv
