// What the driver tells whoever waits on applied writes: the front end's blocked clients
// (BLPOP and friends, server/blocking_keys.h) implement it. Every call comes from the driver
// thread and must only post work.
#pragma once

#include <string>
#include <vector>

namespace seshat::replication {

class WriteListener {
 public:
  virtual ~WriteListener() = default;
  // Nobody listens right now: the driver need not collect the keys of a batch.
  virtual bool empty() const = 0;
  // The driver applied writes to `keys`.
  virtual void keys_written(const std::vector<std::string>& keys) = 0;
  // Every key may have changed (a snapshot was installed).
  virtual void wake_all() = 0;
  // This node stopped being the leader.
  virtual void leadership_lost() = 0;
};

}  // namespace seshat::replication
