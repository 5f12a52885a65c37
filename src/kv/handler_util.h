// Small helpers shared by the command handlers of src/kv.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kv/command.h"
#include "kv/errors.h"
#include "protocol/number_format.h"
#include "protocol/reply.h"
#include "storage/keyspace.h"

namespace seshat::kv {

inline protocol::Reply error_reply(std::string_view message) {
  return protocol::Reply::Error(std::string(message));
}

// Whether a command argument names `option` (lower case, no NUL). Redis compares option names
// as C strings (strcasecmp, or by hand for two-letter ones like "ex"), so the comparison is
// ASCII case-insensitive and stops at a NUL byte in the argument: "ex\0junk" means "ex".
inline bool is_option(std::string_view arg, std::string_view option) {
  arg = arg.substr(0, arg.find('\0'));
  if (arg.size() != option.size()) return false;
  for (size_t i = 0; i < arg.size(); ++i) {
    char c = arg[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != option[i]) return false;
  }
  return true;
}

// Looks `key` up the way Redis's lookupKeyRead does: the lookup counts as a keyspace hit or
// miss (INFO stats). Writes that only check a key use ctx.keyspace.get() directly.
inline std::optional<storage::Record> read_key(CommandContext& ctx, std::string_view key) {
  auto rec = ctx.keyspace.get(key);
  if (ctx.lookups != nullptr) ++(rec ? ctx.lookups->hits : ctx.lookups->misses);
  return rec;
}

// Redis's reading of a [start, end] index range over `size` elements (LRANGE, LTRIM, ZRANGE,
// ZREMRANGEBYRANK): negative indexes count from the end, the range is clipped to the
// elements; the inclusive range it covers, or nullopt when that is empty.
inline std::optional<std::pair<int64_t, int64_t>> resolve_index_range(int64_t start, int64_t end,
                                                                      int64_t size) {
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return std::nullopt;
  return std::make_pair(start, std::min(end, size - 1));
}

inline bool is_string(const std::optional<storage::Record>& rec) {
  return rec && rec->type == storage::ValueType::kString;
}
// A live key of another type than the command works on.
inline bool wrong_type(const std::optional<storage::Record>& rec, storage::ValueType want) {
  return rec && rec->type != want;
}

inline protocol::Reply bulk_or_null(const std::optional<storage::Record>& rec) {
  return rec ? protocol::Reply::Bulk(rec->value) : protocol::Reply::Null();
}

// The options after a SCAN-family cursor: COUNT n (at least 1), MATCH pattern, and for SCAN
// itself TYPE name. `error` is set, and false returned, for anything else.
struct ScanOptions {
  int64_t count = 10;
  const std::string* pattern = nullptr;  // nullptr matches everything ("*" too)
  const std::string* type = nullptr;
};

inline bool parse_scan_options(const Argv& argv, size_t first, bool allow_type, ScanOptions& out,
                               protocol::Reply& error) {
  for (size_t i = first; i < argv.size(); i += 2) {
    const bool has_value = i + 1 < argv.size();
    if (is_option(argv[i], "count") && has_value) {
      auto n = protocol::parse_int64(argv[i + 1]);
      if (!n) {
        error = error_reply(err::kNotInteger);
        return false;
      }
      if (*n < 1) {
        error = error_reply(err::kSyntax);
        return false;
      }
      out.count = *n;
    } else if (is_option(argv[i], "match") && has_value) {
      out.pattern = argv[i + 1] == "*" ? nullptr : &argv[i + 1];
    } else if (allow_type && is_option(argv[i], "type") && has_value) {
      out.type = &argv[i + 1];
    } else {
      error = error_reply(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Writes `rec` (a live value of any type, read from `from`) under `to`, replacing what `to`
// held: RENAME and COPY. A collection gets a new generation with a copy of every member.
inline void copy_value(storage::Keyspace& ks, const storage::Record& rec, std::string_view from,
                       std::string_view to) {
  if (rec.type == storage::ValueType::kString) {
    ks.put(to, rec.value, rec.expire_at_ms);
    return;
  }
  auto meta = storage::decode_collection_meta(rec.value);
  if (!meta) return;                     // a record this version cannot read: nothing sane to copy
  storage::CollectionMeta copy = *meta;  // a list keeps its positions
  auto copy_members = [&](uint64_t source, uint64_t target) {
    ks.scan_members(from, source, {}, [&](std::string_view member, std::string_view value) {
      ks.put_member(to, target, member, value);
      return true;
    });
  };
  copy.generation = ks.new_generation();
  copy_members(meta->generation, copy.generation);
  if (meta->index_generation != 0) {  // a sorted set's score index
    copy.index_generation = ks.new_generation();
    copy_members(meta->index_generation, copy.index_generation);
  }
  ks.put_record(to, rec.type, storage::encode_collection_meta(copy), rec.expire_at_ms);
}

// Writes a record whose absolute expiry may already have passed. Redis deletes such a key at
// once instead of keeping a dead value around (SET ... PXAT <past>, EXPIRE with a negative time,
// GETEX ... EXAT <past>); storing and then erasing leaves the same state and a tombstone, so a
// WATCH on the key still sees the write. "Already expired" here is expire_at <= now (Redis's
// checkAlreadyExpired), unlike visibility, where a record is expired only once now > expire_at:
// at expire_at == now the record would still be live, so it is erased rather than purged.
inline void put_maybe_expired(storage::Keyspace& ks, std::string_view key, std::string_view value,
                              int64_t expire_at_ms) {
  ks.put(key, value, expire_at_ms);
  if (expire_at_ms != 0 && expire_at_ms <= ks.now_ms()) ks.erase(key);
}

}  // namespace seshat::kv
