#include "cluster/node_ids.h"

#include <cstdio>
#include <string>

namespace seshat::cluster {

namespace {

// FNV-1a over the bytes: stable across compilers, platforms and releases, unlike std::hash,
// because every member of a cluster (and every version of Seshat) must derive the same ids.
uint64_t fnv1a64(std::string_view bytes, uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// splitmix64's finaliser: spreads one 64-bit seed over the 160 bits of an id, so ids of nodes
// 1, 2, 3 of one cluster do not share long prefixes (people and tools compare id prefixes).
uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string hex40(uint64_t seed) {
  const uint64_t a = mix64(seed);
  const uint64_t b = mix64(a);
  const uint64_t c = mix64(b);
  char buf[41];
  std::snprintf(buf, sizeof buf, "%016llx%016llx%08llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b), static_cast<unsigned long long>(c >> 32));
  return std::string(buf, 40);
}

}  // namespace

std::string redis_node_id(std::string_view cluster_id, uint64_t node_id) {
  // "node" and the NUL keep node ids apart from shard ids and from other cluster ids whose
  // text happens to end in digits.
  uint64_t h = fnv1a64("seshat-node");
  h = fnv1a64(cluster_id, h);
  h = fnv1a64(std::string_view("\0", 1), h);
  h = fnv1a64(std::to_string(node_id), h);
  return hex40(h);
}

std::string redis_shard_id(std::string_view cluster_id) {
  uint64_t h = fnv1a64("seshat-shard");
  h = fnv1a64(cluster_id, h);
  return hex40(h);
}

}  // namespace seshat::cluster
