"""The differential case table. Each case starts on an empty database on both servers.

Steps: a tuple is a command on client 0; On(n, ...) a command on client n; ScanAll(...) a full
SCAN iteration; Raw(bytes, n) bytes written as they are with n replies read. See differential.py.
Absolute expiry times use fixed dates (FUTURE_S is 2100-01-01) so that EXPIRETIME replies are
exact; relative ones are compared with a tolerance.
"""

from __future__ import annotations

from differential import On, Raw, ScanAll, case
from resp_client import encode_command
from diff_values import (  # noqa: F401 (BIG, BIN_KEY, BIN_VAL are imported from here)
    BIG, BIN_KEY, BIN_VAL, FUTURE_MS, FUTURE_S, LLONG_MAX, LLONG_MIN, MB,
)
from diff_cases_collections import CASES as COLLECTION_CASES

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
# SHUTDOWN's refusals (one that succeeds would stop the server: test_shutdown.py).
add("shutdown_refusals", ("SHUTDOWN", "ABORT"), ("SHUTDOWN", "FOO"), ("SHUTDOWN", "NOW", "ABORT"),
    ("SHUTDOWN", "SAVE", "NOSAVE"), ("SHUTDOWN", "ABORT", "NOW"), ("shutdown", "abort", "abort"),
    ("SHUTDOWN", "FORCE", "ABORT"), ("MULTI",), ("SHUTDOWN", "ABORT"), ("EXEC",), ("PING",))
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
# ACL users. Users outlive FLUSHALL, so every case deletes the users it made. Command rules are
# kept the simple way (a category rule, then commands) where Redis 7.0's description of them
# agrees with ours. ACL cases run on a single node and a leader (test_differential.runs_on).
add("acl_default_user", ("ACL", "WHOAMI"), ("ACL", "USERS"), ("ACL", "LIST"),
    ("ACL", "GETUSER", "default"), ("ACL", "GETUSER", "nobody"), ("ACL", "CAT"),
    ("acl", "whoami"))
add("acl_setuser_list_getuser",
    ("ACL", "SETUSER", "alice", "on", ">pw", "~cache:*", "+get"), ("ACL", "LIST"),
    ("ACL", "GETUSER", "alice"), ("ACL", "USERS"),
    ("ACL", "SETUSER", "alice", "%R~log:*", "&news", ">pw2", "<pw"), ("ACL", "LIST"),
    ("ACL", "SETUSER", "bob"), ("ACL", "SETUSER", "carol", "on", "nopass", "allkeys",
                                       "allcommands", "-flushall"),
    ("ACL", "LIST"), ("ACL", "GETUSER", "carol"), ("ACL", "SETUSER", "carol", "reset"),
    ("ACL", "LIST"), ("ACL", "DELUSER", "alice", "nobody", "bob"), ("ACL", "DELUSER", "nobody"),
    ("ACL", "DELUSER", "carol"), ("ACL", "USERS"))
add("acl_errors",
    ("ACL", "SETUSER", "x", "badrule"), ("ACL", "SETUSER", "x", "+nosuchcmd"),
    ("ACL", "SETUSER", "x", "+@nosuch"), ("ACL", "SETUSER", "x", "~*", "~a"),
    ("ACL", "SETUSER", "x", "&*", "&a"), ("ACL", "SETUSER", "x", "#abc"),
    ("ACL", "SETUSER", "x", "<nope"), ("ACL", "SETUSER", "x", "%X~a"),
    ("ACL", "SETUSER", "x", "+get|"), ("ACL", "SETUSER", "x", "-get|x"),
    ("ACL", "SETUSER", "x", "+config|get|x"), ("ACL", "SETUSER", "a b"), ("ACL", "USERS"),
    ("ACL", "DELUSER", "default"), ("ACL", "DELUSER", "x", "default"), ("ACL", "CAT", "nosuch"),
    ("ACL", "GENPASS", 0), ("ACL", "GENPASS", 4097), ("ACL", "GENPASS", "x"), ("ACL", "LOAD"),
    ("ACL", "SAVE"), ("ACL", "DRYRUN", "nobody", "get", "x"), ("ACL", "NOSUCH"), ("ACL",),
    ("ACL", "SETUSER"), ("ACL", "GETUSER"), ("ACL", "WHOAMI", "x"))
add("acl_auth_and_permissions",
    ("ACL", "SETUSER", "alice", "on", ">pw", "~cache:*", "+get", "+set"),
    On(1, "AUTH", "alice", "wrong"), On(1, "AUTH", "nobody", "pw"), On(1, "AUTH", "alice", "pw"),
    On(1, "SET", "cache:1", "v"), On(1, "GET", "cache:1"), On(1, "GET", "other"),
    On(1, "MGET", "cache:1"), On(1, "DEL", "cache:1"), On(1, "ACL", "WHOAMI"),
    On(1, "CONFIG", "GET", "maxmemory"), On(1, "PING"), On(1, "AUTH", "default", "x"),
    On(1, "ACL", "WHOAMI"), ("ACL", "DRYRUN", "alice", "set", "cache:2", "v"),
    ("ACL", "DRYRUN", "alice", "get", "other"), ("ACL", "DRYRUN", "alice", "del", "cache:1"),
    ("ACL", "DRYRUN", "alice", "nosuch"), ("ACL", "DRYRUN", "alice", "get"),
    ("ACL", "DELUSER", "alice"))
add("acl_off_users_cannot_log_in",
    ("ACL", "SETUSER", "bob", "off", ">pw", "~*", "+@read"), On(1, "AUTH", "bob", "pw"),
    ("ACL", "SETUSER", "bob", "on"), On(1, "AUTH", "bob", "pw"), On(1, "GET", "k"),
    On(1, "SET", "k", "v"), On(1, "ACL", "WHOAMI"), ("ACL", "DELUSER", "bob"))
add("acl_denied_inside_multi",
    ("ACL", "SETUSER", "dave", "on", "nopass", "~*", "+@all", "-set"),
    On(1, "AUTH", "dave", "anything"), On(1, "MULTI"), On(1, "SET", "k", "v"),
    On(1, "INCR", "n"), On(1, "EXEC"), On(1, "GET", "k"), On(1, "GET", "n"),
    ("ACL", "DELUSER", "dave"))
add("acl_read_and_write_patterns",
    ("ACL", "SETUSER", "erin", "on", "nopass", "%R~r:*", "%W~w:*", "~both:*", "+@all"),
    ("ACL", "GETUSER", "erin"), ("ACL", "DRYRUN", "erin", "get", "r:1"),
    ("ACL", "DRYRUN", "erin", "set", "r:1", "v"), ("ACL", "DRYRUN", "erin", "get", "w:1"),
    ("ACL", "DRYRUN", "erin", "del", "w:1"), ("ACL", "DRYRUN", "erin", "exists", "w:1"),
    ("ACL", "DRYRUN", "erin", "mget", "r:1", "both:1", "w:1"),
    ("ACL", "DRYRUN", "erin", "zunionstore", "w:d", 2, "r:a", "both:b"),
    ("ACL", "DRYRUN", "erin", "zunionstore", "w:d", 2, "r:a", "w:b"),
    ("ACL", "DELUSER", "erin"))

# ---------------------------------------------------------------------------------------------
# Hashes, lists, sets, sorted sets, blocking commands, OBJECT: diff_cases_collections.py
CASES.extend(COLLECTION_CASES)

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
