"""Tests of the linearizability checker on random histories: from a simulated linearizable key
(with one stale read planted, it must be found), and tiny ones against a brute-force oracle.

Run:  /usr/bin/python3 -m pytest -q tests/chaos/test_checker_random.py
"""

from __future__ import annotations

import random
from typing import Dict, List, Optional, Sequence

from checker_histories import assert_violation_at
from history import FAIL, INFO, OK, Error, Op
from linearizability import STATUS_OK, STATUS_VIOLATION, check, format_result
from string_model import apply, result_matches

# ---------------------------------------------------------------------------------------------
# Random histories from a simulated linearizable key.


class SimulatedRedis:
    """The truth for generated histories: a dict of strings, written independently of the
    checker's model."""

    def __init__(self):
        self.values: Dict[str, str] = {}

    def run(self, f: str, key: str, arg: Optional[str]):
        value = self.values.get(key)
        if f == "get":
            return value
        if f == "set":
            self.values[key] = arg
            return "OK"
        if f == "del":
            return 1 if self.values.pop(key, None) is not None else 0
        if f == "incr":
            number = 0 if value is None else self.integer(value)
            if number is None or number + 1 >= 2 ** 63:
                return Error("ERR value is not an integer or out of range")
            self.values[key] = str(number + 1)
            return number + 1
        self.values[key] = (value or "") + arg
        return len(self.values[key].encode())

    @staticmethod
    def integer(value: str) -> Optional[int]:
        """Redis reads only the canonical spelling of a 64-bit integer."""
        try:
            number = int(value)
        except ValueError:
            return None
        return number if str(number) == value and -2 ** 63 <= number < 2 ** 63 else None


def simulate(seed: int, clients: int, ops_per_client: int, keys: Sequence[str],
             info_ops: int = 0, fail_ops: int = 0) -> List[Op]:
    """Each client runs its operations one after another with random durations (about nine in
    flight at once); each takes effect at a random instant inside its interval, in the order of
    those instants, on a SimulatedRedis. Info operations take effect or not at random; fail
    ones never do. Set values are unique ("v<client>.<n>") or small integers."""
    rng = random.Random(seed)
    plan = []
    for client in range(clients):
        t = rng.uniform(0, 0.002)
        for n in range(ops_per_client):
            invoke = t + rng.uniform(0, 0.0005)
            duration = rng.uniform(0.0002, 0.004)
            plan.append((client, n, invoke, invoke + rng.uniform(0, duration), invoke + duration))
            t = invoke + duration
    special = rng.sample(range(len(plan)), info_ops + fail_ops)
    infos, fails = set(special[:info_ops]), set(special[info_ops:])
    redis = SimulatedRedis()
    ops: List[Optional[Op]] = [None] * len(plan)
    for i in sorted(range(len(plan)), key=lambda i: plan[i][3]):
        client, n, invoke, _, complete = plan[i]
        key = rng.choice(keys)
        f = rng.choice(["set", "set", "get", "get", "get", "incr", "append", "del"])
        arg = None
        if f == "set":
            arg = f"v{client}.{n}" if rng.random() < 0.5 else str(rng.randint(0, 9))
        elif f == "append":
            arg = f"+{client}"
        if i in fails:
            ops[i] = Op(client, f, key, arg, FAIL, None, invoke, complete)
        elif i in infos:
            if rng.random() < 0.5:
                redis.run(f, key, arg)
            ops[i] = Op(client, f, key, arg, INFO, None, invoke, complete)
        else:
            ops[i] = Op(client, f, key, arg, OK, redis.run(f, key, arg), invoke, complete)
    return sorted(ops, key=lambda o: o.invoke)


def make_stale_read(ops: List[Op], key: str) -> int:
    """Change one read in the second half to a value overwritten before it began: the value of a
    unique set s1 completed before another set s2 began, s2 completed before the read began.
    Returns the read's index."""
    sets = [(i, o) for i, o in enumerate(ops)
            if o.status == OK and o.f == "set" and o.key == key and o.arg.startswith("v")]
    for g, read in enumerate(ops):
        if g < len(ops) // 2 or read.status != OK or read.f != "get" or read.key != key:
            continue
        for _, s2 in sets:
            if s2.complete < read.invoke:
                stale = [s1.arg for _, s1 in sets
                         if s1.complete < s2.invoke and s1.arg != read.result]
                if stale:
                    ops[g] = Op(read.process, "get", key, None, OK, stale[-1], read.invoke,
                                read.complete)
                    return g
    raise AssertionError("no read to make stale")


def test_random_linearizable_history_over_three_keys_is_ok():
    ops = simulate(seed=7, clients=10, ops_per_client=200, keys=["a", "b", "c"], info_ops=8,
                   fail_ops=8)
    result = check(ops, time_limit_s=30)
    assert result.status == STATUS_OK, format_result(result)
    assert (result.keys_checked, result.ops_checked) == (3, 2000 - 8)


def test_one_stale_read_in_a_random_history_is_found():
    ops = simulate(seed=7, clients=10, ops_per_client=200, keys=["a", "b", "c"], info_ops=8,
                   fail_ops=8)
    stale = make_stale_read(ops, "b")
    result = check(ops, time_limit_s=30)
    violation = assert_violation_at(result, "b", stale)
    assert ops[stale].result not in violation.start_states
    assert result.keys["a"].status == result.keys["c"].status == STATUS_OK


def test_two_thousand_operations_on_one_key_check_quickly():
    for seed in (1, 2):
        ops = simulate(seed=seed, clients=10, ops_per_client=200, keys=["k"], info_ops=5)
        result = check(ops, time_limit_s=10)  # "unknown" fails this test, not only a violation
        assert result.status == STATUS_OK, format_result(result)
        assert result.ops_checked == 2000


def test_stale_read_in_two_thousand_operations_on_one_key_is_found():
    ops = simulate(seed=2, clients=10, ops_per_client=200, keys=["k"], info_ops=5)
    stale = make_stale_read(ops, "k")
    violation = assert_violation_at(check(ops, time_limit_s=30), "k", stale)
    read = ops[stale]
    assert all(read.invoke <= n.op.complete <= read.complete for n in violation.window)
    assert len(violation.window) < 20


# ---------------------------------------------------------------------------------------------
# Tiny random histories against a brute-force oracle.


def brute_force_linearizable(ops: Sequence[Op], start: Optional[str] = None) -> bool:
    """Every order of every subset of the info operations, with all the ok ones, from the state
    `start`; no pruning, no memoization."""
    ops = [o for o in ops if o.status != FAIL]
    must_precede = [[j for j, a in enumerate(ops) if a.status == OK and a.complete < b.invoke]
                    for b in ops]
    required = sum(1 << i for i, o in enumerate(ops) if o.status == OK)

    def extend(done: int, state: Optional[str]) -> bool:
        if done & required == required:
            return True
        for i, o in enumerate(ops):
            if done >> i & 1 or any(not done >> j & 1 for j in must_precede[i]):
                continue
            result, after = apply(o.f, o.arg, state)
            if (o.status == INFO or result_matches(result, o.result)) and extend(done | 1 << i,
                                                                               after):
                return True
        return False
    return extend(0, start)


def tiny_history(rng: random.Random) -> List[Op]:
    """Two or three clients, up to seven operations on one key, on a coarse clock (ties are
    common); results from a random linearization, then sometimes one result changed. A key is a
    string or a list (as in the workload, never both)."""
    values = ["1", "a", "2"]
    is_list = rng.random() < 0.3
    ops, points = [], []
    for client in range(rng.randint(2, 3)):
        t = rng.randint(0, 2)
        for _ in range(rng.randint(1, 3)):
            invoke, complete = t, t + rng.randint(0, 3)
            f = rng.choice(["rpush", "rpush", "lrange"] if is_list else
                           ["set", "get", "get", "incr", "append", "del"])
            arg = rng.choice(values) if f == "set" else rng.choice(["a", "1"]) if (
                f in ("append", "rpush")) else None
            status = rng.choices([OK, INFO, FAIL], [8, 2, 1])[0]
            ops.append(Op(client, f, "k", arg, status, None, float(invoke), float(complete)))
            points.append(rng.uniform(invoke, complete))
            t = complete + rng.randint(0, 1)
    state = None
    for i in sorted(range(len(ops)), key=lambda i: points[i]):
        o = ops[i]
        result, after = apply(o.f, o.arg, state)
        if o.status == FAIL or (o.status == INFO and rng.random() < 0.5):
            continue
        state = after
        ops[i] = Op(o.process, o.f, o.key, o.arg, o.status, result, o.invoke, o.complete)
    if rng.random() < 0.6:
        i = rng.randrange(len(ops))
        o = ops[i]
        wrong = rng.choice([None, "1", "a", "2", "1a", "aa", "11", "a 1", "1 a", 0, 1, 2, 3,
                            Error("ERR")])
        ops[i] = Op(o.process, o.f, o.key, o.arg, o.status, wrong, o.invoke, o.complete)
    return ops


def test_verdicts_agree_with_a_brute_force_oracle_on_tiny_random_histories():
    rng = random.Random(20240601)
    verdicts = {STATUS_OK: 0, STATUS_VIOLATION: 0}
    for case in range(3000):
        ops = tiny_history(rng)
        expected = STATUS_OK if brute_force_linearizable(ops) else STATUS_VIOLATION
        result = check(ops)
        assert result.status == expected, (case, ops)
        verdicts[expected] += 1
        for violation in result.violations:  # each window is a proof on its own
            assert violation.confirmed and violation.op in violation.window
            for state, applied in violation.start_configs:
                rest = [n.op for n in violation.window if n.index not in applied]
                assert not brute_force_linearizable(rest, start=state), (case, ops)
    assert min(verdicts.values()) > 1000, verdicts


# ---------------------------------------------------------------------------------------------
