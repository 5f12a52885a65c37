// Reclaims the members of dead collections. A collection's members live under its generation
// (kv_format.h); deleting, expiring or overwriting the collection only replaces its kv_data
// record, which leaves the old generation's members unreachable. This compaction filter on
// kv_members drops a member when its key's kv_data record is gone or names another generation.
// Generations are never reused, so a member judged dead can never be needed again by the
// current state.
//
// RocksDB snapshots do not shield data from compaction filters, so a reader that needs an old
// state of kv_members (the snapshot stream) must open its iterator when it takes its view: an
// open iterator keeps the files it reads.
#pragma once

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>

#include <atomic>
#include <memory>

namespace seshat::storage {

class DeadMembersFilterFactory final : public rocksdb::CompactionFilterFactory {
 public:
  // Until the database is open the filter keeps everything.
  void attach(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* kv_data) {
    kv_data_.store(kv_data);
    db_.store(db);
  }
  void detach() { db_.store(nullptr); }

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& context) override;
  const char* Name() const override { return "seshat.DeadMembersFilterFactory"; }

 private:
  std::atomic<rocksdb::DB*> db_{nullptr};
  std::atomic<rocksdb::ColumnFamilyHandle*> kv_data_{nullptr};
};

}  // namespace seshat::storage
