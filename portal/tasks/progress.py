"""A task's progress as people read it: percent done, rows per second, time left, its history.

The backend reports only ``current_cycle`` (rows done) and second-resolution timestamps, so the
rate comes from samples of ``current_cycle`` taken while polling (the live poller keeps them);
a page rendered without samples falls back to the average since the task started.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from dataclasses import dataclass

from hanami_client import Task

__all__ = [
    "History",
    "Progress",
    "Sample",
    "duration_text",
    "measure_progress",
    "parse_timestamp",
]

#: The rate is measured over the samples of the last few seconds.
RATE_WINDOW = 3.0
#: A history keeps at most this many samples; older ones are thinned out, not dropped.
HISTORY_LIMIT = 400
#: The newest samples are never thinned away (they cover the rate window at the fastest poll).
RATE_KEEP = 20


@dataclass(frozen=True)
class Sample:
    """Rows done at a moment (Unix time in seconds)."""

    at: float
    cycle: int


class History:
    """The samples of one task, oldest first, thinned to stay short however long it runs."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []

    def add(self, sample: Sample) -> None:
        """Record a sample when the row count moved (or as the first one)."""
        if self.samples and self.samples[-1].cycle == sample.cycle:
            return
        self.samples.append(sample)
        if len(self.samples) > HISTORY_LIMIT:
            # Every other old sample goes; the newest stay for the rate.
            self.samples = [*self.samples[:-RATE_KEEP:2], *self.samples[-RATE_KEEP:]]


def parse_timestamp(text: str | None) -> float | None:
    """A backend timestamp (UTC, ``YYYY-MM-DD HH:MM:SS``) as Unix seconds; None if absent."""
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class Progress:
    """What the pages show of a task, computed once per update."""

    task: Task
    samples: tuple[Sample, ...]
    #: Rows per second (recent while active, average once finished); None when unknown.
    rate: float | None
    #: Seconds until the end at the current rate; None when not running or unknown.
    eta: float | None
    #: Seconds since the start (until the end once it ended); None before it started.
    elapsed: float | None

    @property
    def percent(self) -> float:
        """Done, 0 to 100."""
        return 100.0 * self.task.fraction

    @property
    def counts_rows(self) -> bool:
        """Whether its row figures mean anything: save and restore tasks finish with 0 of 1."""
        task = self.task
        return not (task.state == "finished" and task.current_cycle < task.total_number_of_cycles)

    @property
    def remaining(self) -> int:
        """Rows still to do."""
        return max(self.task.total_number_of_cycles - self.task.current_cycle, 0)

    @property
    def eta_text(self) -> str:
        """The time left as people read it."""
        return duration_text(self.eta)

    @property
    def elapsed_text(self) -> str:
        """The time it ran (so far) as people read it; under a second reads so, not ``0.0 s``."""
        if self.task.done and self.elapsed == 0:
            # Started and ended within one second of the backend's whole-second timestamps.
            return "under 1 s"
        return duration_text(self.elapsed)


def recent_rate(samples: Sequence[Sample]) -> float | None:
    """Rows per second over the last ``RATE_WINDOW`` seconds of samples, None with too few."""
    if len(samples) < 2:
        return None
    last = samples[-1]
    first = next(s for s in samples if s.at >= last.at - RATE_WINDOW or s is last)
    if first is last:
        first = samples[-2]
    span = last.at - first.at
    return (last.cycle - first.cycle) / span if span > 0 else None


def measure_progress(
    task: Task, samples: Sequence[Sample] = (), *, now: float | None = None
) -> Progress:
    """Rate, time left and elapsed time of a task from its timestamps and samples."""
    now = time.time() if now is None else now
    start = parse_timestamp(task.start_timestamp)
    end = parse_timestamp(task.end_timestamp)
    elapsed = None if start is None else max((end if end is not None else now) - start, 0.0)
    rate = recent_rate(samples) if task.state == "active" else None
    if rate is None and elapsed:
        rate = task.current_cycle / elapsed
    eta = None
    if task.state == "active" and rate:
        eta = max(task.total_number_of_cycles - task.current_cycle, 0) / rate
    return Progress(task=task, samples=tuple(samples), rate=rate, eta=eta, elapsed=elapsed)


def duration_text(seconds: float | None) -> str:
    """A duration as people say it: ``0.4 s``, ``42 s``, ``3 min 5 s``, ``2 h 1 min``."""
    if seconds is None:
        return "\N{EN DASH}"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
