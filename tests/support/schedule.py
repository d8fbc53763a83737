"""The order of the suite under pytest-xdist: the long tests first, spread over the workers.

``--dist worksteal`` hands each worker one contiguous slice of the collected items (equal counts) and later
lets an idle worker take the tail of a busy worker's queue. In collection order the 300-s fan-out test and
the other long end-to-end tests could start last, or pile up in one slice. So the items are laid out per
slice: every long test (known from CI's ``--durations``, or any end-to-end test) goes to the slice with the
least expected time so far, at the head of it; the short tests fill the slices in their collection order
(modules stay together, module fixtures are made once). Stealing then evens out the short tails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

# Seconds in CI (a quiet 2-core machine, `.ci/run`, `--durations`, the SQLite run of 2026-12-08: 11:30 and
# 12:13, rounded to their mean); prefixes of node ids, so parametrised tests match too. Only the order
# depends on these: a wrong figure costs time, never a test.
SLOW_TESTS = {
    "tests/resilience/test_fanout_ratelimit.py::test_fanout_to_50_survives": 130.0,
    "tests/resilience/test_homeserver_faults.py::test_outage_is_survived": 110.0,
    "tests/resilience/test_fanout_ratelimit.py::test_every_429_is_waited_out": 50.0,
    "tests/unit/test_fuzz.py::test_parsers_never_raise": 60.0,
    "tests/resilience/test_kill9_retro.py::": 50.0,
    "tests/e2e/test_demo.py::": 50.0,
    "tests/e2e/test_meetlearn.py::test_announcement_rsvp": 50.0,
    "tests/resilience/test_kill9_votes.py::": 43.0,
    "tests/resilience/test_kill9_rooms.py::": 42.0,
    "tests/resilience/test_standby.py::test_standby_takes_over": 40.0,
    "tests/e2e/test_polls.py::test_deadline_closes": 36.0,
    "tests/unit/test_fuzz.py::test_dispatcher_answers_every_message_safely": 36.0,
    "tests/resilience/test_anonymity_disk_bot.py::": 35.0,
    "tests/resilience/test_kill9.py::": 30.0,
}
E2E_SECONDS = 15.0  # any other end-to-end test
SHORT_SECONDS = 0.5  # everything else


def expected_seconds(nodeid: str, e2e: bool) -> float:
    """What a test is expected to take, for the order only."""
    for prefix, seconds in SLOW_TESTS.items():
        if nodeid.startswith(prefix):
            return seconds
    return E2E_SECONDS if e2e else SHORT_SECONDS


def slice_sizes(count: int, workers: int) -> list[int]:
    """The slice each worker gets first, as worksteal cuts it: ``len(pending) // workers_left`` in turn."""
    sizes = []
    for i in range(workers):
        size = count // (workers - i)
        sizes.append(size)
        count -= size
    return sizes


def longest_first(items: Sequence[T], workers: int, seconds: Callable[[T], float]) -> list[T]:
    """``items`` reordered into ``workers`` slices, each opening with its share of the long tests."""
    sizes = slice_sizes(len(items), workers)
    slices: list[list[T]] = [[] for _ in sizes]
    load = [0.0] * workers
    long = sorted((it for it in items if seconds(it) > SHORT_SECONDS), key=seconds, reverse=True)
    for item in long:
        room = [k for k in range(workers) if len(slices[k]) < sizes[k]]
        k = min(room, key=lambda k: load[k])
        slices[k].append(item)
        load[k] += seconds(item)
    short = iter(it for it in items if seconds(it) <= SHORT_SECONDS)
    for k in sorted(range(workers), key=lambda k: load[k]):
        slices[k].extend(islice(short, sizes[k] - len(slices[k])))
    return [item for part in slices for item in part]
