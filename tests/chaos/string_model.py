"""The model the linearizability checker holds histories against: one Redis key, a string or a
list (a key's history uses one family or the other).

The key's state is None (missing) or a str.
  set x    -> "OK"; the value becomes x
  get      -> the value, or None
  del      -> 1 and the key goes away if present, else 0
  incr     -> the new value as an int; a missing key counts as 0. A value that is not a base-10
              signed 64-bit integer as Redis reads it (string2ll: no "+", no leading zeros, no
              "-0", no spaces), or an increment past 2^63-1, gives an Error and leaves the value
              unchanged. Only the fact that it is an Error is compared, never its message.
  append x -> the new length in bytes (UTF-8; len() of the str for the ASCII values we write)
  rpush x  -> the new number of elements; x joins the end of the list
  lrange   -> the list, or None when it is empty (same as get on the encoded state)
A list is held as its elements joined by single spaces (the workload's tokens have none), so one
model covers the register (set/get/del), counter (incr), append and list-append workloads.
"""

from __future__ import annotations

import re
from typing import Callable, Optional, Tuple

from history import Error, Result

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
_REDIS_INTEGER = re.compile(r"0|-?[1-9][0-9]*")  # what Redis' string2ll accepts, short of range
INCR_ERROR = Error("ERR value is not an integer or out of range")
REJECT = object()  # "this result cannot be obtained in this state"


def utf8_length(value: str) -> int:
    return len(value) if value.isascii() else len(value.encode("utf-8"))


def list_length(state: Optional[str]) -> int:
    return 0 if state is None else state.count(" ") + 1


def parse_redis_integer(value: str) -> Optional[int]:
    """The integer a Redis string holds for INCR, or None when INCR would refuse it."""
    if len(value) > 20 or not _REDIS_INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if INT64_MIN <= number <= INT64_MAX else None


def apply(f: str, arg: Optional[str], state: Optional[str]) -> Tuple[Result, Optional[str]]:
    """What `f` returns on a key holding `state`, and the key's state afterwards."""
    if f in ("get", "lrange"):
        return state, state
    if f == "rpush":
        value = arg if state is None else state + " " + arg
        return list_length(value), value
    if f == "set":
        return "OK", arg
    if f == "del":
        return (0, None) if state is None else (1, None)
    if f == "incr":
        current = 0 if state is None else parse_redis_integer(state)
        if current is None or current == INT64_MAX:
            return INCR_ERROR, state
        return current + 1, str(current + 1)
    if f == "append":
        value = (state or "") + arg
        return utf8_length(value), value
    raise ValueError(f"unknown function {f!r}")


def result_matches(expected: Result, actual: Result) -> bool:
    """Errors match any Error; everything else must be equal and of the same type."""
    if isinstance(expected, Error) or isinstance(actual, Error):
        return isinstance(expected, Error) and isinstance(actual, Error)
    return type(expected) is type(actual) and expected == actual


Step = Callable[[Optional[str]], object]  # the next state, or REJECT
Pure = Callable[[Optional[str]], bool]


def compile_op(f: str, arg: Optional[str], result: Result,
               info: bool) -> Tuple[Step, Optional[Pure]]:
    """The model specialised to one operation, for the search: (step, pure).

    step(state) is the state after the operation, or REJECT when it cannot return `result` in
    `state` (an info operation returns anything). pure is None, or, for an ok operation that
    leaves the state unchanged wherever it fits (get; del returning 0; incr returning an Error),
    pure(state) telling whether it fits. Agrees with apply() and result_matches(): see
    test_checker.py."""
    def never(state: Optional[str]) -> object:
        return REJECT

    if info:
        if f == "set":
            return (lambda state: arg), None
        if f == "del":
            return (lambda state: None), None
        if f == "append":
            return (lambda state: arg if state is None else state + arg), None
        if f == "rpush":
            return (lambda state: arg if state is None else state + " " + arg), None
        return (lambda state: apply(f, arg, state)[1]), None
    pure = None
    if f in ("get", "lrange"):
        pure = (lambda state: state is None) if result is None else (
            (lambda state: state == result) if type(result) is str else (lambda state: False))
    elif f == "del" and type(result) is int and result == 0:
        pure = lambda state: state is None
    elif f == "incr" and isinstance(result, Error):
        pure = lambda state: (state is not None
                              and parse_redis_integer(state) in (None, INT64_MAX))
    if pure is not None:
        return (lambda state: state if pure(state) else REJECT), pure
    if f == "set":
        return ((lambda state: arg) if type(result) is str and result == "OK" else never), None
    if f == "del":
        if type(result) is int and result == 1:
            return (lambda state: REJECT if state is None else None), None
        return never, None
    if f == "incr":
        if type(result) is not int or not INT64_MIN < result <= INT64_MAX:
            return never, None
        before, after = str(result - 1), str(result)
        if result == 1:
            return (lambda state: after if state is None or state == before else REJECT), None
        return (lambda state: after if state == before else REJECT), None
    if f == "rpush":
        if type(result) is not int:
            return never, None

        def rpush(state: Optional[str]) -> object:
            value = arg if state is None else state + " " + arg
            return value if list_length(value) == result else REJECT
        return rpush, None
    if f == "append":
        if type(result) is not int:
            return never, None

        def append(state: Optional[str]) -> object:
            value = arg if state is None else state + arg
            return value if utf8_length(value) == result else REJECT
        return append, None
    raise ValueError(f"unknown function {f!r}")
