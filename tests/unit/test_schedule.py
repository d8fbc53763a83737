"""The suite's order under pytest-xdist (tests/support/schedule.py): long tests first, spread, none lost."""

from __future__ import annotations

from tests.support.schedule import longest_first, slice_sizes


def test_slices_are_cut_like_worksteal_and_add_up() -> None:
    assert slice_sizes(10, 3) == [3, 3, 4]
    assert slice_sizes(1120, 4) == [280, 280, 280, 280]
    assert sum(slice_sizes(47, 5)) == 47


def test_each_slice_opens_with_a_long_test_and_nothing_is_lost_or_doubled() -> None:
    times = {f"unit{i}": 0.1 for i in range(30)} | {
        "fanout": 300.0,
        "outage": 106.0,
        "429": 78.0,
        "e2e": 15.0,
    }
    items = list(times)
    order = longest_first(items, 3, times.__getitem__)
    assert sorted(order) == sorted(items)
    sizes = slice_sizes(len(items), 3)
    heads = [order[sum(sizes[:k])] for k in range(3)]
    assert heads == ["fanout", "outage", "429"]
    # the short tests keep their collection order, in one run per slice (module fixtures are made once)
    for k in range(3):
        part = order[sum(sizes[:k]) : sum(sizes[: k + 1])]
        numbers = [int(name[4:]) for name in part if name.startswith("unit")]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_more_long_tests_than_a_slice_holds_still_all_run() -> None:
    times = {f"e2e{i}": 15.0 + i for i in range(10)}
    order = longest_first(list(times), 4, times.__getitem__)
    assert sorted(order) == sorted(times)
    assert order[0] == "e2e9"
