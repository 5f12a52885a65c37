// Fuzzes the bytes a replica reads back from the log: kv::decode_operation must never crash on
// any input, an input that decodes must re-encode to exactly itself (one encoding per
// operation), and applying a decoded operation to a keyspace must never crash either, whatever
// commands and arguments it names.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "kv/apply.h"
#include "kv/operation.h"
#include "storage/mem_keyspace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto op = seshat::kv::decode_operation(bytes);
  if (!op) return 0;
  if (seshat::kv::encode_operation(*op) != bytes) {
    std::fprintf(stderr, "decoded operation does not re-encode to its input\n");
    std::abort();
  }
  seshat::storage::MemKeyspace keyspace(op->now_ms, 1);
  seshat::kv::Limits limits;
  limits.max_value_size_bytes = 1 << 20;  // keep SETRANGE from allocating gigabytes
  (void)seshat::kv::apply_operation(*op, keyspace, limits);
  return 0;
}
