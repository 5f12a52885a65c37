// The keyspace as the command handlers see it: live string records with optional absolute expiry.
// Two kinds of implementation exist: a read view over the committed state (used for reads on a
// connection, with the local clock) and a write view over the batch being applied (used by the
// state machine, with the time chosen by the proposer). Handlers are written once against this
// interface, so a command behaves identically whether it runs alone, inside EXEC, or at apply.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace seshat::storage {

struct Record {
  std::string value;
  int64_t expire_at_ms = 0;  // absolute Unix time in ms; 0 means no expiry
  uint64_t version = 0;      // log index of the write that produced it (for WATCH)
};

class Keyspace {
 public:
  virtual ~Keyspace() = default;

  // A record is expired once now_ms() is past its expire_at_ms (Redis's rule: a key is still
  // visible during the very millisecond it expires at).
  //
  // The time against which expiry is judged: the proposer's clock at apply, the local clock for
  // reads. Never decreases within one keyspace.
  virtual int64_t now_ms() const = 0;

  // The live record, or nullopt if the key is absent or expired at now_ms().
  virtual std::optional<Record> get(std::string_view key) = 0;

  // A number that changes whenever the key is written, deleted or expires (WATCH compares it).
  virtual uint64_t version(std::string_view key) = 0;

  // Writes. Only the apply view supports them; calling one on a read view is a broken invariant.
  virtual void put(std::string_view key, std::string_view value, int64_t expire_at_ms) = 0;
  // Removes a live key and leaves a tombstone; returns whether a live key was removed.
  virtual bool erase(std::string_view key) = 0;
  // Removes the key if it is stored but expired at now_ms() (active expiry); returns whether it did.
  virtual bool purge_if_expired(std::string_view key) = 0;
  // Removes the key's tombstone if it was written before `older_than_ms`; returns whether it did.
  virtual bool drop_tombstone(std::string_view key, int64_t older_than_ms) = 0;
  // Removes every key (FLUSHDB/FLUSHALL).
  virtual void clear() = 0;

  // Number of stored keys, counting expired keys not yet purged (as Redis's DBSIZE does).
  virtual uint64_t count() = 0;

  // Visits live keys from `cursor` on in a stable order, stopping after at least `count` keys have
  // been visited (or the end). Returns the cursor to continue from, 0 when the scan is complete.
  // A key present for a whole SCAN iteration is visited at least once.
  virtual uint64_t scan(uint64_t cursor, size_t count,
                        const std::function<void(std::string_view key, const Record&)>& visit) = 0;

  // A uniformly-ish chosen live key, or nullopt when empty.
  virtual std::optional<std::string> random_key() = 0;
};

}  // namespace seshat::storage
