"""Hand-built histories for the checker's tests (test_checker.py, test_checker_random.py)."""

from __future__ import annotations

from typing import Optional

from history import INFO, OK, Op
from linearizability import STATUS_VIOLATION

# ---------------------------------------------------------------------------------------------
# Building histories by hand. Times are whole "ticks"; `at` is (invoke, complete).


def op(process: int, f: str, arg: Optional[str] = None, result=None, at=(0, 1), key="k",
       status=OK) -> Op:
    return Op(process, f, key, arg, status, result, float(at[0]), float(at[1]))


def set_(p, value, at, key="k", status=OK):
    return op(p, "set", value, "OK" if status == OK else None, at, key, status)


def get(p, result, at, key="k", status=OK):
    return op(p, "get", None, result, at, key, status)


def incr(p, result, at, key="k", status=OK):
    return op(p, "incr", None, result, at, key, status)


def append(p, arg, result, at, key="k", status=OK):
    return op(p, "append", arg, result, at, key, status)


def delete(p, result, at, key="k", status=OK):
    return op(p, "del", None, result, at, key, status)


def rpush(p, arg, result, at, key="k", status=OK):
    return op(p, "rpush", arg, result, at, key, status)


def lrange(p, result, at, key="k", status=OK):
    return op(p, "lrange", None, result, at, key, status)


def info(o: Op) -> Op:
    return Op(o.process, o.f, o.key, o.arg, INFO, None, o.invoke, o.complete)


def assert_violation_at(result, key: str, index: int):
    """The history fails on `key` only, at the operation with this index."""
    assert result.status == STATUS_VIOLATION and not result.ok
    assert [v.key for v in result.violations] == [key]
    violation = result.violations[0]
    assert violation.op.index == index
    assert index in [n.index for n in violation.window]
    assert violation.confirmed
    return violation
