// A protocol-neutral reply value. Command handlers build one; each connection serialises it in
// the protocol version it negotiated (RESP2, or RESP3 after HELLO 3), so a handler never needs to
// know which version its client speaks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seshat::protocol {

class Reply {
 public:
  enum class Type : uint8_t {
    kSimple,     // +OK
    kError,      // -ERR ... (text holds the whole line without the leading '-')
    kInteger,    // :1
    kBulk,       // $3 foo
    kNull,       // RESP2 $-1, RESP3 _
    kNullArray,  // RESP2 *-1, RESP3 _
    kArray,      // *N
    kMap,        // RESP3 %N, RESP2 flat array of 2N
    kSet,        // RESP3 ~N, RESP2 array
    kDouble,     // RESP3 ,1.5, RESP2 bulk string
    kBool,       // RESP3 #t, RESP2 integer 1/0
    kVerbatim,   // RESP3 =N txt:..., RESP2 bulk string
    kPush,       // RESP3 >N, RESP2 array
    kPairs,      // items alternate a, b: RESP3 *N of *2 [a, b], RESP2 flat array of 2N
                 // (HRANDFIELD ... WITHVALUES, and later ZRANGE ... WITHSCORES)
  };

  Reply() : type_(Type::kNull) {}

  static Reply Simple(std::string s) { return Reply(Type::kSimple, std::move(s)); }
  static Reply Ok() { return Simple("OK"); }
  static Reply Queued() { return Simple("QUEUED"); }
  // `message` is the full error line without '-', e.g. "ERR syntax error" or "WRONGTYPE ...".
  static Reply Error(std::string message) { return Reply(Type::kError, std::move(message)); }
  static Reply Integer(int64_t v) {
    Reply r(Type::kInteger, {});
    r.integer_ = v;
    return r;
  }
  static Reply Bulk(std::string s) { return Reply(Type::kBulk, std::move(s)); }
  static Reply Null() { return Reply(Type::kNull, {}); }
  static Reply NullArray() { return Reply(Type::kNullArray, {}); }
  static Reply Array(std::vector<Reply> items = {}) {
    return Aggregate(Type::kArray, std::move(items));
  }
  // items alternate key, value.
  static Reply Map(std::vector<Reply> items = {}) {
    return Aggregate(Type::kMap, std::move(items));
  }
  static Reply Pairs(std::vector<Reply> items = {}) {
    return Aggregate(Type::kPairs, std::move(items));
  }
  static Reply Set(std::vector<Reply> items = {}) {
    return Aggregate(Type::kSet, std::move(items));
  }
  static Reply Push(std::vector<Reply> items = {}) {
    return Aggregate(Type::kPush, std::move(items));
  }
  // `text` is the double already formatted the way Redis formats it (e.g. "3.5", "inf"): use
  // format_reply_double() from protocol/number_format.h.
  static Reply Double(std::string text) { return Reply(Type::kDouble, std::move(text)); }
  static Reply Bool(bool b) {
    Reply r(Type::kBool, {});
    r.integer_ = b ? 1 : 0;
    return r;
  }
  // RESP3 verbatim string with format "txt"; RESP2 sees a bulk string.
  static Reply Verbatim(std::string s) { return Reply(Type::kVerbatim, std::move(s)); }

  Type type() const { return type_; }
  bool is_error() const { return type_ == Type::kError; }
  const std::string& str() const { return str_; }
  int64_t integer() const { return integer_; }
  const std::vector<Reply>& items() const { return items_; }
  std::vector<Reply>& mutable_items() { return items_; }

  bool operator==(const Reply& o) const = default;

 private:
  Reply(Type t, std::string s) : type_(t), str_(std::move(s)) {}
  static Reply Aggregate(Type t, std::vector<Reply> items) {
    Reply r(t, {});
    r.items_ = std::move(items);
    return r;
  }

  Type type_;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<Reply> items_;
};

}  // namespace seshat::protocol
