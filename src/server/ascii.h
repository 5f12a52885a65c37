// The text helpers of kv/ascii.h under the names the server's files use.
#pragma once

#include "kv/ascii.h"

namespace seshat::server {

using kv::lower;
using kv::parse_decimal_id;
using kv::shown;
using kv::upper;

}  // namespace seshat::server
