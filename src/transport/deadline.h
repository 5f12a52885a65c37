// gRPC deadlines on the monotonic clock. A deadline built from system_clock moves with the wall
// clock: a step (NTP, an operator, a test's skewed clock) would stretch or cut every timeout.
#pragma once

#include <grpc/support/time.h>

#include <chrono>

namespace seshat::transport {

inline gpr_timespec deadline_after(std::chrono::milliseconds d) {
  return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                      gpr_time_from_millis(static_cast<int64_t>(d.count()), GPR_TIMESPAN));
}

}  // namespace seshat::transport
