#include "cluster/slots.h"

#include <array>

namespace seshat::cluster {

namespace {

// One table lookup per byte instead of eight shifts: this runs before every keyed command.
constexpr std::array<uint16_t, 256> make_crc16_table() {
  std::array<uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint16_t, 256> kCrc16Table = make_crc16_table();

}  // namespace

uint16_t crc16_xmodem(std::string_view bytes) {
  uint16_t crc = 0;
  for (unsigned char c : bytes) {
    crc = static_cast<uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

uint16_t key_hash_slot(std::string_view key) {
  const size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  // 16384 is a power of two: the mask is Redis's "& 16383".
  return static_cast<uint16_t>(crc16_xmodem(key) & (kClusterSlots - 1));
}

std::optional<uint16_t> command_slot(const kv::CommandSpec& spec, const kv::Argv& argv) {
  // Only the first key matters: all slots live in one shard, so the redirect target is the same
  // for every key, and the first key's slot is the one Redis would report.
  const auto keys = kv::command_keys(spec, argv);
  if (keys.empty()) return std::nullopt;
  return key_hash_slot(keys.front());
}

std::string moved_error(uint16_t slot, const std::string& addr) {
  return "MOVED " + std::to_string(slot) + " " + addr;
}

std::optional<std::string> redirect_for(const ClusterView& view, const kv::CommandSpec& spec,
                                        const kv::Argv& argv, bool connection_readonly,
                                        bool command_is_write) {
  const std::optional<uint16_t> slot = command_slot(spec, argv);
  if (!slot) return std::nullopt;
  if (view.self_is_leader()) return std::nullopt;
  if (view.leader_id == 0) return std::string(kClusterDownError);
  // A READONLY follower still needs a leader (its reads take a ReadIndex from it), which is why
  // the no-leader case above comes first.
  if (connection_readonly && !command_is_write) return std::nullopt;
  const ClusterMember* leader = view.leader();
  std::optional<replication::HostPort> target =
      leader ? replication::split_host_port(leader->client_addr) : std::nullopt;
  if (!target) return std::string(kClusterDownError);
  return moved_error(*slot, target->host + ":" + std::to_string(target->port));
}

}  // namespace seshat::cluster
