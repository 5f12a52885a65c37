// libFuzzer target for the number conversions the command layer applies to client strings.
// Invariants: parse_int64 accepts exactly the canonical decimal form of an int64 (so what it
// accepts prints back identically); parse_long_double never yields NaN; formatting never
// crashes and a finite formatted value parses back.
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/number_format.h"

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

using namespace seshat::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);

  if (const auto v = parse_int64(s)) FUZZ_CHECK(std::to_string(*v) == s);

  if (const auto v = parse_long_double(s)) {
    FUZZ_CHECK(!std::isnan(*v));
    const std::string text = format_double(*v);
    if (std::isfinite(*v)) {
      FUZZ_CHECK(parse_long_double(text).has_value());
    } else {
      FUZZ_CHECK(text == (*v > 0 ? "inf" : "-inf"));
    }
    // Only narrow values a double can hold: converting others is undefined behaviour.
    if (std::isinf(*v) || std::fabs(*v) <= static_cast<long double>(DBL_MAX)) {
      (void)format_reply_double(static_cast<double>(*v));
    }
  }
  return 0;
}
