"""Values the differential cases share: integer limits, fixed dates, binary and large data."""

LLONG_MAX = 9223372036854775807
LLONG_MIN = -9223372036854775808
FUTURE_S = 4102444800  # 2100-01-01T00:00:00Z
FUTURE_MS = FUTURE_S * 1000 + 123
BIN_KEY = b"k\x00\r\n\xffey"
BIN_VAL = b"v\x00a\r\nl\xfe\xff\r\n"
MB = 1 << 20
BIG = b"0123456789abcdef" * (MB // 16)  # 1 MiB
