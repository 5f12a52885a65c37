#include "storage/members_gc.h"

#include <optional>
#include <string>

#include "storage/keyspace.h"
#include "storage/kv_format.h"

namespace seshat::storage {

namespace {

// A kv_members key split into its collection key and generation (kv_format.h).
struct MemberKey {
  std::string_view key;
  uint64_t generation = 0;
};

std::optional<MemberKey> parse_member_key(std::string_view k) {
  if (k.size() < kHashPrefixSize + 4) return std::nullopt;
  uint32_t n = 0;
  for (size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(k[kHashPrefixSize + i]);
  const size_t key_at = kHashPrefixSize + 4;
  if (k.size() < key_at + n + 8) return std::nullopt;
  return MemberKey{k.substr(key_at, n), get_u64_be(k.data() + key_at + n)};
}

class DeadMembersFilter final : public rocksdb::CompactionFilter {
 public:
  DeadMembersFilter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* kv_data)
      : db_(db), kv_data_(kv_data) {}

  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    auto member = parse_member_key(key.ToStringView());
    if (!member) return false;  // not ours to judge: keep
    return !is_live(member->key, member->generation);
  }

  const char* Name() const override { return "seshat.DeadMembersFilter"; }

 private:
  // What the key's kv_data record says now.
  struct Current {
    bool unknown = false;                // the record could not be read: keep everything
    std::optional<uint64_t> generation;  // the live collection's generation, if any
    uint64_t index_generation = 0;       // a sorted set's score index, if any
  };

  // Members of one collection are adjacent, so the last answer is usually the next one.
  bool is_live(std::string_view key, uint64_t generation) const {
    if (!cached_key_ || *cached_key_ != key) {
      cached_key_ = std::string(key);
      cached_ = current(key);
    }
    return cached_.unknown || cached_.generation == generation ||
           (cached_.index_generation != 0 && cached_.index_generation == generation);
  }

  Current current(std::string_view key) const {
    std::string bytes;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kv_data_, data_key(key), &bytes);
    if (s.IsNotFound()) return {};
    if (!s.ok()) return {.unknown = true, .generation = std::nullopt, .index_generation = 0};
    auto rec = decode_record(bytes);
    if (!rec)
      return {.unknown = true,
              .generation = std::nullopt,
              .index_generation = 0};  // a format this version cannot read: be careful
    if (rec->type == storage::ValueType::kString) return {};
    auto meta = decode_collection_meta(rec->value);
    if (!meta) return {.unknown = true, .generation = std::nullopt, .index_generation = 0};
    return {.unknown = false,
            .generation = meta->generation,
            .index_generation = meta->index_generation};
  }

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* kv_data_;
  mutable std::optional<std::string> cached_key_;
  mutable Current cached_;
};

}  // namespace

std::unique_ptr<rocksdb::CompactionFilter> DeadMembersFilterFactory::CreateCompactionFilter(
    const rocksdb::CompactionFilter::Context& /*context*/) {
  rocksdb::DB* db = db_.load();
  if (db == nullptr) return nullptr;  // not open yet (or closing): keep everything
  return std::make_unique<DeadMembersFilter>(db, kv_data_.load());
}

}  // namespace seshat::storage
