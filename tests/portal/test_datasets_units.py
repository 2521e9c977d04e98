"""The datasets app's pure helpers: file checks, PNG pictures, charts, predictions, permissions."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from hanami_client import Dataset
from portal.core.pictures import grayscale_png, png_data_uri
from portal.datasets.accuracy import (
    AccuracyProblem,
    confusion_matrix,
    predictions,
    result_columns,
)
from portal.datasets.charts import heat_map, line_chart
from portal.datasets.files import FileProblem, check_csv, check_images, check_labels
from portal.datasets.selectors import dataset_kind, file_bytes, label_of, may_delete
from tests.portal.test_datasets_pages import decode_png
from tests.portal.test_datasets_upload import T10K_IMAGES, T10K_LABELS


def dataset(description: dict[str, tuple[int, int]], rows: int = 5) -> Dataset:
    columns = max((end for _, end in description.values()), default=0)
    return Dataset(
        "0badc0de-0000-4000-8000-000000000000",
        "Some data",
        description,
        "owner",
        "proj",
        "private",
        "v1.0alpha",
        rows,
        columns,
        "2026-01-01 00:00:00",
    )


# --- file checks ------------------------------------------------------------------------------


def test_the_t10k_sample_passes_the_checks() -> None:
    images, labels = T10K_IMAGES.read_bytes(), T10K_LABELS.read_bytes()
    header = check_images(images[:16], len(images))
    assert (header.count, header.rows, header.columns) == (1000, 28, 28)
    check_labels(labels[:8], len(labels), header.count)


@pytest.mark.parametrize(
    ("head", "size", "message"),
    [
        (b"", 0, "The file is empty."),
        (b"\0\0\x08\x03", 4, "Too short for an idx images file"),
        (struct.pack(">IIII", 0x0803, 0, 28, 28), 16, "The header announces no images"),
        (struct.pack(">IIII", 0x0801, 1, 28, 28), 800, "This is an idx labels file"),
        (struct.pack(">IIII", 0x0802, 1, 28, 28), 800, "it starts with 2050 instead of"),
        (struct.pack(">IIII", 0x0803, 2, 2, 3), 27, "2 images of 2x3 pixels (28 bytes)"),
    ],
)
def test_images_checks_say_what_is_wrong(head: bytes, size: int, message: str) -> None:
    with pytest.raises(FileProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_images(head, size)


def test_labels_checks_say_what_is_wrong() -> None:
    with pytest.raises(FileProblem, match="This is an idx images file"):
        check_labels(struct.pack(">II", 0x0803, 3), 11, None)
    with pytest.raises(FileProblem, match="has 3 labels, but the images file has 4 images"):
        check_labels(struct.pack(">II", 0x0801, 3), 11, 4)
    check_labels(struct.pack(">II", 0x0801, 99), 11, None)


def test_csv_checks_want_text_with_a_comma() -> None:
    check_csv(b"\n\nno comma here\nx,y\n1,2\n", 30)
    with pytest.raises(FileProblem, match="binary data"):
        check_csv(b"x,y\n\0\0", 6)
    with pytest.raises(FileProblem, match="No header line with a comma"):
        check_csv(b"x\n1\n", 4)
    with pytest.raises(FileProblem, match="at most 10 GB"):
        check_csv(b"x,y\n", 10_000_000_001)


# --- pictures ---------------------------------------------------------------------------------


def test_grayscale_png_holds_the_clamped_levels_row_by_row() -> None:
    values = [-5, 0, 127.6, 255, 300, 64]
    width, height, levels = decode_png(grayscale_png(values, 3, 2))
    assert (width, height) == (3, 2)
    assert list(levels) == [0, 0, 128, 255, 255, 64]


def test_png_data_uri_is_base64_png() -> None:
    uri = png_data_uri(grayscale_png([0] * 4, 2, 2))
    assert uri.startswith("data:image/png;base64,iVBORw0KGgo")


def test_grayscale_png_refuses_a_wrong_number_of_values() -> None:
    with pytest.raises(ValueError, match="5 values do not make a 2x2 picture"):
        grayscale_png([0] * 5, 2, 2)


# --- charts -----------------------------------------------------------------------------------


def test_line_chart_puts_the_highest_value_at_the_top() -> None:
    chart = line_chart([1.0, 3.0, 2.0], width=104, height=24)
    points = [tuple(map(float, pair.split(","))) for pair in chart.points.split()]
    assert points == [(4.0, 20.0), (52.0, 4.0), (100.0, 12.0)]
    assert (chart.low, chart.high, chart.count) == (1.0, 3.0, 3)


def test_line_chart_of_one_value_is_a_flat_line() -> None:
    chart = line_chart([7.0], width=104, height=24)
    assert chart.points == "4.0,12.0 100.0,12.0"


def test_heat_map_shades_each_cell_by_its_share_of_the_row() -> None:
    heat = heat_map([[3, 1], [0, 0]], cell=10)
    cells = {(cell.actual, cell.predicted): cell for cell in heat.cells}
    assert cells[0, 0].opacity == "0.75"
    assert cells[0, 0].strong
    assert cells[0, 0].diagonal
    assert cells[0, 1].opacity == "0.25"
    assert not cells[0, 1].strong
    assert cells[1, 0].opacity == "0.00"
    assert (cells[1, 1].x - cells[1, 0].x, cells[1, 0].y - cells[0, 0].y) == (10, 10)


# --- accuracy ---------------------------------------------------------------------------------


def test_prediction_is_the_first_maximum_above_the_floor() -> None:
    values = np.array(
        [
            [0.1, 0.9, 0.9, 0, 0, 0, 0, 0, 0, 0],  # first maximum wins
            [-1, -0.5, -0.2, -1, -1, -1, -1, -1, -1, -1],  # all at or below -0.1: 0
            [-1, -0.05, -0.2, -1, -1, -1, -1, -1, -1, -1],  # -0.05 is above the floor
            [-0.1, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1],
        ]
    )
    assert predictions(values).tolist() == [1, 0, 1, 0]


def test_result_columns_take_the_first_ten_columns_by_position() -> None:
    csv_like = dataset({f"c{i}": (i, i + 1) for i in range(12)})
    assert result_columns(csv_like) == [(f"c{i}", 1) for i in range(10)]
    # A request result: every range starts at 0 upstream; the first one wide enough is used.
    result = dataset({"output": (0, 10), "other": (0, 10)})
    assert result_columns(result) == [("output", 10)]
    wide = dataset({"scores": (0, 4), "more": (4, 16)})
    assert result_columns(wide) == [("scores", 4), ("more", 6)]


def test_result_columns_explain_a_dataset_too_narrow() -> None:
    with pytest.raises(AccuracyProblem, match="has 3 readable result columns"):
        result_columns(dataset({"a": (0, 1), "b": (1, 2), "c": (2, 3)}))
    with pytest.raises(AccuracyProblem, match="has 0 readable result columns"):
        result_columns(dataset({"1st": (0, 10)}))


def test_a_reference_of_another_row_count_is_refused_before_reading_anything() -> None:
    result = dataset({"output": (0, 10)}, rows=1000)
    reference = dataset({"picture": (0, 784), "label": (784, 794)}, rows=4000)
    with pytest.raises(AccuracyProblem, match=r"has 1,000 rows but .* has 4,000"):
        confusion_matrix(client=None, result=result, reference=reference)  # type: ignore[arg-type]


# --- kinds, sizes, permissions ----------------------------------------------------------------


def test_dataset_kind_and_file_size() -> None:
    mnist = dataset({"picture": (0, 784), "label": (784, 794)}, rows=2)
    table = dataset({"x": (0, 1), "y": (1, 2)}, rows=2)
    result = dataset({"output": (0, 10)}, rows=2)
    assert [dataset_kind(item) for item in (mnist, table, result)] == ["mnist", "csv", "other"]
    assert (
        file_bytes(table)
        == 4096
        + len('{"x":{"column_start":0,"column_end":1},')
        + len('"y":{"column_start":1,"column_end":2}}')
        + 2 * 2 * 4
    )
    assert file_bytes(mnist) - file_bytes(dataset(mnist.description, rows=0)) == 2 * 794


def test_label_of_one_hot_rows() -> None:
    assert label_of([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]) == 3
    assert label_of([0] * 10) is None


@pytest.mark.parametrize(
    ("context", "allowed"),
    [
        ({"is_admin": True, "is_project_admin": False, "project_id": "x", "user_id": "z"}, True),
        ({"is_admin": False, "is_project_admin": True, "project_id": "p", "user_id": "z"}, True),
        ({"is_admin": False, "is_project_admin": True, "project_id": "q", "user_id": "o"}, False),
        ({"is_admin": False, "is_project_admin": False, "project_id": "p", "user_id": "o"}, True),
        ({"is_admin": False, "is_project_admin": False, "project_id": "p", "user_id": "z"}, False),
        ({"is_admin": False, "is_project_admin": False, "project_id": "q", "user_id": "o"}, False),
    ],
)
def test_only_owner_project_admin_or_admin_may_delete(context: dict, allowed: bool) -> None:
    assert may_delete(context, owner_id="o", project_id="p") is allowed
