#include "protocol/inline_args.h"

namespace seshat::protocol {
namespace {

// isspace() in the C locale, without depending on the process locale.
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads `line` as Redis reads its C string: past the end there is a NUL.
class Cursor {
 public:
  explicit Cursor(std::string_view line) : line_(line) {}
  char at(size_t offset = 0) const {
    return pos_ + offset < line_.size() ? line_[pos_ + offset] : '\0';
  }
  bool at_end() const { return pos_ >= line_.size(); }
  void advance(size_t n = 1) { pos_ += n; }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

// The byte that "\<c>" stands for inside double quotes: \" \\ and any other \c are c itself.
char unescape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
  }
}

enum class Quote { kNone, kDouble, kSingle };

// Reads one argument starting at a non-blank byte. Returns false on unbalanced quotes.
bool read_argument(Cursor& in, std::string& arg) {
  Quote quote = Quote::kNone;
  for (;;) {
    const char c = in.at();
    if (quote == Quote::kDouble) {
      if (c == '\\' && in.at(1) == 'x' && hex_value(in.at(2)) >= 0 && hex_value(in.at(3)) >= 0) {
        arg.push_back(static_cast<char>(hex_value(in.at(2)) * 16 + hex_value(in.at(3))));
        in.advance(4);
      } else if (c == '\\' && in.at(1) != '\0') {
        const char escaped = unescape(in.at(1));
        arg.push_back(escaped);
        in.advance(2);
      } else if (c == '"') {
        // `"foo"bar` is rejected rather than guessed at.
        if (in.at(1) != '\0' && !is_blank(in.at(1))) return false;
        in.advance();
        return true;
      } else if (c == '\0') {
        return false;
      } else {
        arg.push_back(c);
        in.advance();
      }
    } else if (quote == Quote::kSingle) {
      if (c == '\\' && in.at(1) == '\'') {
        arg.push_back('\'');
        in.advance(2);
      } else if (c == '\'') {
        if (in.at(1) != '\0' && !is_blank(in.at(1))) return false;
        in.advance();
        return true;
      } else if (c == '\0') {
        return false;
      } else {
        arg.push_back(c);
        in.advance();
      }
    } else {
      switch (c) {
        // Only these end an unquoted argument: '\v' and '\f' belong to it, as in Redis.
        case ' ':
        case '\t':
        case '\r':
        case '\n':
        case '\0': in.advance(); return true;
        case '"': quote = Quote::kDouble; break;
        case '\'': quote = Quote::kSingle; break;
        default: arg.push_back(c); break;
      }
      in.advance();
    }
  }
}

}  // namespace

bool split_inline_args(std::string_view line, std::vector<std::string>& args) {
  args.clear();
  line = line.substr(0, line.find('\0'));
  Cursor in(line);
  for (;;) {
    while (!in.at_end() && is_blank(in.at())) in.advance();
    if (in.at_end()) return true;
    if (!read_argument(in, args.emplace_back())) {
      args.clear();
      return false;
    }
  }
}

}  // namespace seshat::protocol
