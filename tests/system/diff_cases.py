"""The differential case table. Each case starts on an empty database on both servers.

Steps: a tuple is a command on client 0; On(n, ...) a command on client n; ScanAll(...) a full
SCAN iteration; Raw(bytes, n) bytes written as they are with n replies read. See differential.py.
Absolute expiry times use fixed dates (FUTURE_S is 2100-01-01) so that EXPIRETIME replies are
exact; relative ones are compared with a tolerance.
"""

from __future__ import annotations

from differential import On, Raw, ScanAll, case
from resp_client import encode_command

LLONG_MAX = 9223372036854775807
LLONG_MIN = -9223372036854775808
FUTURE_S = 4102444800  # 2100-01-01T00:00:00Z
FUTURE_MS = FUTURE_S * 1000 + 123
BIN_KEY = b"k\x00\r\n\xffey"
BIN_VAL = b"v\x00a\r\nl\xfe\xff\r\n"
MB = 1 << 20
BIG = b"0123456789abcdef" * (MB // 16)  # 1 MiB

CASES = []


def add(name, *steps, protocol=2):
    CASES.append(case(name, *steps, protocol=protocol))


# ---------------------------------------------------------------------------------------------
# GET / SET and options
add("get_missing", ("GET", "k"))
add("set_get", ("SET", "k", "v"), ("GET", "k"))
add("set_overwrite", ("SET", "k", "a"), ("SET", "k", "b"), ("GET", "k"))
add("set_empty_value", ("SET", "k", ""), ("GET", "k"), ("STRLEN", "k"), ("EXISTS", "k"),
    ("TYPE", "k"))
add("set_empty_key", ("SET", "", "v"), ("GET", ""), ("EXISTS", ""), ("KEYS", "*"), ("DEL", ""),
    ("GET", ""))
add("binary_key_value", ("SET", BIN_KEY, BIN_VAL), ("GET", BIN_KEY), ("STRLEN", BIN_KEY),
    ("KEYS", "*"), ("EXISTS", BIN_KEY), ("MGET", BIN_KEY, "k"), ("APPEND", BIN_KEY, b"\x00\r\n"),
    ("GET", BIN_KEY), ("GETRANGE", BIN_KEY, 1, 4), ("DEL", BIN_KEY), ("GET", BIN_KEY))
add("binary_key_crlf_only", ("SET", b"\r\n", b"\r\n"), ("GET", b"\r\n"), ("KEYS", "*"))
add("binary_key_nul_only", ("SET", b"\x00", b"\x00\x00"), ("GET", b"\x00"), ("STRLEN", b"\x00"),
    ("EXISTS", b"\x00", b"\x00\x00"))
add("command_name_case", ("sEt", "k", "v"), ("get", "k"), ("Strlen", "k"))
add("integer_looking_value", ("SET", "k", "12345"), ("GET", "k"), ("STRLEN", "k"),
    ("APPEND", "k", "6"), ("GET", "k"))
add("utf8_value", ("SET", "ключ", "значение ✓"), ("GET", "ключ"), ("STRLEN", "ключ"))
add("set_ex", ("SET", "k", "v", "EX", 100), ("TTL", "k"), ("PTTL", "k"), ("GET", "k"))
add("set_px", ("SET", "k", "v", "PX", 100000), ("PTTL", "k"), ("TTL", "k"))
add("set_exat", ("SET", "k", "v", "EXAT", FUTURE_S), ("EXPIRETIME", "k"), ("PEXPIRETIME", "k"),
    ("GET", "k"))
add("set_pxat", ("SET", "k", "v", "PXAT", FUTURE_MS), ("PEXPIRETIME", "k"), ("EXPIRETIME", "k"))
add("set_exat_past", ("SET", "k", "v", "EXAT", 1), ("GET", "k"), ("EXISTS", "k"), ("DBSIZE",))
add("set_pxat_past", ("SET", "k", "v", "PXAT", 1), ("GET", "k"), ("TTL", "k"))
add("set_exat_past_overwrites", ("SET", "k", "old"), ("SET", "k", "v", "EXAT", 1000000000),
    ("GET", "k"))
add("set_ex_zero", ("SET", "k", "v", "EX", 0), ("GET", "k"))
add("set_ex_negative", ("SET", "k", "v", "EX", -5), ("GET", "k"))
add("set_px_zero", ("SET", "k", "v", "PX", 0), ("GET", "k"))
add("set_px_negative", ("SET", "k", "v", "PX", -1), ("GET", "k"))
add("set_exat_zero", ("SET", "k", "v", "EXAT", 0), ("SET", "k", "v", "PXAT", 0), ("GET", "k"))
add("set_ex_not_integer", ("SET", "k", "v", "EX", "abc"), ("SET", "k", "v", "EX", "1.5"),
    ("SET", "k", "v", "EX", ""), ("SET", "k", "v", "PX", "10x"), ("GET", "k"))
add("set_ex_huge", ("SET", "k", "v", "EX", LLONG_MAX), ("SET", "k", "v", "EX", LLONG_MAX // 1000),
    ("SET", "k", "v", "EX", LLONG_MAX // 1000 + 1), ("GET", "k"))
add("set_px_huge", ("SET", "k", "v", "PX", LLONG_MAX), ("GET", "k"),
    ("SET", "k", "v", "PX", LLONG_MAX - 10**12), ("GET", "k"))
add("set_pxat_llong_max", ("SET", "k", "v", "PXAT", LLONG_MAX), ("GET", "k"), ("PTTL", "k"),
    ("PEXPIRETIME", "k"))
add("set_exat_huge", ("SET", "k", "v", "EXAT", LLONG_MAX), ("SET", "k", "v", "EXAT", 10**15),
    ("GET", "k"), ("EXPIRETIME", "k"))
add("set_ex_missing_value", ("SET", "k", "v", "EX"), ("SET", "k", "v", "PX"),
    ("SET", "k", "v", "EXAT"), ("SET", "k", "v", "PXAT"), ("GET", "k"))
add("set_nx", ("SET", "k", "v", "NX"), ("SET", "k", "w", "NX"), ("GET", "k"))
add("set_xx", ("SET", "k", "v", "XX"), ("GET", "k"), ("SET", "k", "v"), ("SET", "k", "w", "XX"),
    ("GET", "k"))
add("set_nx_xx_conflict", ("SET", "k", "v", "NX", "XX"), ("SET", "k", "v", "XX", "NX"), ("GET", "k"))
add("set_expiry_conflicts", ("SET", "k", "v", "EX", 10, "PX", 100),
    ("SET", "k", "v", "EX", 10, "EXAT", FUTURE_S), ("SET", "k", "v", "PX", 10, "PXAT", FUTURE_MS),
    ("SET", "k", "v", "EX", 10, "KEEPTTL"), ("SET", "k", "v", "KEEPTTL", "PX", 10),
    ("SET", "k", "v", "EX", 10, "EX", 20), ("SET", "k", "v", "KEEPTTL", "KEEPTTL"),
    ("SET", "k", "v", "NX", "NX"), ("GET", "k"))
add("set_keepttl", ("SET", "k", "v", "EX", 100), ("SET", "k", "w", "KEEPTTL"), ("TTL", "k"),
    ("GET", "k"), ("SET", "k", "x"), ("TTL", "k"))
add("set_keepttl_missing_key", ("SET", "k", "v", "KEEPTTL"), ("TTL", "k"), ("GET", "k"))
add("set_get_option", ("SET", "k", "v", "GET"), ("SET", "k", "w", "GET"), ("GET", "k"))
add("set_get_nx", ("SET", "k", "v", "NX", "GET"), ("SET", "k", "w", "NX", "GET"), ("GET", "k"))
add("set_get_xx", ("SET", "k", "v", "XX", "GET"), ("GET", "k"), ("SET", "k", "a"),
    ("SET", "k", "b", "XX", "GET"), ("GET", "k"))
add("set_get_with_ex", ("SET", "k", "v"), ("SET", "k", "w", "GET", "EX", 100), ("TTL", "k"),
    ("GET", "k"))
add("set_get_error_keeps_value", ("SET", "k", "v"), ("SET", "k", "w", "GET", "EX", 0), ("GET", "k"))
add("set_unknown_option", ("SET", "k", "v", "FOO"), ("SET", "k", "v", "EX", 10, "FOO"),
    ("SET", "k", "v", "10"), ("GET", "k"))
add("set_lowercase_options", ("SET", "k", "v", "ex", 100, "nx"), ("TTL", "k"),
    ("SET", "k", "w", "xx", "keepttl", "get"), ("TTL", "k"), ("GET", "k"))
add("set_clears_ttl", ("SET", "k", "v", "EX", 100), ("SET", "k", "w"), ("TTL", "k"))
add("set_nx_on_expiring_key", ("SET", "k", "v", "PX", 100000), ("SET", "k", "w", "NX"),
    ("GET", "k"), ("PTTL", "k"))

# SETNX / SETEX / PSETEX / GETSET / GETDEL / GETEX
add("setnx", ("SETNX", "k", "v"), ("SETNX", "k", "w"), ("GET", "k"))
add("setnx_empty", ("SETNX", "", ""), ("GET", ""), ("SETNX", "", "x"))
add("setex", ("SETEX", "k", 100, "v"), ("TTL", "k"), ("GET", "k"))
add("setex_overwrites_ttl", ("SET", "k", "v"), ("SETEX", "k", 50, "w"), ("TTL", "k"),
    ("SETEX", "k", 200, "x"), ("TTL", "k"), ("GET", "k"))
add("setex_invalid", ("SETEX", "k", 0, "v"), ("SETEX", "k", -1, "v"), ("SETEX", "k", "abc", "v"),
    ("SETEX", "k", LLONG_MAX, "v"), ("SETEX", "k", "1.5", "v"), ("GET", "k"))
add("psetex", ("PSETEX", "k", 100000, "v"), ("PTTL", "k"), ("GET", "k"))
add("psetex_invalid", ("PSETEX", "k", 0, "v"), ("PSETEX", "k", -100, "v"),
    ("PSETEX", "k", "x", "v"), ("PSETEX", "k", LLONG_MAX, "v"), ("GET", "k"))
add("getset", ("GETSET", "k", "v"), ("GETSET", "k", "w"), ("GET", "k"))
add("getset_clears_ttl", ("SET", "k", "v", "EX", 100), ("GETSET", "k", "w"), ("TTL", "k"))
add("getdel", ("GETDEL", "k"), ("SET", "k", "v"), ("GETDEL", "k"), ("EXISTS", "k"), ("GETDEL", "k"))
add("getdel_binary", ("SET", BIN_KEY, BIN_VAL), ("GETDEL", BIN_KEY), ("DBSIZE",))
add("getex_plain", ("GETEX", "k"), ("SET", "k", "v"), ("GETEX", "k"), ("TTL", "k"))
add("getex_ex", ("SET", "k", "v"), ("GETEX", "k", "EX", 100), ("TTL", "k"),
    ("GETEX", "k", "PX", 200000), ("PTTL", "k"))
add("getex_exat_pxat", ("SET", "k", "v"), ("GETEX", "k", "EXAT", FUTURE_S), ("EXPIRETIME", "k"),
    ("GETEX", "k", "PXAT", FUTURE_MS), ("PEXPIRETIME", "k"))
add("getex_persist", ("SET", "k", "v", "EX", 100), ("GETEX", "k", "PERSIST"), ("TTL", "k"),
    ("GETEX", "k", "persist"))
add("getex_invalid", ("SET", "k", "v"), ("GETEX", "k", "EX", 0), ("GETEX", "k", "EX", -1),
    ("GETEX", "k", "EX", "abc"), ("GETEX", "k", "PX", 0), ("GETEX", "k", "EX", LLONG_MAX),
    ("GETEX", "k", "EX"), ("TTL", "k"))
add("getex_conflicts", ("SET", "k", "v"), ("GETEX", "k", "EX", 10, "PX", 10),
    ("GETEX", "k", "PERSIST", "EX", 10), ("GETEX", "k", "EX", 10, "PERSIST"),
    ("GETEX", "k", "FOO"), ("GETEX", "k", "KEEPTTL"), ("TTL", "k"))
add("getex_past_deletes", ("SET", "k", "v"), ("GETEX", "k", "EXAT", 1), ("EXISTS", "k"),
    ("SET", "k", "v"), ("GETEX", "k", "PXAT", 1), ("GET", "k"))
add("getex_missing_with_options", ("GETEX", "k", "EX", 100), ("GETEX", "k", "PERSIST"),
    ("EXISTS", "k"))

# MGET / MSET / MSETNX
add("mget", ("SET", "a", "1"), ("SET", "c", "3"), ("MGET", "a", "b", "c"), ("MGET", "a", "a"),
    ("MGET", "zz"))
add("mset", ("MSET", "a", "1", "b", "2"), ("MGET", "a", "b"), ("MSET", "a", "x", "a", "y"),
    ("GET", "a"))
add("mset_clears_ttl", ("SET", "a", "x", "EX", 100), ("MSET", "a", "y"), ("TTL", "a"))
add("mset_bad_arity", ("MSET", "a"), ("MSET", "a", "1", "b"), ("MGET", "a", "b"))
add("msetnx", ("MSETNX", "a", "1", "b", "2"), ("MSETNX", "b", "3", "c", "4"),
    ("MGET", "a", "b", "c"))
add("msetnx_same_key_twice", ("MSETNX", "a", "1", "a", "2"), ("GET", "a"))
add("msetnx_bad_arity", ("MSETNX", "a"), ("MSETNX", "a", "1", "b"), ("EXISTS", "a"))
add("mset_binary", ("MSET", BIN_KEY, BIN_VAL, "", ""), ("MGET", BIN_KEY, "", "x"))

# APPEND / STRLEN / GETRANGE / SETRANGE
add("append", ("APPEND", "k", "a"), ("APPEND", "k", "bc"), ("GET", "k"), ("APPEND", "k", ""),
    ("STRLEN", "k"))
add("append_empty_to_missing", ("APPEND", "k", ""), ("EXISTS", "k"), ("GET", "k"))
add("append_keeps_ttl", ("SET", "k", "v", "EX", 100), ("APPEND", "k", "x"), ("TTL", "k"))
add("append_to_integer", ("SET", "k", 10), ("APPEND", "k", 5), ("INCR", "k"), ("GET", "k"))
add("strlen", ("STRLEN", "k"), ("SET", "k", "hello"), ("STRLEN", "k"), ("SET", "n", "-123"),
    ("STRLEN", "n"))
_HW = ("SET", "k", "Hello World")
add("getrange_basic", _HW, ("GETRANGE", "k", 0, 4), ("GETRANGE", "k", -5, -1),
    ("GETRANGE", "k", 0, -1), ("GETRANGE", "k", 6, 6))
add("getrange_out_of_range", _HW, ("GETRANGE", "k", 5, 2), ("GETRANGE", "k", 100, 200),
    ("GETRANGE", "k", -100, -50), ("GETRANGE", "k", -100, 5), ("GETRANGE", "k", 0, 100),
    ("GETRANGE", "k", -1, -5), ("GETRANGE", "k", 10, 10), ("GETRANGE", "k", 11, 11),
    ("GETRANGE", "k", -1, -1), ("GETRANGE", "k", 0, -12), ("GETRANGE", "k", -12, -11))
add("getrange_extremes", _HW, ("GETRANGE", "k", 0, LLONG_MAX), ("GETRANGE", "k", LLONG_MIN, LLONG_MAX),
    ("GETRANGE", "k", LLONG_MIN, LLONG_MIN), ("GETRANGE", "k", LLONG_MAX, LLONG_MAX))
add("getrange_missing_and_empty", ("GETRANGE", "k", 0, -1), ("SET", "e", ""),
    ("GETRANGE", "e", 0, -1), ("GETRANGE", "e", 0, 0), ("GETRANGE", "e", -1, 0))
add("getrange_invalid", _HW, ("GETRANGE", "k", "a", 1), ("GETRANGE", "k", 0, "1.0"),
    ("GETRANGE", "k", 0, 9223372036854775808))
add("setrange_basic", _HW, ("SETRANGE", "k", 6, "Redis"), ("GET", "k"), ("SETRANGE", "k", 0, "J"),
    ("GET", "k"))
add("setrange_missing_key", ("SETRANGE", "k", 0, "abc"), ("GET", "k"), ("SETRANGE", "m", 5, "x"),
    ("GET", "m"), ("STRLEN", "m"))
add("setrange_padding", ("SET", "k", "ab"), ("SETRANGE", "k", 10, "z"), ("GET", "k"))
add("setrange_empty_value", ("SETRANGE", "k", 5, ""), ("EXISTS", "k"), ("SET", "j", "abc"),
    ("SETRANGE", "j", 100, ""), ("GET", "j"), ("SETRANGE", "j", 1, ""), ("GET", "j"))
add("setrange_invalid", ("SET", "k", "v"), ("SETRANGE", "k", -1, "x"), ("SETRANGE", "k", "abc", "x"),
    ("SETRANGE", "k", 536870911, "ab"), ("SETRANGE", "k", 536870912, "a"),
    ("SETRANGE", "m", LLONG_MAX, "a"), ("GET", "k"), ("EXISTS", "m"))
add("setrange_keeps_ttl", ("SET", "k", "hello", "EX", 100), ("SETRANGE", "k", 1, "a"), ("TTL", "k"),
    ("GET", "k"))
add("setrange_binary", ("SET", "k", b"\x00\x00\x00"), ("SETRANGE", "k", 1, b"\r\n"), ("GET", "k"))

# INCR / DECR / INCRBY / DECRBY
add("incr_missing", ("INCR", "k"), ("INCR", "k"), ("GET", "k"), ("DECR", "m"), ("GET", "m"))
add("incr_decr_by", ("SET", "k", 10), ("INCRBY", "k", 5), ("INCRBY", "k", -5), ("DECRBY", "k", 3),
    ("DECRBY", "k", -3), ("DECR", "k"), ("INCRBY", "k", 0), ("GET", "k"))
add("incr_not_integer", ("SET", "k", "abc"), ("INCR", "k"), ("DECR", "k"), ("INCRBY", "k", 1),
    ("GET", "k"))
for _label, _value in [("float", "1.5"), ("leading_space", " 1"), ("trailing_space", "1 "),
                       ("leading_zero", "01"), ("plus_sign", "+1"), ("minus_zero", "-0"),
                       ("empty", ""), ("nul", b"1\x00"), ("twenty_digits", "12345678901234567890"),
                       ("hex", "0x10"), ("exponent", "1e3"), ("newline", "1\n")]:
    add(f"incr_value_{_label}", ("SET", "k", _value), ("INCR", "k"), ("GET", "k"))
add("incr_value_zero_and_negative", ("SET", "k", "0"), ("INCR", "k"), ("SET", "n", "-1"),
    ("INCR", "n"), ("INCR", "n"), ("GET", "n"))
add("incr_overflow", ("SET", "k", LLONG_MAX), ("INCR", "k"), ("GET", "k"), ("INCRBY", "k", 1),
    ("DECR", "k"))
add("decr_overflow", ("SET", "k", LLONG_MIN), ("DECR", "k"), ("DECRBY", "k", 1), ("INCR", "k"),
    ("GET", "k"))
add("incrby_overflow", ("SET", "k", 1), ("INCRBY", "k", LLONG_MAX), ("INCRBY", "k", LLONG_MAX - 1),
    ("GET", "k"), ("SET", "n", -2), ("INCRBY", "n", LLONG_MIN), ("GET", "n"))
add("incrby_invalid_increment", ("INCRBY", "k", 9223372036854775808), ("INCRBY", "k", "abc"),
    ("INCRBY", "k", ""), ("INCRBY", "k", "1.0"), ("INCRBY", "k", " 1"), ("EXISTS", "k"))
add("decrby_llong_min", ("SET", "k", 0), ("DECRBY", "k", LLONG_MIN), ("DECRBY", "k", -LLONG_MAX),
    ("GET", "k"))
add("incrby_llong_min", ("INCRBY", "k", LLONG_MIN), ("GET", "k"), ("DECR", "k"))
add("incr_keeps_ttl", ("SET", "k", 1, "EX", 100), ("INCR", "k"), ("TTL", "k"),
    ("INCRBY", "k", 5), ("DECRBY", "k", 2), ("TTL", "k"), ("GET", "k"))
add("incr_big_value", ("SET", "k", "9" * 1000), ("INCR", "k"))

# INCRBYFLOAT
add("incrbyfloat_missing", ("INCRBYFLOAT", "k", "1.5"), ("GET", "k"))
add("incrbyfloat_formatting", ("SET", "k", "10.50"), ("INCRBYFLOAT", "k", "0.1"),
    ("INCRBYFLOAT", "k", "-5"), ("INCRBYFLOAT", "k", "5.0e3"), ("INCRBYFLOAT", "k", "2.0e-1"),
    ("GET", "k"))
add("incrbyfloat_precision", ("INCRBYFLOAT", "a", "1.1"), ("INCRBYFLOAT", "a", "2.2"),
    ("INCRBYFLOAT", "b", "0.1"), ("INCRBYFLOAT", "b", "0.2"),
    ("INCRBYFLOAT", "c", "3.14159265358979323846"), ("INCRBYFLOAT", "d", "1e-5"),
    ("INCRBYFLOAT", "e", "-0"), ("INCRBYFLOAT", "f", "1e20"), ("INCRBYFLOAT", "g", "123456789.123456789"))
add("incrbyfloat_integer_value", ("SET", "k", 10), ("INCRBYFLOAT", "k", 1), ("INCRBYFLOAT", "k", "-11"),
    ("GET", "k"), ("INCR", "k"))
add("incrbyfloat_result_not_integer", ("SET", "k", 1), ("INCRBYFLOAT", "k", "0.5"), ("INCR", "k"))
add("incrbyfloat_large", ("SET", "k", LLONG_MAX), ("INCRBYFLOAT", "k", 1),
    ("INCRBYFLOAT", "m", "1e30"), ("INCRBYFLOAT", "n", "-1.5e25"))
add("incrbyfloat_to_inf", ("INCRBYFLOAT", "k", "1e308"), ("INCRBYFLOAT", "k", "1e308"), ("GET", "k"),
    ("SET", "m", "1.7e308"), ("INCRBYFLOAT", "m", "1.7e308"), ("GET", "m"))
add("incrbyfloat_inf_nan_args", ("INCRBYFLOAT", "k", "inf"), ("INCRBYFLOAT", "k", "+inf"),
    ("INCRBYFLOAT", "k", "-inf"), ("INCRBYFLOAT", "k", "nan"), ("INCRBYFLOAT", "k", "infinity"),
    ("EXISTS", "k"))
add("incrbyfloat_inf_value", ("SET", "k", "inf"), ("INCRBYFLOAT", "k", 1), ("SET", "n", "nan"),
    ("INCRBYFLOAT", "n", 1))
add("incrbyfloat_invalid", ("SET", "k", "abc"), ("INCRBYFLOAT", "k", 1),
    ("INCRBYFLOAT", "m", "abc"), ("INCRBYFLOAT", "m", ""), ("INCRBYFLOAT", "m", " 1"),
    ("INCRBYFLOAT", "m", "1 "), ("INCRBYFLOAT", "m", "1e"), ("INCRBYFLOAT", "m", "0x10"),
    ("SET", "s", " 1.5"), ("INCRBYFLOAT", "s", 1), ("EXISTS", "m"))
add("incrbyfloat_number_formats", *[("INCRBYFLOAT", f"f{i}", v) for i, v in enumerate(
    ["1e-20", "123e-2", "-1.5", ".5", "5.", "1E2", "5e-324", "1.7976931348623157e308", "-0.0",
     "00012.5000", "1e+2", "0.1e1", "4503599627370496.5", "12345678901234567890"])])
add("incrbyfloat_accumulation", *[("INCRBYFLOAT", "acc", "0.1") for _ in range(12)],
    ("INCRBYFLOAT", "acc", "-1.2"), ("GET", "acc"))
add("incrbyfloat_invalid_number_formats", *[("INCRBYFLOAT", "x", v) for v in
    ["1.5.5", "--1", "1e5000", "-1e5000", "1,5", "1_0", "\x31", "1e-5000"]], ("GET", "x"))
add("incrbyfloat_keeps_ttl", ("SET", "k", 1, "EX", 100), ("INCRBYFLOAT", "k", "0.5"), ("TTL", "k"))

# ---------------------------------------------------------------------------------------------
# Keyspace
add("del", ("DEL", "a"), ("SET", "a", 1), ("SET", "b", 2), ("DEL", "a", "b", "c"), ("EXISTS", "a", "b"))
add("del_duplicates", ("SET", "a", 1), ("DEL", "a", "a"), ("SET", "a", 1), ("UNLINK", "a", "a", "a"))
add("unlink", ("MSET", "a", 1, "b", 2, "c", 3), ("UNLINK", "a", "b", "zz"), ("DBSIZE",), ("KEYS", "*"))
add("exists_counts", ("SET", "a", 1), ("SET", "b", 1), ("EXISTS", "a", "a", "b", "c"),
    ("EXISTS", "c"))
add("type", ("TYPE", "k"), ("SET", "k", "v"), ("TYPE", "k"), ("SET", "n", 5), ("TYPE", "n"))
_KEYS = ("MSET", "hello", 1, "hallo", 2, "hxllo", 3, "hllo", 4, "heeeello", 5, "h*llo", 6,
         "a\x00b", 7, "h[e]llo", 8, "x", 9)
add("keys_all", _KEYS, ("KEYS", "*"))
for _i, _pattern in enumerate([b"h?llo", b"h*llo", b"h[ae]llo", b"h[^e]llo", b"h[a-b]llo",
                               b"h\\*llo", b"h[e]llo", b"h\\[e\\]llo", b"", b"x", b"[", b"h[",
                               b"h[a-", b"*llo*", b"a?b", b"a\x00b", b"H*", b"h[!e]llo",
                               b"h[z-a]llo", b"\\x", b"?"]):
    add(f"keys_pattern_{_i}", _KEYS, ("KEYS", _pattern))
add("keys_empty_db", ("KEYS", "*"))
add("keys_excludes_expired", ("SET", "a", 1), ("SET", "b", 1, "PXAT", 1), ("SET", "c", 1, "EX", 100),
    ("KEYS", "*"))
add("scan_all", _KEYS, ScanAll())
add("scan_count_1", _KEYS, ScanAll(count=1))
add("scan_count_1000", _KEYS, ScanAll(count=1000))
add("scan_match", _KEYS, ScanAll(match=b"h*llo"), ScanAll(match=b"h?llo", count=2),
    ScanAll(match=b"nothing*"), ScanAll(match=b"a\x00b"))
add("scan_type", _KEYS, ScanAll(type="string"), ScanAll(type="STRING"), ScanAll(type="list"),
    ScanAll(type="hash", match=b"h*"), ScanAll(type="nosuchtype"))
add("scan_many_keys", ("MSET", *[x for i in range(300) for x in (f"key:{i}", i)]),
    ScanAll(), ScanAll(count=7, match=b"key:1*"), ("DBSIZE",))
add("scan_empty_db", ScanAll(), ("SCAN", 0))
add("scan_errors", ("SCAN", "abc"), ("SCAN", 0, "COUNT", 0), ("SCAN", 0, "COUNT", -1),
    ("SCAN", 0, "COUNT", "abc"), ("SCAN", 0, "MATCH"), ("SCAN", 0, "FOO", "bar"),
    ("SCAN", 0, "TYPE"), ("SCAN", "18446744073709551616"), ("SCAN", ""), ("SCAN", "1.5"))
add("scan_excludes_expired", ("SET", "a", 1), ("SET", "b", 1, "PXAT", 1), ScanAll())
add("randomkey_empty", ("RANDOMKEY",))
add("randomkey_single", ("SET", "only", 1), ("RANDOMKEY",), ("RANDOMKEY",))
add("randomkey_many", ("MSET", "a", 1, "b", 2, "c", 3, BIN_KEY, 4), ("RANDOMKEY",), ("RANDOMKEY",),
    ("RANDOMKEY",))
add("rename", ("SET", "a", 1, "EX", 100), ("RENAME", "a", "b"), ("GET", "b"), ("TTL", "b"),
    ("EXISTS", "a"))
add("rename_missing", ("RENAME", "a", "b"), ("RENAMENX", "a", "b"))
add("rename_same_key", ("SET", "a", 1), ("RENAME", "a", "a"), ("GET", "a"), ("RENAMENX", "a", "a"))
add("rename_overwrites", ("SET", "a", 1), ("SET", "b", 2, "EX", 100), ("RENAME", "a", "b"),
    ("GET", "b"), ("TTL", "b"))
add("renamenx", ("SET", "a", 1), ("SET", "b", 2), ("RENAMENX", "a", "b"), ("RENAMENX", "a", "c"),
    ("MGET", "a", "b", "c"))
add("rename_binary", ("SET", BIN_KEY, BIN_VAL), ("RENAME", BIN_KEY, b"\x00"), ("GET", b"\x00"))
add("touch", ("SET", "a", 1), ("SET", "b", 1), ("TOUCH", "a", "b", "c"), ("TOUCH", "c"),
    ("TOUCH", "a", "a"))
add("copy", ("SET", "a", "v", "EX", 100), ("COPY", "a", "b"), ("GET", "b"), ("TTL", "b"),
    ("COPY", "a", "b"), ("SET", "a", "w"), ("COPY", "a", "b", "REPLACE"), ("GET", "b"), ("TTL", "b"))
add("copy_errors", ("SET", "a", "v"), ("COPY", "a", "a"), ("COPY", "missing", "b"),
    ("COPY", "a", "b", "FOO"), ("COPY", "a", "b", "DB"), ("COPY", "a", "b", "DB", "abc"),
    ("COPY", "a", "b", "DB", 16), ("COPY", "a", "b", "DB", -1), ("EXISTS", "b"))
add("copy_db_0", ("SET", "a", "v"), ("COPY", "a", "b", "DB", 0), ("GET", "b"),
    ("COPY", "a", "b", "replace", "db", "0"))

# ---------------------------------------------------------------------------------------------
# Expiry
add("expire_missing", ("EXPIRE", "k", 100), ("PEXPIRE", "k", 100), ("EXPIREAT", "k", FUTURE_S),
    ("PEXPIREAT", "k", FUTURE_MS), ("TTL", "k"), ("PTTL", "k"), ("EXPIRETIME", "k"),
    ("PEXPIRETIME", "k"), ("PERSIST", "k"))
add("ttl_no_expiry", ("SET", "k", "v"), ("TTL", "k"), ("PTTL", "k"), ("EXPIRETIME", "k"),
    ("PEXPIRETIME", "k"))
add("expire_basic", ("SET", "k", "v"), ("EXPIRE", "k", 100), ("TTL", "k"), ("PEXPIRE", "k", 50000),
    ("PTTL", "k"), ("GET", "k"))
add("expire_nx", ("SET", "k", "v"), ("EXPIRE", "k", 100, "NX"), ("EXPIRE", "k", 200, "NX"),
    ("TTL", "k"))
add("expire_xx", ("SET", "k", "v"), ("EXPIRE", "k", 100, "XX"), ("TTL", "k"), ("EXPIRE", "k", 100),
    ("EXPIRE", "k", 200, "XX"), ("TTL", "k"))
add("expire_gt_lt", ("SET", "k", "v", "EX", 100), ("EXPIRE", "k", 50, "GT"), ("EXPIRE", "k", 500, "GT"),
    ("TTL", "k"), ("EXPIRE", "k", 600, "LT"), ("EXPIRE", "k", 200, "LT"), ("TTL", "k"))
add("expire_gt_lt_persistent", ("SET", "k", "v"), ("EXPIRE", "k", 100, "GT"), ("TTL", "k"),
    ("EXPIRE", "k", 100, "LT"), ("TTL", "k"))
add("expire_option_conflicts", ("SET", "k", "v"), ("EXPIRE", "k", 100, "NX", "XX"),
    ("EXPIRE", "k", 100, "NX", "GT"), ("EXPIRE", "k", 100, "NX", "LT"), ("EXPIRE", "k", 100, "GT", "LT"),
    ("EXPIRE", "k", 100, "XX", "GT"), ("TTL", "k"), ("EXPIRE", "k", 100, "FOO"),
    ("EXPIRE", "k", 100, "nx"), ("TTL", "k"))
add("expire_options_repeated", ("SET", "k", "v"), ("EXPIRE", "k", 100, "NX", "NX"), ("TTL", "k"),
    ("EXPIRE", "k", 200, "XX", "GT"), ("TTL", "k"))
add("expire_zero_and_negative", ("SET", "a", 1), ("EXPIRE", "a", 0), ("EXISTS", "a"), ("SET", "b", 1),
    ("EXPIRE", "b", -10), ("GET", "b"), ("SET", "c", 1), ("PEXPIRE", "c", -1), ("EXISTS", "c"))
add("expire_negative_with_options", ("SET", "a", 1), ("EXPIRE", "a", -1, "XX"), ("EXISTS", "a"),
    ("SET", "b", 1, "EX", 100), ("EXPIRE", "b", -1, "GT"), ("EXISTS", "b"), ("EXPIRE", "b", -1, "LT"),
    ("EXISTS", "b"))
add("expire_invalid", ("SET", "k", "v"), ("EXPIRE", "k", "abc"), ("EXPIRE", "k", "1.5"),
    ("EXPIRE", "k", ""), ("PEXPIRE", "k", "x"), ("EXPIREAT", "k", "x"), ("TTL", "k"))
add("expire_huge", ("SET", "k", "v"), ("EXPIRE", "k", LLONG_MAX), ("EXPIRE", "k", LLONG_MAX // 1000),
    ("EXPIRE", "k", LLONG_MIN), ("PEXPIRE", "k", LLONG_MAX), ("PEXPIRE", "k", LLONG_MAX - 10**6),
    ("EXPIREAT", "k", LLONG_MAX), ("TTL", "k"), ("GET", "k"))
add("pexpire_llong_min", ("SET", "k", "v"), ("PEXPIRE", "k", LLONG_MIN), ("EXISTS", "k"))
add("expireat", ("SET", "k", "v"), ("EXPIREAT", "k", FUTURE_S), ("EXPIRETIME", "k"),
    ("PEXPIRETIME", "k"), ("TTL", "k"))
add("expireat_past", ("SET", "k", "v"), ("EXPIREAT", "k", 1), ("EXISTS", "k"), ("SET", "m", "v"),
    ("PEXPIREAT", "m", 1000), ("GET", "m"), ("SET", "z", "v"), ("EXPIREAT", "z", 0), ("EXISTS", "z"))
add("pexpireat", ("SET", "k", "v"), ("PEXPIREAT", "k", FUTURE_MS), ("PEXPIRETIME", "k"),
    ("EXPIRETIME", "k"))
add("pexpireat_llong_max", ("SET", "k", "v"), ("PEXPIREAT", "k", LLONG_MAX), ("PEXPIRETIME", "k"),
    ("GET", "k"))
add("expireat_options", ("SET", "k", "v"), ("EXPIREAT", "k", FUTURE_S, "XX"),
    ("EXPIREAT", "k", FUTURE_S, "NX"), ("EXPIREAT", "k", FUTURE_S - 10, "GT"),
    ("EXPIREAT", "k", FUTURE_S + 10, "GT"), ("EXPIRETIME", "k"), ("PEXPIREAT", "k", FUTURE_MS, "LT"),
    ("PEXPIRETIME", "k"), ("PEXPIREAT", "k", FUTURE_MS, "LT"))
add("pexpire_options", ("SET", "k", "v", "PX", 100000), ("PEXPIRE", "k", 50000, "GT"),
    ("PEXPIRE", "k", 50000, "LT"), ("PTTL", "k"), ("PEXPIRE", "k", 80000, "NX"),
    ("PEXPIRE", "k", 80000, "XX"), ("PTTL", "k"))
add("persist", ("SET", "k", "v", "EX", 100), ("PERSIST", "k"), ("TTL", "k"), ("PERSIST", "k"),
    ("SET", "m", "v"), ("PERSIST", "m"))
add("expire_then_overwrite", ("SET", "k", "v"), ("EXPIRE", "k", 100), ("SET", "k", "w"),
    ("TTL", "k"))
add("expire_same_value_again", ("SET", "k", "v"), ("EXPIREAT", "k", FUTURE_S),
    ("EXPIREAT", "k", FUTURE_S, "GT"), ("EXPIREAT", "k", FUTURE_S, "LT"), ("EXPIRETIME", "k"))
add("expired_key_invisible", ("SET", "k", "v", "PXAT", 1), ("GET", "k"), ("EXISTS", "k"),
    ("MGET", "k", "k"), ("TTL", "k"), ("STRLEN", "k"), ("TYPE", "k"), ("GETRANGE", "k", 0, -1),
    ("APPEND", "k", "x"), ("GET", "k"))

# ---------------------------------------------------------------------------------------------
# Server and connection commands that the differential can compare
add("dbsize", ("DBSIZE",), ("MSET", "a", 1, "b", 2), ("DBSIZE",), ("DEL", "a"), ("DBSIZE",))
add("flushdb", ("MSET", "a", 1, "b", 2), ("FLUSHDB",), ("DBSIZE",), ("SET", "c", 1),
    ("FLUSHDB", "ASYNC"), ("DBSIZE",), ("SET", "d", 1), ("FLUSHDB", "SYNC"), ("KEYS", "*"))
add("flushdb_errors", ("FLUSHDB", "FOO"), ("FLUSHDB", "ASYNC", "SYNC"), ("FLUSHALL", "FOO"),
    ("FLUSHALL", "SYNC", "ASYNC"))
add("flushall", ("MSET", "a", 1, "b", 2), ("FLUSHALL",), ("DBSIZE",), ("SET", "x", 1),
    ("FLUSHALL", "ASYNC"), ("GET", "x"), ("FLUSHALL", "sync"))
add("ping", ("PING",), ("PING", "hello"), ("PING", ""), ("PING", BIN_VAL), ("ping",))
add("echo", ("ECHO", "hi"), ("ECHO", ""), ("ECHO", BIN_VAL), ("ECHO", BIG))
add("select", ("SELECT", 0), ("SET", "k", "v"), ("SELECT", "0"), ("GET", "k"))
add("select_out_of_range", ("SELECT", 16), ("SELECT", -1), ("SELECT", 1000000),
    ("SELECT", LLONG_MAX), ("GET", "k"))
add("select_invalid", ("SELECT", "abc"), ("SELECT", ""), ("SELECT", "0.0"),
    ("SELECT", 9223372036854775808), ("SELECT", " 0"))
add("time", ("TIME",), ("TIME",))
add("auth_without_password", ("AUTH", "secret"), ("AUTH", "someone", "secret"),
    ("AUTH", "default", "anything"), ("PING",))
add("client_setname_getname", ("CLIENT", "GETNAME"), ("CLIENT", "SETNAME", "tester"),
    ("CLIENT", "GETNAME"), ("CLIENT", "SETNAME", ""), ("CLIENT", "GETNAME"),
    ("client", "setname", "lower"), ("CLIENT", "GETNAME"))
add("client_setname_invalid", ("CLIENT", "SETNAME", "a b"), ("CLIENT", "SETNAME", "a\nb"),
    ("CLIENT", "SETNAME", b"a\x00b"), ("CLIENT", "SETNAME", "ok-name", "extra"), ("CLIENT", "GETNAME"))
add("client_id_shape", ("CLIENT", "ID"), ("CLIENT", "ID", "extra"))
add("client_misc", ("CLIENT",), ("CLIENT", "NOSUCH"), ("CLIENT", "GETNAME", "x"),
    ("CLIENT", "SETNAME"), ("CLIENT", "LIST"), ("CLIENT", "INFO"))
add("hello_errors", ("HELLO", 4), ("HELLO", 1), ("HELLO", "abc"), ("HELLO", -1), ("HELLO", 2, "FOO"),
    ("HELLO", 2, "AUTH", "default"), ("HELLO", 2, "SETNAME"))
add("hello_2", ("HELLO", 2), ("HELLO",), ("HELLO", 2, "SETNAME", "via-hello"), ("CLIENT", "GETNAME"))
add("hello_3_then_2", ("HELLO", 3), ("GET", "missing"), ("MGET", "a", "b"), ("HELLO", 2),
    ("GET", "missing"))
add("reset", ("CLIENT", "SETNAME", "x"), ("MULTI",), ("SET", "k", "v"), ("RESET",),
    ("CLIENT", "GETNAME"), ("EXEC",), ("GET", "k"), ("RESET", "x"))

# ---------------------------------------------------------------------------------------------
# Transactions
add("multi_exec", ("MULTI",), ("SET", "a", 1), ("INCR", "a"), ("GET", "a"), ("EXEC",), ("GET", "a"))
add("multi_empty", ("MULTI",), ("EXEC",))
add("multi_queued_reply_and_reads", ("SET", "k", "v"), ("MULTI",), ("GET", "k"), ("PING",),
    ("ECHO", "x"), ("MGET", "k", "z"), ("TTL", "k"), ("EXISTS", "k"), ("EXEC",))
add("multi_syntax_error_aborts", ("MULTI",), ("SET", "a", 1), ("SET", "b"), ("EXEC",), ("GET", "a"))
add("multi_unknown_command_aborts", ("MULTI",), ("SET", "a", 1), ("NOSUCHCMD", "x"), ("EXEC",),
    ("EXISTS", "a"))
add("multi_runtime_error_continues", ("SET", "s", "notanumber"), ("MULTI",), ("SET", "a", 1),
    ("INCR", "s"), ("INCR", "a"), ("SET", "b", "v", "EX", 0), ("EXEC",), ("MGET", "a", "b", "s"))
add("multi_option_error_at_exec", ("MULTI",), ("SET", "a", 1, "NX", "XX"), ("EXEC",), ("GET", "a"))
add("multi_nested", ("MULTI",), ("MULTI",), ("SET", "a", 1), ("EXEC",), ("GET", "a"))
add("exec_without_multi", ("EXEC",), ("DISCARD",))
add("discard", ("MULTI",), ("SET", "a", 1), ("DISCARD",), ("GET", "a"), ("EXEC",))
add("multi_watch_inside", ("MULTI",), ("WATCH", "a"), ("SET", "a", 1), ("EXEC",))
add("multi_ttl_and_time", ("MULTI",), ("SET", "a", 1, "EX", 100), ("TTL", "a"), ("PTTL", "a"),
    ("TIME",), ("KEYS", "*"), ("EXEC",))
add("multi_select_inside", ("MULTI",), ("SELECT", 0), ("SET", "a", 1), ("SELECT", 16), ("EXEC",),
    ("GET", "a"))
add("multi_flushall_inside", ("SET", "a", 1), ("MULTI",), ("FLUSHALL",), ("SET", "b", 2), ("EXEC",),
    ("KEYS", "*"))
add("multi_wrong_arity_discards_later", ("MULTI",), ("GET",), ("SET", "a", 1), ("EXEC",), ("EXISTS", "a"))
add("multi_many_commands", ("MULTI",), *[("INCR", "n") for _ in range(50)], ("EXEC",), ("GET", "n"))
add("multi_big_value", ("MULTI",), ("SET", "big", BIG), ("STRLEN", "big"), ("EXEC",), ("STRLEN", "big"))
add("multi_discard_after_error", ("MULTI",), ("SET", "a"), ("DISCARD",), ("SET", "a", 1), ("GET", "a"))
add("multi_exec_error_reply_only_for_bad", ("MULTI",), ("SET", "a", "x"), ("INCRBYFLOAT", "a", 1),
    ("APPEND", "a", "y"), ("EXEC",), ("GET", "a"))
add("watch_other_client_modifies", ("SET", "a", 1), ("WATCH", "a"), On(1, "SET", "a", 2), ("MULTI",),
    ("SET", "b", 1), ("EXEC",), ("EXISTS", "b"), ("GET", "a"))
add("watch_same_value_still_aborts", ("SET", "a", 1), ("WATCH", "a"), On(1, "SET", "a", 1),
    ("MULTI",), ("INCR", "a"), ("EXEC",), ("GET", "a"))
add("watch_own_modification_aborts", ("SET", "a", 1), ("WATCH", "a"), ("SET", "a", 2), ("MULTI",),
    ("INCR", "a"), ("EXEC",), ("GET", "a"))
add("watch_read_by_other_does_not_abort", ("SET", "a", 1), ("WATCH", "a"), On(1, "GET", "a"),
    On(1, "EXISTS", "a"), ("MULTI",), ("INCR", "a"), ("EXEC",))
add("watch_missing_key_created", ("WATCH", "a"), On(1, "SET", "a", 1), ("MULTI",), ("SET", "b", 1),
    ("EXEC",), ("EXISTS", "b"))
add("watch_unwatch", ("SET", "a", 1), ("WATCH", "a"), ("UNWATCH",), On(1, "SET", "a", 2), ("MULTI",),
    ("INCR", "a"), ("EXEC",))
add("watch_cleared_by_exec", ("WATCH", "a"), ("MULTI",), ("EXEC",), On(1, "SET", "a", 1), ("MULTI",),
    ("SET", "b", 1), ("EXEC",))
add("watch_cleared_by_discard", ("WATCH", "a"), ("MULTI",), ("DISCARD",), On(1, "SET", "a", 1),
    ("MULTI",), ("SET", "b", 1), ("EXEC",))
add("watch_other_deletes", ("SET", "a", 1), ("WATCH", "a"), On(1, "DEL", "a"), ("MULTI",),
    ("SET", "b", 1), ("EXEC",))
add("watch_other_expires_key", ("SET", "a", 1), ("WATCH", "a"), On(1, "EXPIRE", "a", 100),
    ("MULTI",), ("SET", "b", 1), ("EXEC",))
add("watch_other_flushall", ("SET", "a", 1), ("WATCH", "a"), On(1, "FLUSHALL"), ("MULTI",),
    ("SET", "b", 1), ("EXEC",), ("EXISTS", "b"))
add("watch_other_renames_into", ("SET", "x", 1), ("WATCH", "a"), On(1, "RENAME", "x", "a"),
    ("MULTI",), ("SET", "b", 1), ("EXEC",))
add("watch_other_failed_write", ("SET", "a", 1), ("WATCH", "a"), On(1, "SET", "a", 2, "NX"),
    ("MULTI",), ("SET", "b", 1), ("EXEC",))
add("watch_other_key_untouched", ("WATCH", "a", "b"), On(1, "SET", "c", 1), ("MULTI",),
    ("SET", "d", 1), ("EXEC",))
add("watch_several_keys_one_touched", ("WATCH", "a", "b"), On(1, "SET", "b", 1), ("MULTI",),
    ("SET", "d", 1), ("EXEC",))
add("watch_arity", ("WATCH",), ("UNWATCH", "a"))
add("multi_pipelined_after_exec", Raw(b"".join(encode_command(c) for c in [
    ("MULTI",), ("EXEC",), ("SET", "k", "v"), ("MULTI",), ("GET", "k"), ("EXEC",)]), 6))
add("multi_pipelined_whole_transactions", Raw(b"".join(encode_command(c) for c in [
    ("MULTI",), ("SET", "a", 1), ("EXEC",), ("MULTI",), ("INCR", "a"), ("GET", "a"), ("EXEC",),
    ("GET", "a")]), 8))
add("watch_pipelined", Raw(b"".join(encode_command(c) for c in [
    ("SET", "w", 1), ("WATCH", "w"), ("GET", "w"), ("MULTI",), ("INCR", "w"), ("EXEC",)]), 6))
add("multi_on_two_clients", ("MULTI",), On(1, "MULTI"), ("SET", "a", 1), On(1, "SET", "a", 2),
    On(1, "EXEC"), ("EXEC",), ("GET", "a"))

# ---------------------------------------------------------------------------------------------
# Hashes (HKEYS, HVALS and HGETALL are compared as unordered: Redis promises no field order)
add("hset_hget_basic", ("HSET", "h", "f", "v"), ("HGET", "h", "f"), ("HGET", "h", "nofield"),
    ("HGET", "nokey", "f"), ("TYPE", "h"), ("EXISTS", "h"), ("DBSIZE",))
add("hset_many_and_update", ("HSET", "h", "a", 1, "b", 2, "c", 3), ("HSET", "h", "a", 10, "d", 4),
    ("HLEN", "h"), ("HGET", "h", "a"), ("HMGET", "h", "a", "b", "x", "d"), ("HGETALL", "h"),
    ("HKEYS", "h"), ("HVALS", "h"))
add("hset_odd_arguments", ("HSET", "h", "a", 1, "b"), ("HMSET", "h", "a", 1, "b"), ("EXISTS", "h"))
add("hmset_replies_ok", ("HMSET", "h", "a", 1, "b", 2), ("HMSET", "h", "a", 3), ("HGETALL", "h"))
add("hsetnx", ("HSETNX", "h", "f", "1"), ("HSETNX", "h", "f", "2"), ("HGET", "h", "f"),
    ("HSETNX", "h", "g", "3"), ("HLEN", "h"))
add("hdel_and_empty_hash_goes", ("HSET", "h", "a", 1, "b", 2), ("HDEL", "h", "a", "a", "x"),
    ("HLEN", "h"), ("HDEL", "h", "b"), ("EXISTS", "h"), ("TYPE", "h"), ("HLEN", "h"),
    ("HDEL", "h", "b"), ("HGETALL", "h"), ("DBSIZE",))
add("hexists_hstrlen", ("HSET", "h", "f", "hello", "e", ""), ("HEXISTS", "h", "f"),
    ("HEXISTS", "h", "x"), ("HEXISTS", "nokey", "f"), ("HSTRLEN", "h", "f"), ("HSTRLEN", "h", "e"),
    ("HSTRLEN", "h", "x"), ("HSTRLEN", "nokey", "f"))
add("hash_empty_results", ("HKEYS", "nokey"), ("HVALS", "nokey"), ("HGETALL", "nokey"),
    ("HLEN", "nokey"), ("HMGET", "nokey", "a", "b"), ("HDEL", "nokey", "a"))
add("hash_binary_fields", ("HSET", "h", BIN_KEY, BIN_VAL, "", "empty-field"), ("HGET", "h", BIN_KEY),
    ("HGET", "h", ""), ("HSTRLEN", "h", BIN_KEY), ("HGETALL", "h"), ("HDEL", "h", ""),
    ("HKEYS", "h"))
add("hincrby", ("HINCRBY", "h", "n", 5), ("HINCRBY", "h", "n", -7), ("HGET", "h", "n"),
    ("HINCRBY", "h", "n", "x"), ("HINCRBY", "h", "n", "1.5"), ("HSET", "h", "s", "abc"),
    ("HINCRBY", "h", "s", 1), ("HSET", "h", "big", LLONG_MAX), ("HINCRBY", "h", "big", 1),
    ("HINCRBY", "h", "big", -1), ("HSET", "h", "sp", " 1"), ("HINCRBY", "h", "sp", 1),
    ("HGETALL", "h"))
add("hincrby_bad_increment_first", ("SET", "s", "x"), ("HINCRBY", "s", "f", "x"),
    ("HINCRBY", "s", "f", 1), ("HINCRBY", "nokey", "f", "x"), ("EXISTS", "nokey"))
add("hincrbyfloat", ("HINCRBYFLOAT", "h", "f", "1.5"), ("HINCRBYFLOAT", "h", "f", "0.1"),
    ("HINCRBYFLOAT", "h", "f", "-1.6"), ("HINCRBYFLOAT", "h", "g", "5.0e3"), ("HGETALL", "h"),
    ("HINCRBYFLOAT", "h", "f", "abc"), ("HINCRBYFLOAT", "h", "f", "inf"),
    ("HINCRBYFLOAT", "h", "f", "nan"), ("HSET", "h", "s", "abc"), ("HINCRBYFLOAT", "h", "s", 1),
    ("HINCRBYFLOAT", "h", "g", "1e308"), ("HINCRBYFLOAT", "h", "g", "1e308"),
    ("HSET", "h", "i", "inf"), ("HINCRBYFLOAT", "h", "i", 1), ("HSET", "h", "n", 7),
    ("HINCRBYFLOAT", "h", "n", 1), ("HINCRBY", "h", "n", 1))
add("hash_wrongtype_from_strings", ("SET", "s", "v"), ("HSET", "s", "f", "v"), ("HGET", "s", "f"),
    ("HMGET", "s", "f"), ("HDEL", "s", "f"), ("HLEN", "s"), ("HEXISTS", "s", "f"),
    ("HSTRLEN", "s", "f"), ("HKEYS", "s"), ("HVALS", "s"), ("HGETALL", "s"), ("HSETNX", "s", "f", "v"),
    ("HMSET", "s", "f", "v"), ("HINCRBY", "s", "f", 1), ("HINCRBYFLOAT", "s", "f", 1), ("GET", "s"))
add("string_wrongtype_from_hashes", ("HSET", "h", "f", "v"), ("GET", "h"), ("GETSET", "h", "x"),
    ("GETDEL", "h"), ("GETEX", "h"), ("GETEX", "h", "EX", 10), ("STRLEN", "h"), ("APPEND", "h", "x"),
    ("INCR", "h"), ("DECRBY", "h", 2), ("INCRBYFLOAT", "h", 1), ("SETRANGE", "h", 0, "x"),
    ("GETRANGE", "h", 0, -1), ("SUBSTR", "h", 0, 1), ("SET", "h", "x", "GET"), ("MGET", "h", "nokey"),
    ("SETNX", "h", "x"), ("MSETNX", "h", "x", "other", "y"), ("EXISTS", "other"), ("HGET", "h", "f"))
add("set_overwrites_a_hash", ("HSET", "h", "f", "v"), ("EXPIRE", "h", 100), ("SET", "h", "s"),
    ("TYPE", "h"), ("TTL", "h"), ("GET", "h"), ("HSET", "h2", "a", 1), ("MSET", "h2", "x"),
    ("GET", "h2"), ("HSET", "h2", "b", 2))
add("hash_recreated_is_empty", ("HSET", "h", "a", 1, "b", 2), ("DEL", "h"), ("HSET", "h", "c", 3),
    ("HGETALL", "h"), ("HLEN", "h"), ("SET", "h", "s"), ("DEL", "h"), ("HSET", "h", "d", 4),
    ("HGETALL", "h"))
add("hash_expiry", ("HSET", "h", "f", "v"), ("EXPIRE", "h", 100), ("TTL", "h"), ("HSET", "h", "g", "w"),
    ("TTL", "h"), ("HDEL", "h", "f"), ("TTL", "h"), ("PERSIST", "h"), ("TTL", "h"), ("HLEN", "h"),
    ("PEXPIREAT", "h", 1), ("EXISTS", "h"), ("HGET", "h", "g"), ("HLEN", "h"), ("HSET", "h", "n", 1),
    ("HGETALL", "h"))
add("hash_rename_and_copy", ("HSET", "h", "a", 1, "b", 2), ("RENAME", "h", "h2"), ("EXISTS", "h"),
    ("HGETALL", "h2"), ("COPY", "h2", "h3"), ("HSET", "h3", "c", 3), ("HGETALL", "h2"),
    ("HGETALL", "h3"), ("SET", "s", "x"), ("COPY", "h3", "s"), ("COPY", "h3", "s", "REPLACE"),
    ("TYPE", "s"), ("HLEN", "s"), ("RENAMENX", "h2", "s"), ("RENAME", "h2", "s"), ("HGETALL", "s"),
    ("TYPE", "h2"))
add("hash_type_and_scan_type", ("HSET", "h1", "f", "v"), ("HSET", "h2", "f", "v"), ("SET", "s1", "v"),
    ScanAll(type="hash"), ScanAll(type="string"), ScanAll(type="HASH"), ScanAll(type="list"),
    ("TYPE", "h1"), ("TYPE", "s1"), ("KEYS", "h*"))
add("hash_in_multi", ("MULTI",), ("HSET", "h", "a", 1), ("HINCRBY", "h", "a", 2), ("HDEL", "h", "a"),
    ("HSET", "h", "b", 1), ("HGETALL", "h"), ("GET", "h"), ("EXEC",), ("HGETALL", "h"))
add("hash_recreated_in_one_transaction", ("HSET", "h", "a", 1), ("MULTI",), ("DEL", "h"),
    ("HSET", "h", "b", 2), ("HGETALL", "h"), ("DEL", "h"), ("HSET", "h", "c", 3), ("EXEC",),
    ("HGETALL", "h"), ("HLEN", "h"))
add("hash_resp3", ("HELLO", 3), ("HSET", "h", "a", 1, "b", 2), ("HGETALL", "h"), ("HGETALL", "nokey"),
    ("HMGET", "h", "a", "x"), ("HGET", "h", "x"), protocol=3)
add("hash_many_fields", ("HSET", "big", *[x for i in range(300) for x in (f"field{i}", i)]),
    ("HLEN", "big"), ("HGET", "big", "field299"), ("HKEYS", "big"),
    ("HDEL", "big", *[f"field{i}" for i in range(0, 300, 2)]), ("HLEN", "big"), ("HVALS", "big"))
add("hscan_small", ("HSET", "h", "a", 1, "b", 2, "c", 3), ScanAll(key="h"), ScanAll(key="h", count=1),
    ScanAll(key="h", match="a*"), ScanAll(key="h", match="[bc]", count=2), ScanAll(key="nokey"))
add("hscan_many_fields_in_pieces", ("HSET", "big", *[x for i in range(500) for x in (f"f{i:04}", i)]),
    ScanAll(key="big"), ScanAll(key="big", count=7), ScanAll(key="big", count=1000),
    ScanAll(key="big", match="f00*", count=3))
add("hscan_shared_prefixes", ("HSET", "h", *[x for i in range(40) for x in (f"same-prefix-{i}", i)],
                              "s", 1, "", "empty", BIN_KEY, BIN_VAL),
    ScanAll(key="h", count=1), ScanAll(key="h", count=3))
add("hscan_errors", ("HSCAN", "nokey", "x"), ("HSCAN", "nokey", "0", "FOO"), ("SET", "s", "v"),
    ("HSCAN", "s", "0"), ("HSCAN", "s", "0", "FOO"), ("HSET", "h", "a", 1), ("HSCAN", "h", "0", "COUNT", 0),
    ("HSCAN", "h", "0", "COUNT", "x"), ("HSCAN", "h", "0", "TYPE", "string"), ("HSCAN", "h", "0", "MATCH"),
    ("HSCAN", "h", "18446744073709551616"), ("HSCAN", "h"))
add("hrandfield", ("HRANDFIELD", "nokey"), ("HRANDFIELD", "nokey", 3), ("HRANDFIELD", "nokey", "x"),
    ("HSET", "h", "a", 1, "b", 2, "c", 3), ("HRANDFIELD", "h"), ("HRANDFIELD", "h", 0),
    ("HRANDFIELD", "h", 2), ("HRANDFIELD", "h", -2), ("HRANDFIELD", "h", 3), ("HRANDFIELD", "h", 5),
    ("HRANDFIELD", "h", -5, "WITHVALUES"), ("HRANDFIELD", "h", 2, "withvalues"),
    ("HRANDFIELD", "h", 5, "WITHVALUES"), ("HRANDFIELD", "h", 1), ("HRANDFIELD", "h", -1))
add("hrandfield_errors", ("HSET", "h", "a", 1), ("HRANDFIELD", "h", "x"), ("HRANDFIELD", "h", 1, "foo"),
    ("HRANDFIELD", "h", 1, "WITHVALUES", "x"), ("HRANDFIELD", "h", "-9223372036854775808"),
    ("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"),
    ("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"),
    ("SET", "s", "v"), ("HRANDFIELD", "s"), ("HRANDFIELD", "s", 1), ("HRANDFIELD", "s", "x"))
add("hrandfield_big_hash", ("HSET", "big", *[x for i in range(300) for x in (f"field{i}", i)]),
    ("HRANDFIELD", "big", 10), ("HRANDFIELD", "big", 150), ("HRANDFIELD", "big", -20),
    ("HRANDFIELD", "big", 299, "WITHVALUES"), ("HRANDFIELD", "big", 300), ("HRANDFIELD", "big", -3, "WITHVALUES"))
add("hrandfield_resp3", ("HELLO", 3), ("HSET", "h", "a", 1, "b", 2), ("HRANDFIELD", "h", 2, "WITHVALUES"),
    ("HRANDFIELD", "h", -3, "WITHVALUES"), ("HRANDFIELD", "h", 1, "WITHVALUES"), ("HRANDFIELD", "nokey"),
    ("HRANDFIELD", "nokey", 1), protocol=3)
add("hash_watch", ("HSET", "h", "a", 1), ("WATCH", "h"), On(1, "HSET", "h", "a", 1), ("MULTI",),
    ("HGET", "h", "a"), ("EXEC",), ("WATCH", "h"), ("MULTI",), ("HGET", "h", "a"), ("EXEC",))

# ---------------------------------------------------------------------------------------------
# Lists
add("lpush_rpush_lrange", ("LPUSH", "l", "a", "b", "c"), ("RPUSH", "l", "x", "y"), ("LRANGE", "l", 0, -1),
    ("LLEN", "l"), ("TYPE", "l"), ("LRANGE", "l", 1, 2), ("LRANGE", "l", -2, -1), ("LRANGE", "l", -100, 100),
    ("LRANGE", "l", 3, 1), ("LRANGE", "l", 5, 10), ("LRANGE", "l", -1, -2), ("LRANGE", "nokey", 0, -1),
    ("LRANGE", "l", "x", 1), ("LRANGE", "l", 0, "1.5"), ("LLEN", "nokey"))
add("lpushx_rpushx", ("LPUSHX", "l", "a"), ("RPUSHX", "l", "a"), ("EXISTS", "l"), ("RPUSH", "l", "m"),
    ("LPUSHX", "l", "a", "b"), ("RPUSHX", "l", "y", "z"), ("LRANGE", "l", 0, -1))
add("lpop_rpop", ("RPUSH", "l", 1, 2, 3, 4, 5), ("LPOP", "l"), ("RPOP", "l"), ("LPOP", "l", 2),
    ("RPOP", "l", 0), ("LPOP", "l", 0), ("LRANGE", "l", 0, -1), ("RPOP", "l", 10), ("EXISTS", "l"),
    ("LPOP", "l"), ("LPOP", "l", 1), ("RPOP", "nokey", 3), ("LPOP", "l", -1), ("LPOP", "l", "x"),
    ("RPOP", "l", 1, 2), ("LPOP", "nokey", 0))
add("lindex_lset", ("RPUSH", "l", "a", "b", "c"), ("LINDEX", "l", 0), ("LINDEX", "l", -1), ("LINDEX", "l", 3),
    ("LINDEX", "l", -4), ("LINDEX", "l", "x"), ("LINDEX", "nokey", 0), ("LINDEX", "nokey", "x"),
    ("LSET", "l", 1, "B"), ("LSET", "l", -1, "C"), ("LSET", "l", 3, "D"), ("LSET", "l", "x", "D"),
    ("LSET", "nokey", 0, "v"), ("LSET", "nokey", "x", "v"), ("LRANGE", "l", 0, -1))
add("linsert", ("RPUSH", "l", "a", "b", "c"), ("LINSERT", "l", "BEFORE", "b", "x"),
    ("LINSERT", "l", "after", "c", "z"), ("LINSERT", "l", "AFTER", "a", "y"), ("LRANGE", "l", 0, -1),
    ("LINSERT", "l", "BEFORE", "nothere", "q"), ("LINSERT", "l", "MIDDLE", "a", "q"),
    ("LINSERT", "nokey", "BEFORE", "a", "q"), ("LINSERT", "nokey", "SIDEWAYS", "a", "q"),
    ("LINSERT", "l", "BEFORE", "a", "first"), ("LRANGE", "l", 0, -1), ("LLEN", "l"))
add("lrem", ("RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"), ("LREM", "l", 2, "a"), ("LRANGE", "l", 0, -1),
    ("LREM", "l", -1, "a"), ("LRANGE", "l", 0, -1), ("LREM", "l", 0, "b"), ("LRANGE", "l", 0, -1),
    ("LREM", "l", 0, "nothing"), ("LREM", "l", "x", "a"), ("LREM", "nokey", 1, "a"),
    ("LREM", "l", 0, "c"), ("LREM", "l", 0, "a"), ("EXISTS", "l"))
add("ltrim", ("RPUSH", "l", 1, 2, 3, 4, 5, 6), ("LTRIM", "l", 1, -2), ("LRANGE", "l", 0, -1),
    ("LTRIM", "l", -100, 100), ("LRANGE", "l", 0, -1), ("LTRIM", "l", 1, 1), ("LRANGE", "l", 0, -1),
    ("LTRIM", "l", 5, 1), ("EXISTS", "l"), ("LTRIM", "nokey", 0, 1), ("LTRIM", "l", "x", 1),
    ("RPUSH", "m", 1, 2, 3), ("LTRIM", "m", 2, 0), ("EXISTS", "m"), ("RPUSH", "n", 1, 2, 3),
    ("LTRIM", "n", -1, -1), ("LRANGE", "n", 0, -1))
add("lpos", ("RPUSH", "l", "a", "b", "c", "b", "a", "b"), ("LPOS", "l", "b"), ("LPOS", "l", "z"),
    ("LPOS", "l", "b", "RANK", 2), ("LPOS", "l", "b", "RANK", -1), ("LPOS", "l", "b", "RANK", -3),
    ("LPOS", "l", "b", "RANK", 4), ("LPOS", "l", "b", "COUNT", 0), ("LPOS", "l", "b", "COUNT", 2),
    ("LPOS", "l", "b", "COUNT", 2, "RANK", -1), ("LPOS", "l", "b", "MAXLEN", 2),
    ("LPOS", "l", "b", "COUNT", 0, "MAXLEN", 4), ("LPOS", "l", "b", "RANK", 0),
    ("LPOS", "l", "b", "RANK", "-9223372036854775808"), ("LPOS", "l", "b", "RANK", "x"),
    ("LPOS", "l", "b", "COUNT", -1), ("LPOS", "l", "b", "COUNT", "x"), ("LPOS", "l", "b", "MAXLEN", -1),
    ("LPOS", "l", "b", "FOO", 1), ("LPOS", "l", "b", "RANK"), ("LPOS", "nokey", "a"),
    ("LPOS", "nokey", "a", "COUNT", 1), ("LPOS", "l", "z", "COUNT", 3))
add("lmove_rpoplpush", ("RPUSH", "src", 1, 2, 3), ("LMOVE", "src", "dst", "LEFT", "RIGHT"),
    ("LMOVE", "src", "dst", "right", "left"), ("LRANGE", "src", 0, -1), ("LRANGE", "dst", 0, -1),
    ("RPOPLPUSH", "src", "dst"), ("EXISTS", "src"), ("LRANGE", "dst", 0, -1), ("RPOPLPUSH", "src", "dst"),
    ("LMOVE", "dst", "dst", "LEFT", "RIGHT"), ("LRANGE", "dst", 0, -1), ("RPOPLPUSH", "dst", "dst"),
    ("LRANGE", "dst", 0, -1), ("LMOVE", "dst", "x", "UP", "LEFT"), ("LMOVE", "dst", "x", "LEFT", "DOWN"),
    ("SET", "s", "v"), ("LMOVE", "dst", "s", "LEFT", "LEFT"), ("LMOVE", "s", "dst", "LEFT", "LEFT"),
    ("LMOVE", "nokey", "s", "LEFT", "LEFT"), ("LRANGE", "dst", 0, -1))
add("list_wrongtype", ("SET", "s", "v"), ("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"),
    ("LPOP", "s"), ("RPOP", "s", 2), ("LLEN", "s"), ("LRANGE", "s", 0, -1), ("LINDEX", "s", 0),
    ("LSET", "s", 0, "v"), ("LINSERT", "s", "BEFORE", "a", "b"), ("LREM", "s", 0, "a"),
    ("LTRIM", "s", 0, 1), ("LPOS", "s", "a"), ("RPUSH", "l", "a"), ("GET", "l"), ("HGET", "l", "f"),
    ("HSET", "l", "f", "v"), ("INCR", "l"), ("MGET", "l", "s"))
add("list_binary_and_empty_elements", ("RPUSH", "l", BIN_VAL, "", BIN_KEY), ("LRANGE", "l", 0, -1),
    ("LPOS", "l", ""), ("LREM", "l", 0, ""), ("LINDEX", "l", 1), ("LINSERT", "l", "BEFORE", BIN_KEY, ""),
    ("LRANGE", "l", 0, -1))
add("list_expiry_rename_copy", ("RPUSH", "l", "a", "b"), ("EXPIRE", "l", 100), ("RPUSH", "l", "c"),
    ("TTL", "l"), ("RENAME", "l", "m"), ("LRANGE", "m", 0, -1), ("TTL", "m"), ("COPY", "m", "n"),
    ("LPUSH", "n", "z"), ("LRANGE", "m", 0, -1), ("LRANGE", "n", 0, -1), ("PEXPIREAT", "m", 1),
    ("EXISTS", "m"), ("RPUSH", "m", "fresh"), ("LRANGE", "m", 0, -1), ("SET", "n", "string"),
    ("TYPE", "n"), ScanAll(type="list"))
add("list_many_elements", ("RPUSH", "big", *range(500)), ("LPUSH", "big", *range(100)), ("LLEN", "big"),
    ("LRANGE", "big", 95, 105), ("LINDEX", "big", 250), ("LTRIM", "big", 50, 450), ("LLEN", "big"),
    ("LRANGE", "big", 0, 5), ("LRANGE", "big", -5, -1), ("LREM", "big", 0, 7), ("LINSERT", "big", "AFTER", 300, "x"),
    ("LPOS", "big", "x"), ("LRANGE", "big", 240, 260))
add("list_in_multi", ("MULTI",), ("RPUSH", "q", "job1", "job2"), ("LPOP", "q"), ("DEL", "q"),
    ("RPUSH", "q", "job3"), ("LRANGE", "q", 0, -1), ("EXEC",), ("LRANGE", "q", 0, -1))
add("list_resp3", ("HELLO", 3), ("RPUSH", "l", 1, 2), ("LPOP", "nokey", 2), ("LPOP", "nokey"), ("LPOP", "l", 5),
    ("LPOS", "nokey", 1), ("LINDEX", "nokey", 0), protocol=3)

# ---------------------------------------------------------------------------------------------
# Sets (member order is the server's: SMEMBERS and the algebra compare as sets)
add("sadd_srem_smembers", ("SADD", "s", "a", "b", "c", "a"), ("SADD", "s", "d", "a"), ("SCARD", "s"),
    ("SMEMBERS", "s"), ("TYPE", "s"), ("SREM", "s", "a", "x", "a"), ("SMEMBERS", "s"), ("SREM", "s", "b", "c", "d"),
    ("EXISTS", "s"), ("SMEMBERS", "s"), ("SCARD", "s"), ("SREM", "nokey", "a"), ("SMEMBERS", "nokey"))
add("sismember_smismember", ("SADD", "s", "a", "", BIN_VAL), ("SISMEMBER", "s", "a"), ("SISMEMBER", "s", "z"),
    ("SISMEMBER", "s", ""), ("SISMEMBER", "s", BIN_VAL), ("SISMEMBER", "nokey", "a"),
    ("SMISMEMBER", "s", "a", "z", "", "a"), ("SMISMEMBER", "nokey", "a", "b"))
add("spop_deterministic_cases", ("SADD", "s", "only"), ("SPOP", "s"), ("EXISTS", "s"), ("SPOP", "s"),
    ("SADD", "t", "a", "b", "c"), ("SPOP", "t", 0), ("SPOP", "t", 5), ("EXISTS", "t"), ("SPOP", "nokey", 2),
    ("SPOP", "t", -1), ("SPOP", "t", "x"), ("SPOP", "t", 1, 2), ("SADD", "u", 1, 2, 3, 4), ("SPOP", "u", 2),
    ("SCARD", "u"), ("SPOP", "u"), ("SCARD", "u"))
add("srandmember", ("SADD", "s", "a", "b", "c"), ("SRANDMEMBER", "s"), ("SRANDMEMBER", "s", 0),
    ("SRANDMEMBER", "s", 2), ("SRANDMEMBER", "s", 5), ("SRANDMEMBER", "s", -5), ("SRANDMEMBER", "s", 3),
    ("SRANDMEMBER", "nokey"), ("SRANDMEMBER", "nokey", 3), ("SRANDMEMBER", "s", "x"),
    ("SRANDMEMBER", "s", "-9223372036854775808"), ("SRANDMEMBER", "s", 1, 2), ("SRANDMEMBER", "s", "x", 2),
    ("SCARD", "s"))
add("smove", ("SADD", "a", 1, 2), ("SADD", "b", 3), ("SMOVE", "a", "b", 1), ("SMEMBERS", "a"), ("SMEMBERS", "b"),
    ("SMOVE", "a", "b", 9), ("SMOVE", "a", "a", 2), ("SMOVE", "a", "a", 9), ("SMOVE", "a", "c", 2),
    ("EXISTS", "a"), ("SMEMBERS", "c"), ("SMOVE", "nokey", "c", 1), ("SET", "str", "v"),
    ("SMOVE", "c", "str", 2), ("SMOVE", "str", "c", 2), ("SMOVE", "nokey", "str", 1), ("SMEMBERS", "c"))
add("set_algebra", ("SADD", "a", 1, 2, 3, 4), ("SADD", "b", 3, 4, 5), ("SADD", "c", 4, 5, 6),
    ("SINTER", "a", "b"), ("SINTER", "a", "b", "c"), ("SINTER", "a", "nokey"), ("SUNION", "a", "b", "c"),
    ("SUNION", "nokey", "a"), ("SDIFF", "a", "b"), ("SDIFF", "a", "b", "c"), ("SDIFF", "nokey", "a"),
    ("SDIFF", "a", "nokey"), ("SINTER", "a"), ("SUNION", "nokey"))
add("set_algebra_store", ("SADD", "a", 1, 2, 3), ("SADD", "b", 2, 3, 4), ("SINTERSTORE", "d", "a", "b"),
    ("SMEMBERS", "d"), ("SUNIONSTORE", "d", "a", "b"), ("SCARD", "d"), ("SDIFFSTORE", "d", "a", "b"),
    ("SMEMBERS", "d"), ("SINTERSTORE", "d", "a", "nokey"), ("EXISTS", "d"), ("SET", "d", "string"),
    ("SUNIONSTORE", "d", "a"), ("TYPE", "d"), ("SDIFFSTORE", "a", "a", "b"), ("SMEMBERS", "a"),
    ("SUNIONSTORE", "e", "nokey"), ("EXISTS", "e"))
add("sintercard", ("SADD", "a", 1, 2, 3, 4), ("SADD", "b", 2, 3, 4, 5), ("SINTERCARD", 2, "a", "b"),
    ("SINTERCARD", 2, "a", "b", "LIMIT", 2), ("SINTERCARD", 2, "a", "b", "limit", 0),
    ("SINTERCARD", 1, "a"), ("SINTERCARD", 2, "a", "nokey"), ("SINTERCARD", 0, "a"),
    ("SINTERCARD", 3, "a", "b"), ("SINTERCARD", "x", "a"), ("SINTERCARD", 1, "a", "LIMIT", -1),
    ("SINTERCARD", 1, "a", "LIMIT", "x"), ("SINTERCARD", 1, "a", "FOO", 1), ("SINTERCARD", 1, "a", "LIMIT"),
    ("SINTERCARD", 2), ("SINTERCARD", 1))
add("sscan", ("SADD", "s", *[f"m{i:03}" for i in range(300)]), ScanAll(key="s"), ScanAll(key="s", count=7),
    ScanAll(key="s", match="m1*", count=20), ScanAll(key="nokey"), ("SSCAN", "s", "x"),
    ("SSCAN", "s", 0, "COUNT", 0), ("SSCAN", "s", 0, "TYPE", "set"), ("SET", "str", "v"), ("SSCAN", "str", 0))
add("set_wrongtype", ("SET", "str", "v"), ("SADD", "str", "a"), ("SREM", "str", "a"), ("SISMEMBER", "str", "a"),
    ("SMISMEMBER", "str", "a"), ("SCARD", "str"), ("SMEMBERS", "str"), ("SPOP", "str"), ("SPOP", "str", 2),
    ("SRANDMEMBER", "str"), ("SRANDMEMBER", "str", 2), ("SINTER", "str"), ("SINTER", "nokey", "str"),
    ("SUNION", "str"), ("SDIFF", "nokey", "str"), ("SINTERSTORE", "d", "str"), ("SINTERCARD", 1, "str"),
    ("SADD", "s", "a"), ("GET", "s"), ("LPUSH", "s", "a"), ("HGET", "s", "a"), ("INCR", "s"), ("TYPE", "s"))
add("set_in_multi_and_copy", ("MULTI",), ("SADD", "s", "a", "b"), ("SREM", "s", "a"), ("SCARD", "s"),
    ("EXEC",), ("COPY", "s", "t"), ("SADD", "t", "c"), ("SMEMBERS", "s"), ("SMEMBERS", "t"),
    ("RENAME", "t", "u"), ("SMEMBERS", "u"), ("EXPIRE", "u", 100), ("SADD", "u", "d"), ("TTL", "u"),
    ScanAll(type="set"))
add("set_resp3", ("HELLO", 3), ("SADD", "s", "a", "b"), ("SMEMBERS", "s"), ("SMEMBERS", "nokey"),
    ("SINTER", "s", "nokey"), ("SUNION", "s"), ("SPOP", "nokey", 1), ("SPOP", "s", 5),
    ("SRANDMEMBER", "nokey", 1), protocol=3)

# ---------------------------------------------------------------------------------------------
# Sorted sets
add("zadd_basic", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZADD", "z", 5, "a", 4, "d"), ("ZCARD", "z"),
    ("ZSCORE", "z", "a"), ("ZSCORE", "z", "x"), ("ZSCORE", "nokey", "a"), ("TYPE", "z"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZMSCORE", "z", "a", "x", "b"), ("ZMSCORE", "nokey", "a"))
add("zadd_options", ("ZADD", "z", 1, "a", 2, "b"), ("ZADD", "z", "NX", 9, "a", 3, "c"), ("ZADD", "z", "XX", 9, "a", 4, "d"),
    ("ZADD", "z", "XX", "CH", 9, "a", 4, "d"), ("ZADD", "z", "GT", "CH", 1, "a", 10, "b"),
    ("ZADD", "z", "LT", "CH", 1, "a", 20, "b"), ("ZADD", "z", "GT", 5, "new"), ("ZADD", "z", "XX", "GT", 100, "new"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZADD", "z", "NX", "XX", 1, "a"), ("ZADD", "z", "GT", "LT", 1, "a"),
    ("ZADD", "z", "NX", "GT", 1, "a"), ("ZADD", "z", "INCR", 1, "a", 2, "b"), ("ZADD", "z", "x", "a"),
    ("ZADD", "z", "nan", "a"), ("ZADD", "z", 1, "a", 2), ("ZADD", "z", "CH"), ("ZADD", "xxkey", "XX", 1, "a"),
    ("EXISTS", "xxkey"))
add("zadd_incr", ("ZADD", "z", "INCR", 1, "a"), ("ZADD", "z", "INCR", "2.5", "a"), ("ZADD", "z", "NX", "INCR", 1, "a"),
    ("ZADD", "z", "XX", "INCR", 1, "q"), ("ZADD", "z", "GT", "INCR", -1, "a"), ("ZADD", "z", "LT", "INCR", -1, "a"),
    ("ZADD", "z", "INCR", "inf", "a"), ("ZADD", "z", "INCR", "-inf", "a"), ("ZSCORE", "z", "a"),
    ("ZADD", "xx", "XX", "INCR", 1, "a"))
add("zscore_formatting", ("ZADD", "z", "0.1", "a", "1.5", "b", "-0", "c", "1e300", "d", "-inf", "e",
                          "123456789.125", "f", "3", "g", "+inf", "h", "1e-5", "i"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZSCORE", "z", "c"), ("ZSCORE", "z", "e"), ("ZADD", "z", "1e400", "x"),
    ("ZADD", "z", "1e-400", "x"), ("ZADD", "z", " 1", "x"), ("ZADD", "z", "0x10", "x"), ("ZINCRBY", "z", "0.2", "a"))
add("zincrby", ("ZINCRBY", "z", 2, "a"), ("ZINCRBY", "z", "-0.5", "a"), ("ZINCRBY", "z", "x", "a"),
    ("ZINCRBY", "z", "inf", "a"), ("ZINCRBY", "z", "-inf", "a"), ("ZSCORE", "z", "a"), ("ZINCRBY", "new", 1, "m"))
add("zrem_zcard", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZREM", "z", "a", "x", "a"), ("ZCARD", "z"),
    ("ZREM", "z", "b", "c"), ("EXISTS", "z"), ("ZCARD", "z"), ("ZREM", "nokey", "a"), ("ZCARD", "nokey"))
add("zrank", ("ZADD", "z", 1, "a", 2, "b", 2, "bb", 3, "c"), ("ZRANK", "z", "a"), ("ZRANK", "z", "bb"),
    ("ZRANK", "z", "c"), ("ZRANK", "z", "x"), ("ZREVRANK", "z", "a"), ("ZREVRANK", "z", "c"),
    ("ZREVRANK", "z", "x"), ("ZRANK", "nokey", "a"))
add("zrange_by_rank", ("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d"), ("ZRANGE", "z", 0, -1), ("ZRANGE", "z", 1, 2),
    ("ZRANGE", "z", -2, -1, "WITHSCORES"), ("ZRANGE", "z", 0, -1, "REV"), ("ZRANGE", "z", 0, 1, "REV", "WITHSCORES"),
    ("ZRANGE", "z", 5, 10), ("ZRANGE", "z", 2, 1), ("ZRANGE", "z", -100, 100), ("ZREVRANGE", "z", 0, 1),
    ("ZREVRANGE", "z", 0, -1, "WITHSCORES"), ("ZRANGE", "nokey", 0, -1), ("ZRANGE", "z", "x", 1),
    ("ZRANGE", "z", 0, 1, "LIMIT", 0, 1), ("ZRANGE", "z", 0, 1, "LIMIT", 0, -1), ("ZRANGE", "z", 0, 1, "FOO"),
    ("ZREVRANGE", "z", 0, 1, "LIMIT", 0, 1), ("ZREVRANGE", "z", 0, 1, "REV"))
add("zrange_by_score", ("ZADD", "z", 1, "a", 2, "b", 2, "bb", 3, "c", "inf", "i", "-inf", "n"),
    ("ZRANGE", "z", 2, 3, "BYSCORE"), ("ZRANGE", "z", "(2", 3, "BYSCORE", "WITHSCORES"),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE"), ("ZRANGE", "z", "(1", "(3", "BYSCORE"),
    ("ZRANGE", "z", 3, 1, "BYSCORE", "REV"), ("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "WITHSCORES"),
    ("ZRANGE", "z", "(3", "(1", "BYSCORE", "REV"), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 1, 2),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 1, -1), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", -1, 2),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 10, 2), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 0, 0),
    ("ZRANGE", "z", "x", 1, "BYSCORE"), ("ZRANGE", "z", 1, "(x", "BYSCORE"), ("ZRANGEBYSCORE", "z", 2, 3),
    ("ZRANGEBYSCORE", "z", "-inf", 2, "WITHSCORES", "LIMIT", 1, 5), ("ZREVRANGEBYSCORE", "z", 3, 2),
    ("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", 0, 3, "WITHSCORES"), ("ZRANGEBYSCORE", "z", 1, 2, "REV"),
    ("ZRANGEBYSCORE", "z", 1, 2, "BYSCORE"), ("ZRANGEBYSCORE", "nokey", 1, 2), ("ZRANGE", "z", 5, 9, "BYSCORE"),
    ("ZRANGE", "z", 2, 2, "BYSCORE"), ("ZRANGE", "z", "(2", "(2", "BYSCORE"), ("ZRANGEBYSCORE", "z", 1, 2, "LIMIT", 0),
    ("ZCOUNT", "z", "", 5), ("ZCOUNT", "z", "(", 5), ("ZCOUNT", "z", " 1", "3 "), ("ZCOUNT", "z", "1\x00x", 5))
add("zcount", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZCOUNT", "z", 1, 2), ("ZCOUNT", "z", "(1", 3),
    ("ZCOUNT", "z", "-inf", "+inf"), ("ZCOUNT", "z", 5, 1), ("ZCOUNT", "z", "x", 1), ("ZCOUNT", "nokey", 0, 1))
add("zpopmin_zpopmax", ("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d"), ("ZPOPMIN", "z"), ("ZPOPMAX", "z"),
    ("ZPOPMIN", "z", 5), ("EXISTS", "z"), ("ZPOPMIN", "z"), ("ZPOPMAX", "nokey", 2), ("ZPOPMIN", "z", 0),
    ("ZPOPMIN", "z", -1), ("ZPOPMIN", "z", "x"), ("ZPOPMIN", "z", 1, 2), ("ZADD", "y", 1, "a", 1, "b"),
    ("ZPOPMAX", "y", 1), ("ZRANGE", "y", 0, -1))
add("zremrange", ("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e"), ("ZREMRANGEBYRANK", "z", 0, 1),
    ("ZRANGE", "z", 0, -1), ("ZREMRANGEBYRANK", "z", -1, -1), ("ZREMRANGEBYSCORE", "z", "(3", 4),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZREMRANGEBYSCORE", "z", "-inf", "+inf"), ("EXISTS", "z"),
    ("ZREMRANGEBYRANK", "nokey", 0, 1), ("ZREMRANGEBYRANK", "z", "x", 1), ("ZREMRANGEBYSCORE", "z", "x", 1),
    ("ZADD", "y", 1, "a"), ("ZREMRANGEBYRANK", "y", 5, 9), ("ZREMRANGEBYSCORE", "y", 5, 9), ("ZCARD", "y"))
add("zscan", ("ZADD", "z", *[x for i in range(200) for x in (i / 4, f"m{i:03}")]), ScanAll(key="z"),
    ScanAll(key="z", count=9), ScanAll(key="z", match="m1*"), ("ZSCAN", "z", "x"), ("ZSCAN", "nokey", 0))
add("zset_wrongtype", ("SET", "s", "v"), ("ZADD", "s", 1, "a"), ("ZINCRBY", "s", 1, "a"), ("ZREM", "s", "a"),
    ("ZCARD", "s"), ("ZSCORE", "s", "a"), ("ZMSCORE", "s", "a"), ("ZRANK", "s", "a"), ("ZREVRANK", "s", "a"),
    ("ZCOUNT", "s", 0, 1), ("ZRANGE", "s", 0, -1), ("ZRANGEBYSCORE", "s", 0, 1), ("ZPOPMIN", "s"),
    ("ZREMRANGEBYRANK", "s", 0, 1), ("ZSCAN", "s", 0), ("ZADD", "z", 1, "a"), ("GET", "z"), ("SADD", "z", "a"),
    ("LPUSH", "z", "a"), ("HGET", "z", "a"), ("TYPE", "z"))
add("zset_many_members", ("ZADD", "big", *[x for i in range(400) for x in ((i * 7919) % 400, f"m{i}")]),
    ("ZCARD", "big"), ("ZRANGE", "big", 100, 110, "WITHSCORES"), ("ZRANK", "big", "m399"),
    ("ZCOUNT", "big", 100, 199), ("ZRANGEBYSCORE", "big", 50, 60), ("ZREMRANGEBYSCORE", "big", 0, 99),
    ("ZRANGE", "big", 0, 4), ("ZREVRANGE", "big", 0, 4, "WITHSCORES"))
add("zset_multi_copy_expiry", ("MULTI",), ("ZADD", "z", 1, "a", 2, "b"), ("ZINCRBY", "z", 5, "a"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("EXEC",), ("COPY", "z", "y"), ("ZADD", "y", 0, "c"),
    ("ZRANGE", "z", 0, -1), ("ZRANGE", "y", 0, -1, "WITHSCORES"), ("RENAME", "y", "x"), ("ZRANK", "x", "a"),
    ("EXPIRE", "x", 100), ("ZADD", "x", 9, "d"), ("TTL", "x"), ("DEL", "z"), ("ZADD", "z", 3, "q"),
    ("ZRANGE", "z", 0, -1), ScanAll(type="zset"))
add("zset_lex", ("ZADD", "l", 0, "a", 0, "b", 0, "c", 0, "d", 0, "e"), ("ZRANGEBYLEX", "l", "-", "+"),
    ("ZRANGEBYLEX", "l", "[b", "(d"), ("ZRANGEBYLEX", "l", "(b", "[d"), ("ZRANGEBYLEX", "l", "[b", "[d", "LIMIT", 1, 1),
    ("ZRANGEBYLEX", "l", "-", "+", "LIMIT", 2, -1), ("ZREVRANGEBYLEX", "l", "+", "-"),
    ("ZREVRANGEBYLEX", "l", "[d", "(a", "LIMIT", 0, 2), ("ZRANGE", "l", "[a", "[c", "BYLEX"),
    ("ZRANGE", "l", "[d", "[b", "BYLEX", "REV"), ("ZRANGE", "l", "-", "+", "BYLEX", "LIMIT", 1, 2),
    ("ZRANGE", "l", "[a", "[c", "BYLEX", "WITHSCORES"), ("ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"),
    ("ZRANGEBYLEX", "l", "b", "d"), ("ZRANGEBYLEX", "l", "[b", "x"), ("ZRANGEBYLEX", "l", "+", "-"),
    ("ZRANGEBYLEX", "l", "[z", "+"), ("ZLEXCOUNT", "l", "[b", "+"), ("ZLEXCOUNT", "l", "-", "(c"),
    ("ZLEXCOUNT", "l", "x", "y"), ("ZLEXCOUNT", "nokey", "-", "+"), ("ZREMRANGEBYLEX", "l", "[a", "(c"),
    ("ZRANGE", "l", 0, -1), ("ZREMRANGEBYLEX", "l", "-", "+"), ("EXISTS", "l"), ("ZREMRANGEBYLEX", "l", "x", "+"),
    ("ZADD", "m", 1, "b", 2, "a", 3, "c"), ("ZRANGEBYLEX", "m", "[a", "[c"), ("ZRANGEBYLEX", "m", "-", "+"))
add("zrandmember", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZRANDMEMBER", "z"), ("ZRANDMEMBER", "z", 0),
    ("ZRANDMEMBER", "z", 2), ("ZRANDMEMBER", "z", -5), ("ZRANDMEMBER", "z", 3, "WITHSCORES"),
    ("ZRANDMEMBER", "z", 5, "withscores"), ("ZRANDMEMBER", "z", -2, "WITHSCORES"), ("ZRANDMEMBER", "nokey"),
    ("ZRANDMEMBER", "nokey", 2), ("ZRANDMEMBER", "z", "x"), ("ZRANDMEMBER", "z", 1, "FOO"),
    ("ZRANDMEMBER", "z", "-9223372036854775808"), ("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"),
    ("SET", "s", "v"), ("ZRANDMEMBER", "s"), ("ZRANDMEMBER", "s", 1))
add("zstore_algebra", ("ZADD", "a", 1, "x", 2, "y", 3, "z"), ("ZADD", "b", 10, "y", 20, "z", 30, "w"),
    ("SADD", "s", "x", "w", "v"), ("ZUNIONSTORE", "u", 2, "a", "b"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 2, "a", "b", "WEIGHTS", 2, "0.5"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 3, "a", "b", "s", "AGGREGATE", "MAX"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZINTERSTORE", "i", 2, "a", "b"), ("ZRANGE", "i", 0, -1, "WITHSCORES"),
    ("ZINTERSTORE", "i", 2, "a", "b", "AGGREGATE", "MIN", "WEIGHTS", 1, 3), ("ZRANGE", "i", 0, -1, "WITHSCORES"),
    ("ZINTERSTORE", "i", 2, "a", "s"), ("ZRANGE", "i", 0, -1, "WITHSCORES"), ("ZINTERSTORE", "i", 2, "a", "nokey"),
    ("EXISTS", "i"), ("ZDIFFSTORE", "d", 2, "a", "b"), ("ZRANGE", "d", 0, -1, "WITHSCORES"),
    ("ZDIFFSTORE", "d", 2, "a", "s"), ("ZRANGE", "d", 0, -1, "WITHSCORES"), ("ZDIFFSTORE", "d", 1, "nokey"),
    ("EXISTS", "d"), ("ZUNIONSTORE", "a", 2, "a", "b"), ("ZRANGE", "a", 0, -1, "WITHSCORES"))
add("zstore_edges", ("ZADD", "a", "inf", "x", 1, "y"), ("ZADD", "b", "-inf", "x", 2, "y"),
    ("ZUNIONSTORE", "u", 2, "a", "b"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 2, "a", "b", "WEIGHTS", 0, 1), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 0, "a"), ("ZUNIONSTORE", "u", 3, "a", "b"), ("ZUNIONSTORE", "u", "x", "a"),
    ("ZUNIONSTORE", "u", 1, "a", "AGGREGATE", "FOO"), ("ZUNIONSTORE", "u", 1, "a", "WEIGHTS", "x"),
    ("ZUNIONSTORE", "u", 2, "a", "b", "WEIGHTS", 1), ("ZUNIONSTORE", "u", 1, "a", "WITHSCORES"),
    ("ZDIFFSTORE", "u", 1, "a", "WEIGHTS", 1), ("ZDIFFSTORE", "u", 0, "a"), ("SET", "str", "v"),
    ("ZUNIONSTORE", "u", 2, "a", "str"), ("ZINTERSTORE", "u", 2, "nokey", "str"), ("ZDIFFSTORE", "u", 1, "str"),
    ("ZUNIONSTORE", "str", 1, "a"), ("TYPE", "str"), ("ZINTERSTORE", "a", 1, "a", "WEIGHTS", "-1"),
    ("ZRANGE", "a", 0, -1, "WITHSCORES"))
add("zset_resp3", ("HELLO", 3), ("ZADD", "z", 1, "a", "2.5", "b"), ("ZSCORE", "z", "b"), ("ZMSCORE", "z", "a", "x"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZINCRBY", "z", 1, "a"), ("ZADD", "z", "INCR", 1, "a"),
    ("ZPOPMIN", "z"), ("ZPOPMAX", "z", 1), ("ZPOPMIN", "nokey"), ("ZPOPMIN", "nokey", 2),
    ("ZADD", "y", 1, "a", 2, "b"), ("ZRANDMEMBER", "y", 2, "WITHSCORES"), ("ZRANDMEMBER", "y", -1, "WITHSCORES"),
    ("ZRANGEBYSCORE", "y", 0, 5, "WITHSCORES"), protocol=3)

# ---------------------------------------------------------------------------------------------
# More collection edge cases: extreme indexes and counts, missing keys in set algebra, binary
# members, WATCH and MULTI mixes, RESP3 shapes
add("lrange_lindex_extremes", ("RPUSH", "l", "a", "b", "c"), ("LRANGE", "l", LLONG_MIN, LLONG_MAX),
    ("LRANGE", "l", -100, 100), ("LRANGE", "l", 2, 1), ("LRANGE", "l", 3, 10), ("LRANGE", "l", -1, -2),
    ("LRANGE", "l", "x", 1), ("LRANGE", "l", 0, "1.5"), ("LINDEX", "l", LLONG_MIN), ("LINDEX", "l", LLONG_MAX),
    ("LINDEX", "l", -3), ("LINDEX", "l", -4), ("LINDEX", "l", "x"), ("LINDEX", "nokey", 0),
    ("LRANGE", "nokey", 0, -1))
add("lset_errors", ("LSET", "nokey", 0, "v"), ("RPUSH", "l", "a"), ("LSET", "l", 1, "v"),
    ("LSET", "l", -2, "v"), ("LSET", "l", "x", "v"), ("LSET", "l", -1, "z"), ("LRANGE", "l", 0, -1),
    ("SET", "s", "v"), ("LSET", "s", 0, "v"))
add("linsert_edges", ("LINSERT", "nokey", "BEFORE", "a", "b"), ("RPUSH", "l", "a", "b", "a"),
    ("LINSERT", "l", "AFTER", "zz", "x"), ("LINSERT", "l", "after", "a", "x"), ("LINSERT", "l", "BEFORE", "a", "y"),
    ("LINSERT", "l", "MIDDLE", "a", "x"), ("LRANGE", "l", 0, -1), ("LINSERT", "l", "BEFORE", "", ""),
    ("SET", "s", "v"), ("LINSERT", "s", "BEFORE", "a", "b"))
add("lrem_ltrim_edges", ("RPUSH", "l", "a", "b", "a", "c", "a"), ("LREM", "l", -2, "a"), ("LRANGE", "l", 0, -1),
    ("LREM", "l", LLONG_MIN, "b"), ("LREM", "l", 0, "nothing"), ("LREM", "l", "x", "a"), ("LREM", "nokey", 0, "a"),
    ("LTRIM", "l", 5, 10), ("EXISTS", "l"), ("RPUSH", "m", 1, 2, 3, 4), ("LTRIM", "m", LLONG_MIN, LLONG_MAX),
    ("LRANGE", "m", 0, -1), ("LTRIM", "m", -2, -1), ("LRANGE", "m", 0, -1), ("LTRIM", "m", 1, 0),
    ("EXISTS", "m"), ("LTRIM", "nokey", 0, 1), ("LTRIM", "m", "a", 1))
add("lpop_counts", ("RPUSH", "l", 1, 2, 3), ("LPOP", "l", LLONG_MAX), ("EXISTS", "l"), ("RPUSH", "l", 1),
    ("RPOP", "l", 0), ("LLEN", "l"), ("LPOP", "l", -1), ("LPOP", "nokey", 0), ("RPOP", "nokey", 3),
    ("LPOP", "l", "1.0"))
add("lpos_more", ("RPUSH", "l", "a", "b", "a", "b", "a"), ("LPOS", "l", "a", "RANK", LLONG_MIN),
    ("LPOS", "l", "a", "RANK", LLONG_MAX), ("LPOS", "l", "b", "COUNT", 0, "RANK", -1),
    ("LPOS", "l", "a", "MAXLEN", 1, "COUNT", 0), ("LPOS", "l", "a", "RANK", -2, "MAXLEN", 2),
    ("LPOS", "l", "a", "COUNT", -1), ("LPOS", "l", "a", "MAXLEN", -1), ("LPOS", "l", "a", "FOO", 1),
    ("LPOS", "l", "a", "COUNT"), ("LPOS", "nokey", "a", "COUNT", 2))
add("list_watch", On(1, "RPUSH", "q", "a"), ("WATCH", "q"), On(1, "LPOP", "q"), ("MULTI",),
    ("RPUSH", "q", "b"), ("EXEC",), ("LRANGE", "q", 0, -1), ("WATCH", "q"), ("MULTI",), ("RPUSH", "q", "c"),
    ("EXEC",), ("LRANGE", "q", 0, -1))
add("list_recreated_and_types", ("RPUSH", "l", 1, 2, 3), ("DEL", "l"), ("LLEN", "l"), ("RPUSH", "l", 9),
    ("LRANGE", "l", 0, -1), ("TYPE", "l"), ("SET", "l", "str"), ("LLEN", "l"), ("DEL", "l"),
    ("LPUSHX", "l", 1), ("EXISTS", "l"), ("SCAN", 0, "TYPE", "list"))
add("set_algebra_missing_and_wrong", ("SADD", "a", 1, 2, 3), ("SADD", "b", 2, 3, 4), ("SET", "str", "v"),
    ("SINTER", "a", "nokey"), ("SUNION", "nokey"), ("SDIFF", "nokey", "a"), ("SDIFF", "a", "nokey"),
    ("SINTER", "a", "str"), ("SINTER", "nokey", "str"), ("SUNION", "a", "str"), ("SDIFF", "nokey", "str"),
    ("SINTERSTORE", "dst", "a", "nokey"), ("EXISTS", "dst"), ("SUNIONSTORE", "str", "a", "b"), ("TYPE", "str"),
    ("SDIFFSTORE", "a", "a", "b"), ("SMEMBERS", "a"), ("SINTERCARD", 2, "a", "str"), ("SINTERCARD", 1, "nokey"))
add("set_members_binary_and_numbers", ("SADD", "s", BIN_VAL, "", "01", "1", "-0", "0"), ("SCARD", "s"),
    ("SISMEMBER", "s", BIN_VAL), ("SISMEMBER", "s", ""), ("SMISMEMBER", "s", "1", "01", "001"),
    ("SREM", "s", "", BIN_VAL, "nothing"), ("SCARD", "s"), ("SMOVE", "s", "t", "01"), ("SMEMBERS", "t"),
    ("SMOVE", "s", "s", "1"), ("SMOVE", "s", "t", "nothing"), ("SCARD", "s"))
add("srandmember_counts", ("SADD", "s", "a", "b", "c"), ("SRANDMEMBER", "s", 0), ("SRANDMEMBER", "s", 3),
    ("SCARD", "s"), ("SRANDMEMBER", "nokey"), ("SRANDMEMBER", "nokey", 5), ("SRANDMEMBER", "nokey", -5),
    ("SRANDMEMBER", "s", "x"), ("SPOP", "s", 0), ("SPOP", "s", -1), ("SPOP", "nokey", 2), ("SPOP", "s", 10),
    ("EXISTS", "s"))
add("set_watch_and_multi", On(1, "SADD", "s", "a"), ("WATCH", "s"), On(1, "SREM", "s", "a"), ("MULTI",),
    ("SADD", "s", "b"), ("EXEC",), ("SMEMBERS", "s"), ("MULTI",), ("SADD", "s", "x", "y"), ("SCARD", "s"),
    ("SREM", "s", "x"), ("SISMEMBER", "s", "y"), ("SPOP", "s", 5), ("EXEC",), ("EXISTS", "s"))
add("set_resp3_shapes", ("HELLO", 3), ("SADD", "s", "a", "b"), ("SMEMBERS", "s"), ("SINTER", "s", "nokey"),
    ("SMISMEMBER", "s", "a", "z"), ("SISMEMBER", "s", "a"), ("SRANDMEMBER", "s", -3), ("SPOP", "nokey", 1),
    ("SMEMBERS", "nokey"), ("SSCAN", "s", 0, "MATCH", "a"), protocol=3)
add("hash_numbers_edges", ("HSET", "h", "n", LLONG_MAX, "f", "1.5", "s", " 1"), ("HINCRBY", "h", "n", 1),
    ("HINCRBY", "h", "f", 1), ("HINCRBY", "h", "s", 1), ("HINCRBY", "h", "new", LLONG_MIN),
    ("HINCRBY", "h", "new", -1), ("HINCRBYFLOAT", "h", "f", "1e308"), ("HINCRBYFLOAT", "h", "f", "inf"),
    ("HINCRBYFLOAT", "h", "f", "nan"), ("HINCRBYFLOAT", "h", "x", "0x10"), ("HINCRBYFLOAT", "h", "y", "-0"),
    ("HGETALL", "h"), ("HSTRLEN", "h", "n"), ("HSTRLEN", "h", "missing"), ("HSTRLEN", "nokey", "f"))
add("hash_field_order_and_big_values", ("HSET", "h", "b", BIG, "a", "1", "c", ""), ("HGET", "h", "b"),
    ("HSTRLEN", "h", "b"), ("HMGET", "h", "c", "a", "zz"), ("HDEL", "h", "b", "b"), ("HLEN", "h"),
    ("HKEYS", "h"), ("HVALS", "h"))
add("zset_score_edges", ("ZADD", "z", "inf", "top", "-inf", "bottom", 0, "zero", "-0", "negzero"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZINCRBY", "z", "-inf", "top"), ("ZINCRBY", "z", 1, "top"),
    ("ZADD", "z", "nan", "x"), ("ZADD", "z", "1e400", "x"), ("ZADD", "z", "0x10", "hex"), ("ZSCORE", "z", "hex"),
    ("ZADD", "z", "1.0000000000000001", "p"), ("ZSCORE", "z", "p"), ("ZADD", "z", " 1", "sp"),
    ("ZCOUNT", "z", "-inf", "+inf"), ("ZCOUNT", "z", "(0", "(inf"), ("ZRANGEBYSCORE", "z", "(-inf", "(inf"),
    ("ZRANGEBYSCORE", "z", "-inf", "-inf", "WITHSCORES"), ("ZREMRANGEBYSCORE", "z", "inf", "inf"),
    ("ZCARD", "z"))
add("zset_limits_and_ranks", ("ZADD", "z", *[x for i in range(20) for x in (i % 5, f"m{i:02}")]),
    ("ZRANGE", "z", 0, -1), ("ZRANGEBYSCORE", "z", 1, 3, "LIMIT", 2, 3), ("ZRANGEBYSCORE", "z", 1, 3, "LIMIT", 0, -1),
    ("ZRANGEBYSCORE", "z", 1, 3, "LIMIT", -1, 2), ("ZREVRANGEBYSCORE", "z", 3, 1, "LIMIT", 1, 2, "WITHSCORES"),
    ("ZRANGE", "z", "(1", 3, "BYSCORE", "REV"), ("ZRANGE", "z", 3, "(1", "BYSCORE", "REV", "LIMIT", 0, 3),
    ("ZRANK", "z", "m19"), ("ZREVRANK", "z", "m19"), ("ZRANK", "z", "nope"), ("ZREMRANGEBYRANK", "z", -3, -1),
    ("ZRANGE", "z", -3, -1, "WITHSCORES"), ("ZRANGE", "z", 0, 1, "LIMIT", 0, 1))
add("zset_watch_and_multi", On(1, "ZADD", "z", 1, "a"), ("WATCH", "z"), On(1, "ZINCRBY", "z", 1, "a"),
    ("MULTI",), ("ZADD", "z", 5, "b"), ("EXEC",), ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("MULTI",),
    ("ZADD", "z", 2, "c"), ("ZPOPMIN", "z"), ("ZRANK", "z", "c"), ("ZADD", "z", "INCR", 1, "c"), ("EXEC",))
add("collections_in_one_transaction", ("MULTI",), ("HSET", "k", "f", "v"), ("RPUSH", "k", "x"), ("DEL", "k"),
    ("RPUSH", "k", "x"), ("SADD", "k", "m"), ("TYPE", "k"), ("RENAME", "k", "j"), ("LRANGE", "j", 0, -1),
    ("COPY", "j", "z"), ("ZADD", "z", 1, "m"), ("EXEC",), ("TYPE", "z"), ("DBSIZE",))

# ---------------------------------------------------------------------------------------------
# Blocking commands that find something at once, time out, or fail before blocking
# (tests/system/test_blocking.py covers the waiting itself)
add("blpop_brpop_ready", ("RPUSH", "b", 1, 2, 3), ("BLPOP", "a", "b", 0), ("BRPOP", "a", "b", 0),
    ("BRPOP", "b", "b", 1), ("EXISTS", "b"), ("RPUSH", "a", "x"), ("BLPOP", "b", "a", 0),
    ("BLPOP", "a", 0.01), ("BRPOP", "a", "b", 0.01), ("RPUSH", BIN_KEY, BIN_VAL), ("BLPOP", BIN_KEY, 0))
add("blocking_timeouts", ("BLPOP", "k", "abc"), ("BLPOP", "k", -1), ("BLPOP", "k", "1e300"),
    ("BLPOP", "k", "inf"), ("BLPOP", "k", "nan"), ("BLPOP", "k", ""), ("BLPOP", "k", " 1"),
    ("BLPOP", "k", "-0.01"), ("BRPOP", "k", "1e16"), ("BLMOVE", "k", "d", "LEFT", "LEFT", "x"),
    ("BRPOPLPUSH", "k", "d", -1), ("BZPOPMIN", "k", "abc"), ("BZPOPMAX", "k", -5),
    ("BLPOP", "k", "0.0001"), ("BZPOPMAX", "k", "0x1p-6"), ("DBSIZE",))
add("blocking_wrong_type", ("SET", "s", "v"), ("RPUSH", "l", "x", "y", "z"), ("ZADD", "z", 1, "m"),
    ("BLPOP", "s", 0), ("BLPOP", "l", "s", 0), ("BLPOP", "nokey", "s", 0), ("BZPOPMIN", "l", 0),
    ("BZPOPMIN", "z", "l", 0), ("BLMOVE", "s", "l", "LEFT", "LEFT", 0), ("BLMOVE", "l", "s", "LEFT", "LEFT", 0),
    ("BRPOPLPUSH", "l", "z", 0), ("LRANGE", "l", 0, -1), ("BLMOVE", "l", "d", "UP", "LEFT", "abc"),
    ("BLMOVE", "l", "d", "LEFT", "DOWN", 0))
add("blmove_brpoplpush_ready", ("RPUSH", "src", 1, 2, 3), ("BLMOVE", "src", "dst", "LEFT", "RIGHT", 0),
    ("BLMOVE", "src", "dst", "right", "left", 0), ("BRPOPLPUSH", "src", "src", 0), ("LRANGE", "src", 0, -1),
    ("LRANGE", "dst", 0, -1), ("BRPOPLPUSH", "src", "dst", 0), ("EXISTS", "src"),
    ("BLMOVE", "src", "dst", "LEFT", "LEFT", 0.01), ("BRPOPLPUSH", "src", "dst", 0.01),
    ("LRANGE", "dst", 0, -1))
add("bzpop_ready", ("ZADD", "z", 1, "a", 2, "b", 3, "c", "-inf", "lo"), ("ZADD", "y", 5, "c"),
    ("BZPOPMIN", "nokey", "z", 0), ("BZPOPMAX", "y", "z", 0), ("BZPOPMAX", "y", "z", 0),
    ("BZPOPMIN", "z", 0), ("BZPOPMIN", "z", 0), ("EXISTS", "z"), ("BZPOPMIN", "z", "y", 0.01))
add("bzpop_resp3", ("HELLO", 3), ("ZADD", "z", "1.5", "a", "inf", "b"), ("BZPOPMAX", "z", 0),
    ("BZPOPMIN", "z", 0), ("BZPOPMIN", "z", 0.01), ("RPUSH", "l", "v"), ("BLPOP", "l", 0),
    ("BLPOP", "l", 0.01), ("BLMOVE", "l", "d", "LEFT", "LEFT", 0.01), protocol=3)
add("blocking_in_multi", ("RPUSH", "full", "v"), ("ZADD", "z", 3, "m"), ("MULTI",),
    ("BLPOP", "empty", 0), ("BLPOP", "full", 0), ("BRPOP", "full", 0), ("BLMOVE", "empty", "d", "LEFT", "LEFT", 0),
    ("BRPOPLPUSH", "empty", "d", 0), ("BZPOPMIN", "empty", 0), ("BZPOPMAX", "z", 0), ("BLPOP", "x", "abc"),
    ("EXEC",), ("MULTI",), ("BLPOP", "x", 0, "extra-is-a-key"), ("BLPOP", "x"), ("EXEC",))

# ---------------------------------------------------------------------------------------------
# OBJECT: the encoding Redis 7.0 would use for the contents (never after a shrink: Redis keeps a
# converted collection big, Seshat answers by the contents; docs/roadmap.md)
add("object_encoding_strings", ("SET", "i", 123), ("SET", "neg", -5), ("SET", "e", "abc"),
    ("SET", "f", "1.5"), ("SET", "lead", "012"), ("SET", "sp", " 1"), ("SET", "max", LLONG_MAX),
    ("SET", "over", "9223372036854775808"), ("SET", "e44", "x" * 44), ("SET", "r45", "x" * 45),
    ("SET", "empty", ""), ("SET", "d21", "1" * 21),
    *[("OBJECT", "ENCODING", k) for k in ("i", "neg", "e", "f", "lead", "sp", "max", "over",
                                            "e44", "r45", "empty", "d21", "nokey")],
    ("INCR", "i"), ("OBJECT", "ENCODING", "i"), ("INCRBYFLOAT", "f", 1), ("OBJECT", "ENCODING", "f"),
    ("object", "encoding", "e"))
add("object_refcount_freq", ("SET", "small", 9999), ("SET", "big", 10000), ("SET", "neg", -1),
    ("SET", "s", "abc"), ("RPUSH", "l", 1), ("OBJECT", "REFCOUNT", "small"), ("OBJECT", "REFCOUNT", "big"),
    ("OBJECT", "REFCOUNT", "neg"), ("OBJECT", "REFCOUNT", "s"), ("OBJECT", "REFCOUNT", "l"),
    ("OBJECT", "REFCOUNT", "nokey"), ("INCR", "small"), ("OBJECT", "REFCOUNT", "small"),
    ("OBJECT", "FREQ", "s"), ("OBJECT", "FREQ", "nokey"))
add("object_encoding_collections", ("HSET", "h", "f", "v"), ("HSET", "hv", "f", "v" * 65),
    ("HSET", "hf", "f" * 65, "v"), ("HSET", "h64", "f" * 64, "v" * 64),
    ("HSET", "hbig", *[x for i in range(513) for x in (f"f{i}", i)]),
    ("HSET", "h512", *[x for i in range(512) for x in (f"f{i}", i)]), ("RPUSH", "l", "a"),
    ("SADD", "si", 1, -2, LLONG_MAX), ("SADD", "ss", 1, "a"), ("SADD", "s0", "-0"), ("SADD", "sp", "+1"),
    ("SADD", "sbig", *range(513)), ("SADD", "s512", *range(512)), ("ZADD", "z", 1, "a"),
    ("ZADD", "zbig", *[x for i in range(129) for x in (i, f"m{i}")]),
    ("ZADD", "z128", *[x for i in range(128) for x in (i, f"m{i}")]), ("ZADD", "zm", 1, "m" * 65),
    *[("OBJECT", "ENCODING", k) for k in ("h", "hv", "hf", "h64", "hbig", "h512", "l", "si", "ss",
                                            "s0", "sp", "sbig", "s512", "z", "zbig", "z128", "zm")],
    ("SADD", "si", "x"), ("OBJECT", "ENCODING", "si"), ("ZADD", "z", 2, "b" * 65), ("OBJECT", "ENCODING", "z"))
add("object_errors", ("OBJECT",), ("OBJECT", "ENCODING"), ("OBJECT", "ENCODING", "a", "b"),
    ("OBJECT", "NOSUCH", "k"), ("OBJECT", "REFCOUNT"), ("OBJECT", "HELP", "x"), ("SET", "k", 1),
    ("MULTI",), ("OBJECT", "ENCODING", "k"), ("OBJECT", "REFCOUNT", "k"), ("EXEC",),
    ("MULTI",), ("OBJECT", "ENCODING"), ("EXEC",))

# ---------------------------------------------------------------------------------------------
# Errors: wrong arity for every command (Redis arity: n exact, -n at least n), unknown commands
ARITY = {
    "GET": 2, "SET": -3, "SETNX": 3, "SETEX": 4, "PSETEX": 4, "GETSET": 3, "GETDEL": 2,
    "GETEX": -2, "MGET": -2, "MSET": -3, "MSETNX": -3, "APPEND": 3, "STRLEN": 2, "GETRANGE": 4,
    "SETRANGE": 4, "INCR": 2, "DECR": 2, "INCRBY": 3, "DECRBY": 3, "INCRBYFLOAT": 3, "DEL": -2,
    "UNLINK": -2, "EXISTS": -2, "TYPE": 2, "KEYS": 2, "SCAN": -2, "RANDOMKEY": 1, "RENAME": 3,
    "RENAMENX": 3, "TOUCH": -2, "COPY": -3, "EXPIRE": -3, "PEXPIRE": -3, "EXPIREAT": -3,
    "PEXPIREAT": -3, "TTL": 2, "PTTL": 2, "EXPIRETIME": 2, "PEXPIRETIME": 2, "PERSIST": 2,
    "DBSIZE": 1, "ECHO": 2, "SELECT": 2, "TIME": 1, "MULTI": 1, "EXEC": 1, "DISCARD": 1,
    "WATCH": -2, "UNWATCH": 1, "AUTH": -2, "CLIENT": -2, "CONFIG": -2, "RESET": 1, "PING": -1,
    "HSET": -4, "HSETNX": 4, "HGET": 3, "HMGET": -3, "HMSET": -4, "HDEL": -3, "HEXISTS": 3,
    "HLEN": 2, "HSTRLEN": 3, "HKEYS": 2, "HVALS": 2, "HGETALL": 2, "HINCRBY": 4,
    "HINCRBYFLOAT": 4, "HSCAN": -3, "HRANDFIELD": -2, "LPUSH": -3, "RPUSH": -3, "LPUSHX": -3,
    "RPUSHX": -3, "LPOP": -2, "RPOP": -2, "LLEN": 2, "LRANGE": 4, "LINDEX": 3, "LSET": 4,
    "LINSERT": 5, "LREM": 4, "LTRIM": 4, "LPOS": -3, "LMOVE": 5, "RPOPLPUSH": 3, "SADD": -3,
    "SREM": -3, "SISMEMBER": 3, "SMISMEMBER": -3, "SCARD": 2, "SMEMBERS": 2, "SPOP": -2,
    "SRANDMEMBER": -2, "SMOVE": 4, "SINTER": -2, "SUNION": -2, "SDIFF": -2, "SINTERSTORE": -3,
    "SUNIONSTORE": -3, "SDIFFSTORE": -3, "SSCAN": -3, "ZADD": -4, "ZINCRBY": 4, "ZREM": -3,
    "ZCARD": 2, "ZSCORE": 3, "ZMSCORE": -3, "ZRANK": 3, "ZREVRANK": 3, "ZCOUNT": 4, "ZRANGE": -4,
    "ZREVRANGE": -4, "ZRANGEBYSCORE": -4, "ZREVRANGEBYSCORE": -4, "ZPOPMIN": -2, "ZPOPMAX": -2,
    "ZREMRANGEBYRANK": 4, "ZREMRANGEBYSCORE": 4, "ZSCAN": -3, "ZRANGEBYLEX": -4,
    "ZREVRANGEBYLEX": -4, "ZLEXCOUNT": 4, "ZREMRANGEBYLEX": 4, "ZRANDMEMBER": -2,
    "ZUNIONSTORE": -4, "ZINTERSTORE": -4, "ZDIFFSTORE": -4, "BLPOP": -3, "BRPOP": -3,
    "BLMOVE": 6, "BRPOPLPUSH": 4, "BZPOPMIN": -3, "BZPOPMAX": -3,
}
for _name, _arity in ARITY.items():
    _needed = abs(_arity)
    _bad = list(range(1, _needed)) + ([_needed + 1, _needed + 3] if _arity > 0 else [])
    _steps = [tuple([_name] + [f"a{i}" for i in range(1, n)]) for n in _bad if n != _needed]
    if _name == "PING":
        _steps = [("PING", "a", "b"), ("PING", "a", "b", "c")]  # arity -1, at most 2 in fact
    add(f"arity_{_name.lower()}", *_steps, ("DBSIZE",))
add("arity_lowercase_name", ("get",), ("sEt", "k"), ("mset", "a"))
add("arity_config_subcommands", ("CONFIG", "GET"), ("CONFIG", "NOSUCH"), ("CONFIG",))
add("unknown_command", ("FOO",), ("FOO", "a", "b"), ("foo", "x"))
add("unknown_command_long_args", ("NOSUCH", "a" * 200), ("NOSUCH", *["arg%d" % i for i in range(40)]),
    ("NOSUCH", "x" * 120, "y" * 20))
add("unknown_command_long_name", ("N" * 200, "x"))
add("unknown_command_special_bytes", ("NOSUCH", "a\r\nb"), ("NOSUCH", b"\x00\xff"),
    (b"BAD\r\nNAME", "x"), ("NOSUCH", "it's"))
add("unknown_command_empty_name", ("",), ("", "a"))

# ---------------------------------------------------------------------------------------------
# Large values and keys
add("big_value_roundtrip", ("SET", "big", BIG), ("GET", "big"), ("STRLEN", "big"),
    ("GETRANGE", "big", MB - 5, MB + 5), ("MGET", "big", "none"))
add("big_value_append_setrange", ("SET", "big", BIG), ("APPEND", "big", BIG), ("STRLEN", "big"),
    ("SETRANGE", "big", 3 * MB, "end"), ("STRLEN", "big"), ("GETRANGE", "big", -10, -1))
add("big_value_getset_copy_rename", ("SET", "a", BIG), ("COPY", "a", "b"), ("GETSET", "b", "small"),
    ("RENAME", "a", "c"), ("GETDEL", "c"))
add("big_key", ("SET", b"K" * 65536, "v"), ("GET", b"K" * 65536), ("EXISTS", b"K" * 65536),
    ("KEYS", "K*"))

add("mset_mget_many", ("MSET", *[x for i in range(2000) for x in (f"m:{i}", f"val{i}")]),
    ("MGET", *[f"m:{i}" for i in range(0, 5000, 2)]), ("DBSIZE",),
    ("DEL", *[f"m:{i}" for i in range(1000)]), ("DBSIZE",),
    ("EXISTS", *[f"m:{i}" for i in range(2000)]))

# ---------------------------------------------------------------------------------------------
# Inline commands and hand-made pipelines (bytes as written on the wire)
add("inline_basic", Raw(b"SET k v\r\n", 1), Raw(b"GET k\r\n", 1), Raw(b"PING\r\n", 1))
add("inline_lf_only", Raw(b"SET k v\n", 1), Raw(b"GET k\n", 1))
add("inline_quotes", Raw(b'SET k "hello world"\r\n', 1), Raw(b"GET k\r\n", 1),
    Raw(b"SET k2 'single quoted'\r\nGET k2\r\n", 2))
add("inline_escapes", Raw(b'SET k "a\\x41\\n\\t\\\\b"\r\nGET k\r\n', 2),
    Raw(b"ECHO 'it\\'s'\r\n", 1))
add("inline_extra_spaces", Raw(b"   SET    k    v   \r\n", 1), Raw(b"GET k\r\n", 1))
add("inline_empty_lines_ignored", Raw(b"\r\n\r\n\n", 0), Raw(b"PING\r\n", 1))
add("inline_unknown_and_arity", Raw(b"NOSUCH a b\r\n", 1), Raw(b"GET\r\n", 1),
    Raw(b"set k\r\n", 1))
add("inline_empty_quoted_arg", Raw(b'SET "" ""\r\nEXISTS ""\r\n', 2))
add("inline_pipelined", Raw(b"INCR n\r\nINCR n\r\nINCR n\r\nGET n\r\n", 4))
add("inline_mixed_with_multibulk",
    Raw(b"SET a 1\r\n" + encode_command(["INCR", "a"]) + b"GET a\r\n", 3))
add("multibulk_pipeline_one_write",
    Raw(b"".join(encode_command(c) for c in [("SET", "a", 1), ("INCR", "a"), ("GET", "nope"),
                                             ("MGET", "a", "nope"), ("DEL", "a"), ("FOO",),
                                             ("GET",), ("EXISTS", "a")]), 8))
add("multibulk_split_across_writes", Raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk", 0),
    Raw(b"\r\n$5\r\nhel", 0), Raw(b"lo\r\n", 1), Raw(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 1))
add("multibulk_empty_and_negative_count", Raw(b"*0\r\n*-1\r\n*-5\r\nPING\r\n", 1))
add("multibulk_lowercase_and_binary", Raw(encode_command(["set", b"\x00", b"\r\n"]), 1),
    Raw(encode_command(["get", b"\x00"]), 1))
add("bulk_trailing_bytes_not_crlf", Raw(b"*1\r\n$4\r\nPINGxx", 1), Raw(b"PING\r\n", 1))

# ---------------------------------------------------------------------------------------------
# RESP3 (every client sends HELLO 3 first; replies compared byte for byte)
add("resp3_basic", ("SET", "k", "v"), ("GET", "k"), ("GET", "missing"), ("MGET", "k", "missing"),
    ("EXISTS", "k"), ("TYPE", "k"), ("STRLEN", "k"), protocol=3)
add("resp3_numbers", ("INCR", "n"), ("INCRBYFLOAT", "f", "1.5"), ("SET", "k", "v", "EX", 100),
    ("TTL", "k"), ("DBSIZE",), ("EXPIRETIME", "k"), protocol=3)
add("resp3_nulls", ("SET", "k", "v", "GET"), ("GETDEL", "nope"), ("GETEX", "nope"),
    ("RANDOMKEY",), ("CLIENT", "GETNAME"), protocol=3)
add("resp3_errors", ("GET",), ("FOO", "bar"), ("SET", "k", "v", "XX", "NX"), ("INCR", "k"),
    ("SET", "s", "x"), ("INCR", "s"), protocol=3)
add("resp3_transactions", ("MULTI",), ("SET", "a", 1), ("GET", "b"), ("INCR", "a"), ("EXEC",),
    ("WATCH", "a"), On(1, "SET", "a", 5), ("MULTI",), ("GET", "a"), ("EXEC",), protocol=3)
add("resp3_keys_and_scan", ("SET", "a", 1), ("KEYS", "*"), ("SCAN", 0), ScanAll(),
    ("SET", "b", 1), ScanAll(match=b"a*"), protocol=3)
add("resp3_misc", ("PING",), ("PING", "x"), ("ECHO", "y"), ("TIME",), ("COPY", "a", "b"),
    ("SET", "a", 1), ("COPY", "a", "b"), ("RENAMENX", "a", "b"), ("TOUCH", "a"), protocol=3)
add("resp3_big_and_binary", ("SET", "big", BIG), ("GET", "big"), ("SET", BIN_KEY, BIN_VAL),
    ("MGET", BIN_KEY, "big", "none"), ("GETRANGE", "big", 0, 9), protocol=3)
add("resp3_exec_with_errors", ("SET", "s", "x"), ("MULTI",), ("INCR", "s"), ("GET", "none"),
    ("SET", "s", "y", "EX", 0), ("EXEC",), ("MULTI",), ("SET", "a"), ("EXEC",), protocol=3)
add("resp3_hello_again", ("HELLO", 3), ("HELLO",), ("HELLO", 2), ("GET", "nope"), protocol=3)

# Cases whose commands can all go out in one write (see test_pipelined_batches).
PIPELINE_GROUPS = {
    "strings": [c for c in CASES if c.plain() and c.protocol == 2 and c.name.startswith(
        ("get", "set", "mset", "mget", "msetnx", "append", "strlen", "binary", "command",
         "integer", "utf8"))],
    "counters": [c for c in CASES if c.plain() and c.name.startswith(("incr", "decr"))],
    "keyspace_and_expiry": [c for c in CASES if c.plain() and c.name.startswith(
        ("del", "unlink", "exists", "type", "keys", "rename", "touch", "copy", "expire",
         "pexpire", "ttl", "persist", "randomkey"))],
    "transactions_and_errors": [c for c in CASES if c.plain() and c.name.startswith(
        ("multi", "exec", "discard", "arity", "unknown"))],
}
