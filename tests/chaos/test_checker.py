"""Tests of the linearizability checker (linearizability.py) and its model (string_model.py).

No server: hand-made histories with known answers (random ones are in test_checker_random.py).

Run:  /usr/bin/python3 -m pytest -q tests/chaos/test_checker.py
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

import history
from checker_histories import (append, assert_violation_at, delete, get, incr, info, lrange, op,
                               rpush, set_)
from history import FAIL, FUNCTIONS, INFO, Error, Op
from linearizability import (STATUS_OK, STATUS_UNKNOWN, STATUS_VIOLATION, check,
                             format_result, format_violation)
from string_model import (INT64_MAX, REJECT, apply, compile_op, parse_redis_integer,
                          result_matches)

CHECKER = Path(__file__).with_name("linearizability.py")


# ---------------------------------------------------------------------------------------------
# The model.


def test_model_follows_redis_string_semantics():
    assert apply("get", None, None) == (None, None)
    assert apply("get", None, "a") == ("a", "a")
    assert apply("set", "b", "a") == ("OK", "b")
    assert apply("del", None, "a") == (1, None)
    assert apply("del", None, None) == (0, None)
    assert apply("incr", None, None) == (1, "1")
    assert apply("incr", None, "41") == (42, "42")
    assert apply("incr", None, "-1") == (0, "0")
    assert isinstance(apply("incr", None, "abc")[0], Error)
    assert apply("incr", None, "abc")[1] == "abc"
    assert isinstance(apply("incr", None, str(INT64_MAX))[0], Error)
    assert apply("append", "xy", None) == (2, "xy")
    assert apply("append", "z", "xy") == (3, "xyz")
    assert apply("append", "é", "a") == (3, "aé")  # Redis counts bytes
    assert apply("rpush", "x", None) == (1, "x")
    assert apply("rpush", "y", "x") == (2, "x y")
    assert apply("lrange", None, "x y") == ("x y", "x y")
    assert apply("lrange", None, None) == (None, None)


def test_incr_parses_integers_as_redis_does():
    for text, number in [("0", 0), ("42", 42), ("-7", -7), (str(INT64_MAX), INT64_MAX),
                         (str(-2 ** 63), -2 ** 63)]:
        assert parse_redis_integer(text) == number
    for text in ["", "01", "+1", "-0", " 1", "1 ", "1.0", "0x1", "١", str(INT64_MAX + 1),
                 str(-2 ** 63 - 1), "-"]:
        assert parse_redis_integer(text) is None, text


def test_errors_match_any_error_and_nothing_else():
    assert result_matches(Error("ERR a"), Error("ERR b"))
    assert not result_matches(Error("ERR a"), 1)
    assert not result_matches(1, Error("ERR a"))
    assert not result_matches(1, "1")
    assert not result_matches(None, "")
    assert result_matches("OK", "OK")


def test_compiled_operations_agree_with_the_model():
    calls = [("get", None), ("del", None), ("incr", None), ("set", ""), ("set", "5"),
             ("set", "abc"), ("append", ""), ("append", "1"), ("append", "é"), ("rpush", "x"),
             ("rpush", "1"), ("lrange", None)]
    results = [None, "OK", "", "5", "abc", "1", "x", "1 x", 0, 1, 2, 3, 42, Error("ERR"), True]
    states = [None, "", "0", "1", "41", "-1", "01", "abc", "é", str(INT64_MAX), "x", "1 x"]
    assert {f for f, _ in calls} == set(FUNCTIONS)
    for (f, arg), result, state in itertools.product(calls, results, states):
        expected, after = apply(f, arg, state)
        fits = result_matches(expected, result)
        step, pure = compile_op(f, arg, result, info=False)
        if fits:
            assert step(state) == after, (f, arg, result, state)
        else:
            assert step(state) is REJECT, (f, arg, result, state)
        if pure is not None:  # pure: fits exactly where the model says, and changes nothing
            assert pure(state) == fits and (after == state or not fits), (f, arg, result, state)
        info_step, info_pure = compile_op(f, arg, result, info=True)
        assert info_step(state) == after and info_pure is None


# ---------------------------------------------------------------------------------------------
# Hand-made histories.


def test_empty_history_is_linearizable():
    result = check([])
    assert result.ok and (result.keys_checked, result.ops_checked) == (0, 0)


def test_sequential_history_is_linearizable():
    ops = [set_(1, "a", (0, 1)), get(2, "a", (2, 3)), incr(1, Error("ERR"), (4, 5)),
           set_(2, "5", (6, 7)), incr(1, 6, (8, 9)), append(2, "x", 2, (10, 11)),
           get(1, "6x", (12, 13)), delete(2, 1, (14, 15)), get(1, None, (16, 17))]
    result = check(ops)
    assert result.status == STATUS_OK and result.ok
    assert (result.keys_checked, result.ops_checked) == (1, len(ops))
    assert result.violations == [] and result.unknown == []
    assert result.keys["k"].status == STATUS_OK


@pytest.mark.parametrize("seen", ["a", "b"])
def test_overlapping_writes_may_be_read_in_either_order(seen):
    ops = [set_(1, "a", (0, 10)), set_(2, "b", (1, 11)), get(3, seen, (12, 13)),
           get(1, seen, (14, 15))]
    assert check(ops).ok


def test_reads_of_overlapping_writes_must_agree_on_one_order():
    ops = [set_(1, "a", (0, 10)), set_(2, "b", (1, 11)), get(3, "a", (12, 13)),
           get(4, "b", (14, 15))]
    assert_violation_at(check(ops), "k", 3)


def test_stale_read_is_a_violation():
    ops = [set_(1, "a", (0, 1)), set_(2, "b", (2, 3)), get(3, "a", (4, 5))]
    violation = assert_violation_at(check(ops), "k", 2)
    assert [n.index for n in violation.window] == [2]
    assert violation.start_states == ["b"]
    assert [n.index for n in violation.context] == [0, 1]


def test_window_starts_from_every_state_the_earlier_history_allows():
    ops = [set_(1, "a", (0, 2)), set_(2, "b", (1, 3)), get(3, "c", (4, 5))]
    violation = assert_violation_at(check(ops), "k", 2)
    assert violation.start_states == ["a", "b"]


def test_window_leaves_out_reads_the_proof_does_not_need():
    ops = [set_(1, "a", (0, 1)), set_(2, "b", (2, 3)), get(3, "a", (4, 10)), get(4, "b", (5, 6)),
           set_(5, "c", (5, 7)), get(4, "c", (7, 8))]
    violation = assert_violation_at(check(ops), "k", 2)
    assert [n.index for n in violation.window] == [2, 4]  # the failing read, and the write
    assert violation.start_states == ["b"]


def test_read_of_a_value_nobody_wrote_is_a_violation():
    ops = [set_(1, "a", (0, 3)), get(2, "z", (1, 2)), set_(3, "b", (1, 4))]
    assert_violation_at(check(ops), "k", 1)


def test_read_seeing_a_write_invoked_after_it_completed_is_a_violation():
    ops = [get(1, "a", (0, 1)), set_(2, "a", (2, 3))]
    assert_violation_at(check(ops), "k", 0)
    overlapping = [get(1, "a", (0, 2)), set_(2, "a", (1, 3))]
    assert check(overlapping).ok


def test_operations_that_only_touch_count_as_concurrent():
    ops = [set_(1, "a", (0, 1)), get(2, None, (1, 2))]
    assert check(ops).ok


def test_concurrent_incrs_returning_the_same_value_are_a_lost_update():
    ops = [incr(1, 1, (0, 2)), incr(2, 1, (1, 3))]
    violation = assert_violation_at(check(ops), "k", 1)
    assert [n.index for n in violation.window] == [0, 1]
    assert check([incr(1, 1, (0, 2)), incr(2, 2, (1, 3))]).ok


def test_read_missing_an_acknowledged_incr_is_a_violation():
    ops = [incr(1, 1, (0, 1)), incr(2, 2, (2, 3)), get(1, "1", (4, 5))]
    assert_violation_at(check(ops), "k", 2)


def test_appends_must_be_read_in_the_order_they_took_effect():
    sequential = [append(1, "a", 1, (0, 1)), append(2, "b", 2, (2, 3))]
    assert check(sequential + [get(3, "ab", (4, 5))]).ok
    assert_violation_at(check(sequential + [get(3, "ba", (4, 5))]), "k", 2)
    concurrent = [append(1, "a", 2, (0, 3)), append(2, "b", 1, (1, 4)), get(3, "ba", (5, 6))]
    assert check(concurrent).ok


def test_list_pushes_must_be_read_in_the_order_they_took_effect():
    sequential = [rpush(1, "a", 1, (0, 1)), rpush(2, "b", 2, (2, 3))]
    assert check(sequential + [lrange(3, "a b", (4, 5))]).ok
    assert_violation_at(check(sequential + [lrange(3, "b a", (4, 5))]), "k", 2)
    assert_violation_at(check(sequential + [lrange(3, "a", (4, 5))]), "k", 2)  # lost push
    concurrent = [rpush(1, "a", 2, (0, 3)), rpush(2, "b", 1, (1, 4)), lrange(3, "b a", (5, 6))]
    assert check(concurrent).ok
    # Two pushes cannot both have made the list one element long.
    assert_violation_at(check([rpush(1, "a", 1, (0, 3)), rpush(2, "b", 1, (1, 4))]), "k", 1)
    # An unacknowledged push may show up, once, in its place.
    pending = [rpush(1, "a", None, (0, 1), status=INFO), rpush(2, "b", 1, (2, 3))]
    assert check(pending + [lrange(3, "b", (4, 5)), lrange(4, "b a", (6, 7))]).ok
    assert_violation_at(check(pending + [lrange(3, "a b a", (4, 5))]), "k", 2)


def test_append_lengths_must_follow_each_other():
    ops = [append(1, "ab", 2, (0, 1)), append(2, "c", 4, (2, 3))]
    assert_violation_at(check(ops), "k", 1)


def test_del_returns_whether_the_key_existed():
    ops = [set_(1, "a", (0, 1)), delete(2, 1, (2, 3)), get(1, None, (4, 5)),
           delete(2, 0, (6, 7))]
    assert check(ops).ok
    assert_violation_at(check([delete(1, 1, (0, 1))]), "k", 0)
    assert_violation_at(check([set_(1, "a", (0, 1)), delete(2, 0, (2, 3))]), "k", 1)


def test_incr_on_a_value_that_is_not_an_integer_returns_an_error():
    for value in ["abc", "01", " 1", "1.5"]:
        assert check([set_(1, value, (0, 1)), incr(2, Error("ERR not an integer"), (2, 3)),
                      get(1, value, (4, 5))]).ok, value
    assert_violation_at(check([set_(1, "abc", (0, 1)), incr(2, 1, (2, 3))]), "k", 1)
    assert_violation_at(check([set_(1, "7", (0, 1)), incr(2, Error("ERR"), (2, 3))]), "k", 1)
    assert_violation_at(check([incr(2, Error("ERR"), (0, 1))]), "k", 0)


def test_info_write_that_took_effect_explains_a_later_read():
    ops = [set_(1, "a", (0, 1)), info(set_(2, "b", (2, 3))), get(3, "b", (10, 11))]
    assert check(ops).ok


def test_info_write_that_never_took_effect_is_fine():
    ops = [set_(1, "a", (0, 1)), info(set_(2, "b", (2, 3))), get(3, "a", (10, 11))]
    assert check(ops).ok


def test_info_write_may_take_effect_after_its_client_gave_up():
    ops = [set_(1, "a", (0, 1)), info(set_(2, "b", (2, 3))), get(3, "a", (10, 11)),
           get(3, "b", (12, 13))]
    assert check(ops).ok


def test_info_write_takes_effect_at_most_once():
    ops = [set_(1, "a", (0, 1)), info(set_(2, "b", (2, 3))), get(3, "b", (10, 11)),
           set_(1, "a", (12, 13)), get(3, "b", (14, 15))]
    assert_violation_at(check(ops), "k", 4)


def test_info_write_cannot_take_effect_before_it_was_sent():
    ops = [get(1, "b", (0, 1)), info(set_(2, "b", (2, 3)))]
    assert_violation_at(check(ops), "k", 0)


def test_info_results_are_not_compared():
    ops = [Op(1, "incr", "k", None, INFO, 999, 0.0, 1.0), get(2, "1", (2, 3)),
           Op(3, "append", "k", "x", INFO, Error("junk"), 4.0, 5.0), get(2, "1x", (6, 7))]
    assert check(ops).ok


def test_info_reads_are_dropped_but_counted():
    ops = [set_(1, "a", (0, 1)), info(get(2, "zzz", (2, 3)))]
    result = check(ops)
    assert result.ok and result.ops_checked == 2


def test_fail_operations_are_ignored():
    ops = [set_(1, "a", (0, 1)), Op(2, "set", "k", "b", FAIL, None, 2.0, 3.0),
           Op(3, "incr", "k", None, FAIL, 12345, 2.0, 2.5), get(1, "a", (4, 5))]
    result = check(ops)
    assert result.ok and result.ops_checked == 2
    seen_failed_write = ops[:2] + [get(1, "b", (4, 5))]
    assert_violation_at(check(seen_failed_write), "k", 2)


def test_each_key_is_checked_on_its_own():
    ops = [set_(1, "x", (0, 1), key="a"), set_(2, "y", (0, 1), key="b"),
           set_(3, "y", (2, 3), key="a"), get(1, "x", (4, 5), key="a"),
           get(2, "y", (4, 5), key="b"), incr(3, 1, (0, 1), key="c")]
    result = check(ops)
    assert_violation_at(result, "a", 3)
    assert {k: r.status for k, r in result.keys.items()} == {
        "a": STATUS_VIOLATION, "b": STATUS_OK, "c": STATUS_OK}
    assert [r.ops for r in result.keys.values()] == [3, 2, 1]


def test_malformed_operations_are_refused():
    with pytest.raises(ValueError, match="unknown function"):
        check([op(1, "hset", None, 1)])
    with pytest.raises(ValueError, match="completes before"):
        check([set_(1, "a", (2, 1))])
    with pytest.raises(ValueError, match="needs a str"):
        check([op(1, "set", None, "OK")])


# Time budget, reports, command line.


def hard_history() -> List[Op]:
    """Fourteen concurrent info appends of distinct letters, then a read nothing explains: the
    search must try every order of every subset of the appends."""
    ops = [info(append(p, chr(ord("a") + p), None, (0, 1))) for p in range(14)]
    return ops + [get(99, "no such value", (2, 3))]


def test_search_that_runs_out_of_time_is_unknown_not_ok():
    result = check(hard_history(), time_limit_s=0.05)
    assert result.status == STATUS_UNKNOWN and not result.ok
    assert result.unknown == ["k"] and result.violations == []
    assert result.keys["k"].status == STATUS_UNKNOWN
    assert result.elapsed_s < 5  # the budget is honoured, give or take a loaded machine


def test_a_violation_outranks_an_unknown_key():
    ops = hard_history() + [get(1, "x", (0, 1), key="other")]
    result = check(ops, time_limit_s=0.05)
    assert result.status == STATUS_VIOLATION
    assert result.unknown == ["k"] and [v.key for v in result.violations] == ["other"]


def test_violation_report_shows_the_offending_operations():
    ops = [set_(1, "a", (100, 101)), set_(2, "b", (102, 103)), get(3, "a", (104, 106)),
           incr(4, 1, (105, 107), key="other")]
    result = check(ops)
    text = format_violation(result.violations[0])
    lines = text.splitlines()
    assert lines[0] == "key 'k': not linearizable"
    assert "operation #2 cannot be placed" in text
    assert "  before the window the key could hold: 'b'" in lines  # and nothing else
    row = next(line for line in lines if "<- cannot be placed" in line)
    assert row.split()[:6] == [">", "#2", "3", "+0.000", "+2000.000", "get"]
    assert "get 'k' -> 'a'" in row
    context = lines[lines.index("  context, the last operations completed before #2 was invoked:")
                    + 1:]
    assert any("set 'k' 'b' -> 'OK'" in line and "-2000.000" in line for line in context)
    summary = format_result(result)
    assert summary.startswith("VIOLATION: 2 keys, 4 operations") and text in summary


def run_checker(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), str(path), *extra],
                          capture_output=True, text=True, timeout=60)


def test_command_line_exit_status_says_ok_violation_unknown_or_bad_input(tmp_path):
    good, bad, hard = tmp_path / "good.jsonl", tmp_path / "bad.jsonl", tmp_path / "hard.jsonl"
    history.save([set_(1, "a", (0, 1)), incr(2, Error("ERR x"), (2, 3))], good)
    history.save([set_(1, "a", (0, 1)), get(2, "b", (2, 3))], bad)
    history.save(hard_history(), hard)
    ok = run_checker(good)
    assert ok.returncode == 0 and ok.stdout.startswith("linearizable: 1 keys, 2 operations")
    violation = run_checker(bad)
    assert violation.returncode == 1 and "key 'k': not linearizable" in violation.stdout
    unknown = run_checker(hard, "--time-limit", "0.05")
    assert unknown.returncode == 2 and "unknown (search exceeded the time budget)" in unknown.stdout
    missing = run_checker(tmp_path / "missing.jsonl")
    assert missing.returncode == 3 and "cannot check" in missing.stderr
