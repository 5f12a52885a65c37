#include "kv/glob_match.h"

#include <utility>

#include "kv/ascii.h"

namespace seshat::kv {

namespace {

// Redis stops recursing at this depth (one level per `*`) and reports no match, so that a
// hostile pattern cannot exhaust the stack; matching it is part of being Redis-exact.
constexpr int kMaxNesting = 1000;

// Redis matches over NUL-terminated buffers and sometimes peeks one byte past the pattern's
// length (where it finds the terminator). `at` reproduces that: past the end reads as '\0'.
// Bytes are signed chars, as in Redis on x86-64 and aarch64-with-signed-char builds, which
// matters for ranges over bytes >= 0x80.
struct Cursor {
  std::string_view s;
  size_t pos = 0;
  size_t left() const { return s.size() - pos; }
  int at(size_t i) const {
    return pos + i < s.size() ? static_cast<int>(static_cast<signed char>(s[pos + i])) : 0;
  }
};

bool match(Cursor p, Cursor str, bool& skip_longer, int nesting) {
  if (nesting > kMaxNesting) return false;
  while (p.left() > 0 && str.left() > 0) {
    switch (p.at(0)) {
      case '*': {
        while (p.left() > 0 && p.at(1) == '*') ++p.pos;
        if (p.left() == 1) return true;
        Cursor rest = p;
        ++rest.pos;
        while (str.left() > 0) {
          if (match(rest, str, skip_longer, nesting + 1)) return true;
          // The rest of the pattern matched nowhere after this point; a longer match for an
          // earlier star cannot help either (Redis's guard against exponential patterns).
          if (skip_longer) return false;
          ++str.pos;
        }
        skip_longer = true;
        return false;
      }
      case '?': ++str.pos; break;
      case '[': {
        ++p.pos;
        bool negate = p.at(0) == '^';
        if (negate) ++p.pos;
        bool matched = false;
        int c = str.at(0);
        while (true) {
          if (p.at(0) == '\\' && p.left() >= 2) {
            ++p.pos;
            if (p.at(0) == c) matched = true;
          } else if (p.at(0) == ']') {
            break;
          } else if (p.left() == 0) {
            // Unclosed class: step back so the pattern advance below lands on the end.
            --p.pos;
            break;
          } else if (p.left() >= 3 && p.at(1) == '-') {
            int lo = p.at(0), hi = p.at(2);
            if (lo > hi) std::swap(lo, hi);
            p.pos += 2;
            if (c >= lo && c <= hi) matched = true;
          } else if (p.at(0) == c) {
            matched = true;
          }
          ++p.pos;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++str.pos;
        break;
      }
      case '\\':
        if (p.left() >= 2) ++p.pos;
        [[fallthrough]];
      default:
        if (p.at(0) != str.at(0)) return false;
        ++str.pos;
        break;
    }
    ++p.pos;
    if (str.left() == 0) {
      while (p.at(0) == '*') ++p.pos;
      break;
    }
  }
  return p.left() == 0 && str.left() == 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view subject) {
  bool skip_longer = false;
  return match(Cursor{pattern}, Cursor{subject}, skip_longer, 0);
}

bool glob_match_nocase(std::string_view pattern, std::string_view subject) {
  return glob_match(lower(pattern), lower(subject));
}

}  // namespace seshat::kv
