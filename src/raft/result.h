// Errors as values for the Raft core. The core never throws; every fallible call returns a
// Status or a Result<T> that the caller must look at.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

namespace seshat::raft {

enum class ErrorCode {
  kOk = 0,
  // The requested index is older than the storage's first index (it was compacted away).
  kCompacted,
  // The requested index is newer than anything the storage holds.
  kUnavailable,
  // A snapshot older than the one already held was offered.
  kSnapOutOfDate,
  // The snapshot is being produced; the leader should retry later.
  kSnapshotTemporarilyUnavailable,
  // A proposal was not appended (no leader, leader transfer in progress, removed node, ...).
  kProposalDropped,
  // A message type that only the local node may generate arrived from the network.
  kStepLocalMsg,
  // A response from a peer that is not in the configuration.
  kStepPeerNotFound,
  // A configuration change that cannot be applied to the current configuration.
  kInvalidConfChange,
  // A configuration value is out of range.
  kInvalidConfig,
  // Bytes that do not decode.
  kCorrupt,
};

std::string_view to_string(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code) : code_(code) {}  // NOLINT: implicit on purpose, `return kCompacted;`
  static Status ok_status() { return Status(); }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  bool operator==(const Status&) const = default;

 private:
  ErrorCode code_ = ErrorCode::kOk;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(ErrorCode code) : code_(code) {}        // NOLINT
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode error() const { return code_; }
  Status status() const { return Status(code_); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  std::optional<T> value_;
  ErrorCode code_ = ErrorCode::kOk;
};

// Aborts the process with a message. Only for broken invariants of the core itself (a state
// that proves a bug or corrupted storage), never for bad input from the network or the caller.
[[noreturn]] void panic(std::string_view what);

}  // namespace seshat::raft
