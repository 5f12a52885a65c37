// INFO commandstats: per command (and per subcommand, as "client|list") how often it ran, how
// long it took, how often it was refused before running and how often it answered an error,
// in Redis 7's format:
//   cmdstat_get:calls=3,usec=12,usec_per_call=4.00,rejected_calls=1,failed_calls=0
//
// Counting follows Redis: a command refused before it runs (wrong arity, NOAUTH, a redirect,
// a write over the limits, a command not allowed in MULTI) is a rejected call and not a call;
// a command that ran and answered an error is a call and a failed call; a command queued in
// MULTI counts when EXEC runs it. An unknown command or subcommand counts nowhere. `usec` is
// the time from dispatch to the reply, replication included for writes and reads that wait
// for a ReadIndex round.
//
// Thread-safe: io threads count concurrently. Top-level commands have a lock-free slot each;
// subcommands (admin commands, rare) sit in a map under a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kv/command.h"
#include "metrics/histogram.h"

namespace seshat::server {

class CommandStats {
 public:
  struct Counters {
    std::atomic<uint64_t> calls{0};
    std::atomic<uint64_t> usec{0};
    std::atomic<uint64_t> rejected{0};
    std::atomic<uint64_t> failed{0};
    // Where the call's time also goes: the write or the read latency histogram (commands that
    // touch the keyspace), or nowhere (connection, server and admin commands).
    metrics::Histogram* latency = nullptr;
  };

  CommandStats();

  // The counters `argv` counts in: the subcommand's for a container command naming a known
  // subcommand, the command's otherwise; nullptr for an unknown command or subcommand.
  Counters* entry(const kv::CommandSpec* spec, const kv::Argv& argv);

  static void count_call(Counters* c, uint64_t usec, bool failed);
  // A command queued in MULTI, run by EXEC: counted, but its own time is not known.
  static void count_queued_call(Counters* c, bool failed);
  static void count_rejected(Counters* c);

  // Time from dispatch to reply of the commands that write the keyspace and of those that
  // read it, for the metrics endpoint.
  const metrics::Histogram& write_latency() const { return writes_; }
  const metrics::Histogram& read_latency() const { return reads_; }

  // CONFIG RESETSTAT (the latency histograms too).
  void reset();
  // The "# Commandstats" section: a line per command with any count, sorted by name.
  std::string info_section() const;

 private:
  metrics::Histogram writes_;
  metrics::Histogram reads_;
  std::vector<Counters> by_spec_;  // indexed like kv::all_commands()
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Counters>> subcommands_;  // guarded by mu_
};

}  // namespace seshat::server
