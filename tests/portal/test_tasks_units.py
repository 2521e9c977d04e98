"""The task pages' computations: progress, rate, time left, chart, forms, change detection."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.http import QueryDict

from hanami_client import Task
from portal.tasks.charts import cycle_chart
from portal.tasks.forms import Kind, TaskForms, build_task_forms, preferred_column
from portal.tasks.fragments import live_context, render_live, render_rows
from portal.tasks.poller import ClusterPoller
from portal.tasks.progress import (
    HISTORY_LIMIT,
    RATE_KEEP,
    History,
    Sample,
    duration_text,
    measure_progress,
    parse_timestamp,
)
from portal.tasks.selectors import queue_order

CLUSTER = "0badc0de-0000-4000-8000-000000000000"
DATASET = "0badc0de-0000-4000-8000-00000000da7a"
NONE = "\N{EN DASH}"
Hexagons = tuple[list[str], list[str]] | None
#: 2024-05-06 07:08:09 UTC.
START = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC).timestamp()


def task(**changes: object) -> Task:
    """An active task that started at START and did 400 of 1,000 rows."""
    base = Task(
        uuid="0badc0de-0000-4000-8000-00000000beef",
        name="Digits",
        state="active",
        current_cycle=400,
        total_number_of_cycles=1000,
        queue_timestamp="2024-05-06 07:08:08",
        start_timestamp="2024-05-06 07:08:09",
        end_timestamp=None,
        cluster_uuid=CLUSTER,
    )
    return dataclasses.replace(base, **changes)


# --- progress ---------------------------------------------------------------------------------


def test_timestamps_are_read_as_utc() -> None:
    assert parse_timestamp("2024-05-06 07:08:09") == START
    assert parse_timestamp(None) is None
    assert parse_timestamp("-") is None


def test_an_active_tasks_rate_comes_from_the_last_seconds() -> None:
    samples = [
        Sample(START + 1, 0),
        Sample(START + 8, 100),
        Sample(START + 9, 300),
        Sample(START + 10, 400),
    ]
    progress = measure_progress(task(), samples, now=START + 10)
    # Over the last 3 s (samples at 8, 9 and 10 s): 300 rows in 2 s.
    assert progress.rate == pytest.approx(150.0)
    assert progress.eta == pytest.approx(600 / 150.0)
    assert progress.elapsed == pytest.approx(10.0)
    assert progress.percent == pytest.approx(40.0)
    assert progress.eta_text == "4.0 s"


def test_without_samples_the_rate_is_the_average_since_the_start() -> None:
    progress = measure_progress(task(), (), now=START + 8)
    assert progress.rate == pytest.approx(50.0)
    assert progress.eta == pytest.approx(12.0)


def test_a_finished_tasks_rate_is_its_average_and_it_has_no_time_left() -> None:
    done = task(state="finished", current_cycle=1000, end_timestamp="2024-05-06 07:08:13")
    progress = measure_progress(done, [Sample(START + 1, 200)], now=START + 60)
    assert progress.rate == pytest.approx(250.0)
    assert progress.eta is None
    assert progress.elapsed == pytest.approx(4.0)
    assert progress.percent == 100.0


def test_a_finished_save_or_restore_task_shows_no_row_figures() -> None:
    # Upstream: save and restore tasks have total 1 and current 0 forever.
    saved = task(
        state="finished",
        current_cycle=0,
        total_number_of_cycles=1,
        end_timestamp="2024-05-06 07:08:09",
    )
    progress = measure_progress(saved, now=START + 5)
    assert not progress.counts_rows
    assert progress.percent == 100.0
    assert progress.rate is None
    rows = render_rows(CLUSTER, [progress])
    assert "100 %" in rows
    assert "(0 / 1)" not in rows
    assert cycle_chart(progress) is None
    live = render_live(live_context(CLUSTER, progress, now=START + 5))
    assert "0 of 1 rows" not in live
    assert "counts no rows" in live
    assert measure_progress(task()).counts_rows
    assert measure_progress(task(state="finished", current_cycle=1000)).counts_rows


def test_a_queued_task_has_neither_rate_nor_elapsed_time() -> None:
    queued = measure_progress(task(state="queued", current_cycle=0, start_timestamp=None))
    assert (queued.rate, queued.eta, queued.elapsed) == (None, None, None)
    assert queued.elapsed_text == NONE


def test_history_keeps_changes_only_and_thins_old_samples() -> None:
    history = History()
    history.add(Sample(0.0, 0))
    history.add(Sample(0.5, 0))
    assert history.samples == [Sample(0.0, 0)]
    for step in range(1, 2 * HISTORY_LIMIT):
        history.add(Sample(float(step), step))
    assert len(history.samples) <= HISTORY_LIMIT
    assert history.samples[0] == Sample(0.0, 0)
    newest = [sample.cycle for sample in history.samples[-RATE_KEEP:]]
    assert newest == list(range(2 * HISTORY_LIMIT - RATE_KEEP, 2 * HISTORY_LIMIT))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.42, "0.4 s"), (42.4, "42 s"), (185, "3 min 5 s"), (7260, "2 h 1 min"), (None, NONE)],
)
def test_durations_read_as_people_say_them(seconds: float | None, text: str) -> None:
    assert duration_text(seconds) == text


def test_tasks_queued_in_one_second_are_ordered_by_state_then_start() -> None:
    second = "2024-05-06 07:08:08"

    def queued_then(name: str, state: str, start: str | None, end: str | None) -> Task:
        return task(
            uuid=name, state=state, queue_timestamp=second, start_timestamp=start, end_timestamp=end
        )

    later = queued_then("a", "finished", "2024-05-06 07:08:10", "2024-05-06 07:08:11")
    first = queued_then("f", "finished", "2024-05-06 07:08:08", "2024-05-06 07:08:10")
    running = queued_then("b", "active", "2024-05-06 07:08:11", None)
    waiting = queued_then("0", "queued", None, None)
    older = task(uuid="z", state="finished", queue_timestamp="2024-05-06 07:08:07")
    ordered = queue_order([waiting, running, later, first, older])
    assert [t.uuid for t in ordered] == ["z", "f", "a", "b", "0"]


# --- chart ------------------------------------------------------------------------------------


def test_chart_runs_from_the_start_at_zero_to_now() -> None:
    progress = measure_progress(task(), [Sample(START + 5, 200)], now=START + 10)
    chart = cycle_chart(progress, now=START + 10)
    assert chart is not None
    points = [tuple(map(float, point.split(","))) for point in chart.points.split()]
    assert points[0] == (chart.left, chart.bottom)
    assert points[1] == pytest.approx(
        (chart.left + chart.plot_width / 2, chart.bottom - 0.2 * chart.plot_height)
    )
    assert points[-1] == pytest.approx((chart.right, chart.bottom - 0.4 * chart.plot_height))
    assert (chart.total, chart.span, chart.count) == (1000, "10 s", 3)


def test_chart_of_a_finished_task_ends_at_its_total() -> None:
    done = task(state="finished", current_cycle=1000, end_timestamp="2024-05-06 07:08:13")
    chart = cycle_chart(measure_progress(done), now=START + 60)
    assert chart is not None
    assert chart.points.split()[-1] == f"{chart.right:.1f},{chart.top:.1f}"
    assert chart.span == "4.0 s"


def test_a_queued_task_has_no_chart() -> None:
    assert cycle_chart(measure_progress(task(state="queued", start_timestamp=None))) is None


def test_a_task_that_ended_within_the_second_it_started_reads_under_one_second() -> None:
    # Whole-second timestamps, no sample in between: not "0.0 s".
    quick = task(state="finished", current_cycle=1000, end_timestamp="2024-05-06 07:08:09")
    chart = cycle_chart(measure_progress(quick), now=START + 60)
    assert chart is not None
    assert chart.span == "under 1 s"
    sampled = cycle_chart(measure_progress(quick, [Sample(START + 0.5, 500)]), now=START + 60)
    assert sampled is not None
    assert sampled.span == "0.5 s"


# --- forms ------------------------------------------------------------------------------------


def columns_of(uuid: str) -> list[str]:
    return ["picture", "label"] if uuid == DATASET else []


def build(kind: Kind, data: QueryDict | None, hexagons: Hexagons) -> TaskForms:
    return build_task_forms(
        kind,
        data=data,
        datasets=[(DATASET, "Digits (0badc0de)")],
        columns_of=columns_of,
        hexagons=hexagons,
        columns_url="/columns/",
    )


def test_empty_forms_start_with_the_usual_mnist_items() -> None:
    forms = build("train", None, (["picture_hex"], ["label_hex", "extra_hex"]))
    inputs = [form.initial for form in forms.inputs.forms]
    outputs = [form.initial for form in forms.second.forms]
    assert inputs == [{"dataset": DATASET, "column": "picture", "hexagon": "picture_hex"}]
    # Every output hexagon needs expected values: one item each.
    assert outputs == [
        {"dataset": DATASET, "column": "label", "hexagon": "label_hex"},
        {"dataset": DATASET, "column": "label", "hexagon": "extra_hex"},
    ]
    results = build("request", None, (["picture_hex"], ["label_hex"])).second.forms
    assert [form.initial for form in results] == [{"hexagon": "label_hex", "column": "label_hex"}]


def test_preferred_columns() -> None:
    assert preferred_column("input", ["label", "picture"]) == "picture"
    assert preferred_column("output", ["x", "label"]) == "label"
    assert preferred_column("input", ["x", "y"]) == "x"
    assert preferred_column("result", []) == ""


def sent(items: dict[str, str]) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(
        {
            "train-name": "Some task",
            "train-inputs-TOTAL_FORMS": "1",
            "train-inputs-INITIAL_FORMS": "1",
            "train-outputs-TOTAL_FORMS": "1",
            "train-outputs-INITIAL_FORMS": "1",
            "train-inputs-0-dataset": DATASET,
            "train-inputs-0-column": "picture",
            "train-outputs-0-dataset": DATASET,
            "train-outputs-0-column": "label",
            **items,
        }
    )
    return data


def test_a_refusal_naming_a_hexagon_lands_at_that_field() -> None:
    forms = build(
        "train",
        sent({"train-inputs-0-hexagon": "in_hex", "train-outputs-0-hexagon": "out_hex"}),
        None,
    )
    assert forms.is_valid()
    forms.attach_refusal("Hexagon with name 'out_hex' not found")
    assert forms.second.forms[0].errors == {"hexagon": ["Hexagon with name 'out_hex' not found"]}
    assert forms.inputs.forms[0].errors == {}
    assert forms.main.non_field_errors() == []


def test_a_refusal_naming_nothing_of_the_form_goes_above_it() -> None:
    forms = build(
        "train",
        sent({"train-inputs-0-hexagon": "in_hex", "train-outputs-0-hexagon": "out_hex"}),
        None,
    )
    assert forms.is_valid()
    forms.attach_refusal("Cluster with uuid 'x' has no size yet")
    assert forms.main.non_field_errors() == ["Cluster with uuid 'x' has no size yet"]


def test_a_column_of_another_dataset_is_refused_locally() -> None:
    data = sent(
        {
            "train-inputs-0-hexagon": "h",
            "train-outputs-0-hexagon": "o",
            "train-inputs-0-column": "pixels",
        }
    )
    forms = build("train", data, None)
    assert not forms.is_valid()
    assert "column" in forms.inputs.forms[0].errors


def test_adding_copies_the_last_item_and_removing_drops_the_named_one() -> None:
    data = sent(
        {"train-inputs-0-hexagon": "h", "train-outputs-0-hexagon": "o", "add": "train-outputs"}
    )
    forms = build("train", data, None)
    assert not forms.main.is_bound
    assert [form.initial["hexagon"] for form in forms.second.forms] == ["o", "o"]
    data = sent(
        {"train-inputs-0-hexagon": "h", "train-outputs-0-hexagon": "o", "remove": "train-outputs-0"}
    )
    forms = build("train", data, None)
    # The last item stays: a task needs at least one.
    assert len(forms.second.forms) == 1


# --- change detection -------------------------------------------------------------------------


def test_the_poller_sends_only_what_changed() -> None:
    poller = ClusterPoller(CLUSTER)
    first = poller._merge([task()], START + 10)
    assert first is not None
    assert list(first["tasks"]) == [task().uuid]
    assert 'data-cycle="400"' in first["rows"]
    assert poller._merge([task()], START + 10.3) is None
    moved = poller._merge([task(current_cycle=700)], START + 10.6)
    assert moved is not None
    assert 'data-cycle="700"' in moved["tasks"][task().uuid]
    gone = poller._merge([], START + 11)
    assert gone is not None
    assert "no longer exists" in gone["tasks"][task().uuid]
    assert "No tasks yet." in gone["rows"]
    assert poller.snapshot is not None
    assert poller.snapshot.tasks == {}
