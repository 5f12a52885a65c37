// Keyspace commands: DEL, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, TOUCH, COPY, DBSIZE,
// FLUSHDB/FLUSHALL. Semantics and error texts follow Redis 7.0's db.c. Seshat has one database
// (0) and one type (string).
#include <climits>
#include <functional>
#include <limits>
#include <string>

#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/glob_match.h"
#include "kv/handler_util.h"
#include "kv/help_reply.h"
#include "kv/number_parse.h"

namespace seshat::kv::cmd {

namespace {

Reply delete_keys(CommandContext& ctx, const Argv& argv) {
  int64_t deleted = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (ctx.keyspace.erase(argv[i])) ++deleted;
  }
  return Reply::Integer(deleted);
}

// EXISTS and TOUCH: a key named twice counts twice, as in Redis.
Reply count_existing(CommandContext& ctx, const Argv& argv) {
  int64_t n = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (read_key(ctx, argv[i])) ++n;
  }
  return Reply::Integer(n);
}

Reply rename_generic(CommandContext& ctx, const Argv& argv, bool nx) {
  auto& ks = ctx.keyspace;
  const std::string& from = argv[1];
  const std::string& to = argv[2];
  auto rec = ks.get(from);
  if (!rec) return error_reply(err::kNoSuchKey);
  // Renaming a key onto itself changes nothing, but still needs the key to exist.
  if (from == to) return nx ? Reply::Integer(0) : Reply::Ok();
  if (nx && ks.get(to)) return Reply::Integer(0);
  copy_value(ks, *rec, from, to);
  ks.erase(from);
  return nx ? Reply::Integer(1) : Reply::Ok();
}

// FLUSHDB and FLUSHALL take at most one of ASYNC or SYNC; both mean the same to Seshat, where a
// flush is one committed operation either way.
Reply flush(CommandContext& ctx, const Argv& argv) {
  if (argv.size() > 2 ||
      (argv.size() == 2 && !is_option(argv[1], "sync") && !is_option(argv[1], "async"))) {
    return error_reply(err::kSyntax);
  }
  ctx.keyspace.clear();
  return Reply::Ok();
}

}  // namespace

Reply del(CommandContext& ctx, const Argv& argv) { return delete_keys(ctx, argv); }

Reply unlink(CommandContext& ctx, const Argv& argv) { return delete_keys(ctx, argv); }

Reply exists(CommandContext& ctx, const Argv& argv) { return count_existing(ctx, argv); }

Reply touch(CommandContext& ctx, const Argv& argv) { return count_existing(ctx, argv); }

Reply type(CommandContext& ctx, const Argv& argv) {
  auto rec = read_key(ctx, argv[1]);
  return Reply::Simple(std::string(rec ? storage::type_name(rec->type) : "none"));
}

Reply keys(CommandContext& ctx, const Argv& argv) {
  const std::string& pattern = argv[1];
  const bool all = pattern == "*";
  std::vector<Reply> out;
  uint64_t cursor = 0;
  do {
    cursor = ctx.keyspace.scan(cursor, 1024, [&](std::string_view key, const storage::Record&) {
      if (all || glob_match(pattern, key)) out.push_back(Reply::Bulk(std::string(key)));
    });
  } while (cursor != 0);
  return Reply::Array(std::move(out));
}

Reply scan(CommandContext& ctx, const Argv& argv) {
  auto cursor = parse_scan_cursor(argv[1]);
  if (!cursor) return error_reply(err::kInvalidCursor);
  ScanOptions opts;
  if (Reply error; !parse_scan_options(argv, 2, /*allow_type=*/true, opts, error)) return error;
  const std::string* pattern = opts.pattern;
  const std::string* type_name = opts.type;
  const int64_t count = opts.count;
  // Redis 7.0 answers an unknown type name with no keys, not an error.
  std::vector<Reply> keys;
  uint64_t next = ctx.keyspace.scan(
      *cursor, static_cast<size_t>(count), [&](std::string_view key, const storage::Record& rec) {
        if (type_name != nullptr && !is_option(*type_name, storage::type_name(rec.type))) {
          return;
        }
        if (pattern && !glob_match(*pattern, key)) return;
        keys.push_back(Reply::Bulk(std::string(key)));
      });
  std::vector<Reply> reply;
  reply.push_back(Reply::Bulk(std::to_string(next)));
  reply.push_back(Reply::Array(std::move(keys)));
  return Reply::Array(std::move(reply));
}

Reply randomkey(CommandContext& ctx, const Argv&) {
  auto key = ctx.keyspace.random_key();
  return key ? Reply::Bulk(std::move(*key)) : Reply::Null();
}

Reply rename(CommandContext& ctx, const Argv& argv) { return rename_generic(ctx, argv, false); }

Reply renamenx(CommandContext& ctx, const Argv& argv) { return rename_generic(ctx, argv, true); }

Reply copy(CommandContext& ctx, const Argv& argv) {
  auto& ks = ctx.keyspace;
  bool replace = false;
  for (size_t j = 3; j < argv.size(); ++j) {
    if (is_option(argv[j], "replace")) {
      replace = true;
    } else if (is_option(argv[j], "db") && j + 1 < argv.size()) {
      auto db = parse_int64(argv[++j]);
      if (!db) return error_reply(err::kNotInteger);
      if (*db < INT_MIN || *db > INT_MAX) return error_reply(err::kNotInt32);
      // Only database 0 exists, so any other index is out of range.
      if (*db != 0) return error_reply(err::kDbIndexOutOfRange);
    } else {
      return error_reply(err::kSyntax);
    }
  }
  if (argv[1] == argv[2]) return error_reply(err::kSameObject);
  auto rec = read_key(ctx, argv[1]);  // the source counts as a read; the destination does not
  if (!rec) return Reply::Integer(0);
  if (!replace && ks.get(argv[2])) return Reply::Integer(0);
  copy_value(ks, *rec, argv[1], argv[2]);
  return Reply::Integer(1);
}

Reply dbsize(CommandContext& ctx, const Argv&) {
  return Reply::Integer(static_cast<int64_t>(ctx.keyspace.count()));
}

Reply flushdb(CommandContext& ctx, const Argv& argv) { return flush(ctx, argv); }

Reply flushall(CommandContext& ctx, const Argv& argv) { return flush(ctx, argv); }

// ---- OBJECT ----

namespace {

// Redis 7.0's default thresholds (hash-max-listpack-*, set-max-intset-entries,
// zset-max-listpack-*) and its string limits.
constexpr uint64_t kHashListpackEntries = 512;
constexpr size_t kHashListpackValue = 64;
constexpr uint64_t kSetIntsetEntries = 512;
constexpr uint64_t kZsetListpackEntries = 128;
constexpr size_t kZsetListpackValue = 64;
constexpr size_t kEmbstrLimit = 44;
constexpr int64_t kSharedIntegers = 10000;  // 0..9999 are shared objects in Redis

bool integer_encoded(std::string_view value) {
  return value.size() <= 20 && parse_int64(value).has_value();
}

// Whether every member (and, with `values`, every value) of a collection passes `fits`; stops
// at the first that does not. Only called for collections small enough to be compact.
bool all_members(CommandContext& ctx, std::string_view key, uint64_t generation, bool values,
                 const std::function<bool(std::string_view)>& fits) {
  bool ok = true;
  ctx.keyspace.scan_members(key, generation, "", [&](std::string_view m, std::string_view v) {
    ok = fits(m) && (!values || fits(v));
    return ok;
  });
  return ok;
}

// OBJECT ENCODING as Redis 7.0 would answer for the key's current contents. Redis also keeps a
// collection in its big encoding once converted, even after it shrinks; Seshat does not track
// that history and answers by the contents alone.
std::string_view encoding_of(CommandContext& ctx, std::string_view key,
                             const storage::Record& rec) {
  using storage::ValueType;
  if (rec.type == ValueType::kString) {
    if (integer_encoded(rec.value)) return "int";
    return rec.value.size() <= kEmbstrLimit ? "embstr" : "raw";
  }
  if (rec.type == ValueType::kList) return "quicklist";
  const auto meta = storage::decode_collection_meta(rec.value).value_or(storage::CollectionMeta{});
  auto short_enough = [](size_t limit) {
    return [limit](std::string_view s) { return s.size() <= limit; };
  };
  switch (rec.type) {
    case ValueType::kHash:
      return meta.size <= kHashListpackEntries &&
                     all_members(ctx, key, meta.generation, true, short_enough(kHashListpackValue))
                 ? "listpack"
                 : "hashtable";
    case ValueType::kSet:
      return meta.size <= kSetIntsetEntries &&
                     all_members(ctx, key, meta.generation, false,
                                 [](std::string_view m) { return parse_int64(m).has_value(); })
                 ? "intset"
                 : "hashtable";
    case ValueType::kZset:
      return meta.size <= kZsetListpackEntries &&
                     all_members(ctx, key, meta.generation, false, short_enough(kZsetListpackValue))
                 ? "listpack"
                 : "skiplist";
    default: return "raw";
  }
}

}  // namespace

// OBJECT ENCODING | REFCOUNT | FREQ <key>, OBJECT HELP. The server checked the subcommand's
// name and arity (server/subcommands.cc). IDLETIME is not offered: Seshat keeps no access times.
Reply object(CommandContext& ctx, const Argv& argv) {
  const std::string& sub = argv[1];
  if (is_option(sub, "help")) {
    return help_reply(
        "OBJECT",
        {"ENCODING <key>", "    Return the encoding Redis would use for the value stored at <key>.",
         "FREQ <key>", "    Refused: no LFU maxmemory policy is in use.", "REFCOUNT <key>",
         "    Return the number of references Redis would hold to the value at "
         "<key>."});
  }
  auto rec = read_key(ctx, argv[2]);
  if (!rec) return Reply::Null();
  if (is_option(sub, "encoding")) return Reply::Bulk(std::string(encoding_of(ctx, argv[2], *rec)));
  if (is_option(sub, "refcount")) {
    const bool shared = rec->type == storage::ValueType::kString && integer_encoded(rec->value) &&
                        *parse_int64(rec->value) >= 0 && *parse_int64(rec->value) < kSharedIntegers;
    return Reply::Integer(shared ? INT_MAX : 1);
  }
  if (is_option(sub, "freq")) {
    return Reply::Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
  }
  return Reply::Error("ERR unknown subcommand '" + argv[1] + "'. Try OBJECT HELP.");
}

}  // namespace seshat::kv::cmd
