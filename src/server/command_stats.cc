#include "server/command_stats.h"

#include <cstdio>

#include "kv/subcommands.h"

namespace seshat::server {

CommandStats::CommandStats() : by_spec_(kv::all_commands().size()) {
  const auto& all = kv::all_commands();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].flags & kv::kFlagWrite) {
      by_spec_[i].latency = &writes_;
    } else if (all[i].flags & kv::kFlagReadonly) {
      by_spec_[i].latency = &reads_;
    }
  }
}

CommandStats::Counters* CommandStats::entry(const kv::CommandSpec* spec, const kv::Argv& argv) {
  if (spec == nullptr) return nullptr;
  if (argv.size() >= 2 && kv::is_container(spec->name)) {
    std::string name = kv::subcommand_full_name(argv);
    if (name.empty()) return nullptr;  // unknown subcommand: Redis counts it nowhere
    std::lock_guard lock(mu_);
    auto& slot = subcommands_[name];
    if (!slot) slot = std::make_unique<Counters>();
    return slot.get();
  }
  const auto& all = kv::all_commands();
  const auto index = static_cast<size_t>(spec - all.data());
  return index < by_spec_.size() ? &by_spec_[index] : nullptr;
}

void CommandStats::count_call(Counters* c, uint64_t usec, bool failed) {
  if (c == nullptr) return;
  c->calls.fetch_add(1, std::memory_order_relaxed);
  c->usec.fetch_add(usec, std::memory_order_relaxed);
  if (failed) c->failed.fetch_add(1, std::memory_order_relaxed);
  if (c->latency != nullptr) c->latency->observe_us(usec);
}

void CommandStats::count_queued_call(Counters* c, bool failed) {
  if (c == nullptr) return;
  c->calls.fetch_add(1, std::memory_order_relaxed);
  if (failed) c->failed.fetch_add(1, std::memory_order_relaxed);
}

void CommandStats::count_rejected(Counters* c) {
  if (c != nullptr) c->rejected.fetch_add(1, std::memory_order_relaxed);
}

void CommandStats::reset() {
  auto clear = [](Counters& c) {
    c.calls = 0;
    c.usec = 0;
    c.rejected = 0;
    c.failed = 0;
  };
  for (auto& c : by_spec_) clear(c);
  writes_.reset();
  reads_.reset();
  std::lock_guard lock(mu_);
  for (auto& [name, c] : subcommands_) clear(*c);
}

std::string CommandStats::info_section() const {
  std::map<std::string, std::string> lines;
  auto add = [&lines](const std::string& name, const Counters& c) {
    const uint64_t calls = c.calls.load(std::memory_order_relaxed);
    const uint64_t usec = c.usec.load(std::memory_order_relaxed);
    const uint64_t rejected = c.rejected.load(std::memory_order_relaxed);
    const uint64_t failed = c.failed.load(std::memory_order_relaxed);
    if (calls == 0 && rejected == 0 && failed == 0) return;
    char buf[256];
    std::snprintf(
        buf, sizeof(buf),
        "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,"
        "failed_calls=%llu\r\n",
        name.c_str(), static_cast<unsigned long long>(calls), static_cast<unsigned long long>(usec),
        calls == 0 ? 0.0 : static_cast<double>(usec) / static_cast<double>(calls),
        static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(failed));
    lines[name] = buf;
  };
  const auto& all = kv::all_commands();
  for (size_t i = 0; i < all.size(); ++i) add(std::string(all[i].name), by_spec_[i]);
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, c] : subcommands_) add(name, *c);
  }
  std::string out = "# Commandstats\r\n";
  for (const auto& [name, line] : lines) out += line;
  return out;
}

}  // namespace seshat::server
