"""The Try-it page's pure parts: message checks, the bar chart, the layout rule."""

from __future__ import annotations

import json

import pytest

from portal.directio.charts import MAX_BARS, bar_chart, highest
from portal.directio.layout import Layout, looks_like_picture
from portal.directio.messages import (
    MAX_TEXT_CHARS,
    MessageError,
    Rules,
    parse_message,
)

DIGITS = Rules.of(Layout(inputs=("pixels",), outputs=("digit",), known=True, view="digits"))


def rules() -> Rules:
    return Rules.of(Layout(inputs=("a", "b"), outputs=("out",), known=True, view="values"))


def test_a_request_keeps_its_inputs_and_ignores_expected_values() -> None:
    message = parse_message(
        json.dumps({"kind": "request", "inputs": {"a": [1, 2.5]}, "expected": {"out": [1]}}),
        rules(),
    )
    assert message.kind == "request"
    assert message.inputs == {"a": [1.0, 2.5]}
    assert message.expected == {}


def test_form_fields_fold_into_the_message_and_empty_ones_are_left_out() -> None:
    text = json.dumps(
        {
            "kind": "train",
            "inputs.a": "1, 2;3\n4",
            "inputs.b": "  ",
            "expected.out": "0 1",
            "HEADERS": {"HX-Request": "true"},
        }
    )
    message = parse_message(text, rules())
    assert message.inputs == {"a": [1.0, 2.0, 3.0, 4.0]}
    assert message.expected == {"out": [0.0, 1.0]}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"kind": "request", "inputs": {"a": "1 x 3"}}, "a: “x” is not a number."),
        ({"kind": "request", "inputs": {"a": [True]}}, "a: give a list of numbers."),
        ({"kind": "request", "inputs": {"a": "nan"}}, "a: only finite numbers"),
        ({"kind": "request", "inputs": ["a"]}, "inputs is an object"),
        ({"kind": "request", "inputs": {"a b": [1]}}, "“a b” is not a hexagon name"),
        ({"kind": "request", "inputs": {"out": [1]}}, "“out” is not an input hexagon"),
        ({"kind": "train", "inputs": {"a": [1]}, "expected": {"a": [1]}}, "not an output"),
        ({"kind": "train", "inputs": {"a": [1]}}, "every output hexagon: out."),
        ({"kind": "predict", "inputs": {"a": [1]}}, "kind is “request” or “train”"),
    ],
)
def test_refusals_say_what_to_change(data: dict[str, object], problem: str) -> None:
    with pytest.raises(MessageError, match=problem.replace("(", r"\(")):
        parse_message(json.dumps(data), rules())


def test_the_first_accepted_widths_hold_for_the_session() -> None:
    session = rules()
    first = parse_message(json.dumps({"kind": "request", "inputs": {"a": [1, 2]}}), session)
    session.learn(first)
    assert session.widths == {"a": 2}
    parse_message(json.dumps({"kind": "request", "inputs": {"a": [3, 4], "b": [1]}}), session)
    with pytest.raises(MessageError, match="a takes 2 values; this message has 3"):
        parse_message(json.dumps({"kind": "request", "inputs": {"a": [1, 2, 3]}}), session)


def test_the_canvas_takes_784_pixel_bytes_and_ten_expected_values() -> None:
    picture = [0] * 783 + [255]
    message = parse_message(
        json.dumps(
            {"kind": "train", "inputs": {"pixels": picture}, "expected": {"digit": [0] * 10}}
        ),
        DIGITS,
    )
    assert len(message.inputs["pixels"]) == 784
    with pytest.raises(MessageError, match="pixel values go from 0 to 255; got -1"):
        parse_message(
            json.dumps({"kind": "request", "inputs": {"pixels": [-1] + [0] * 783}}), DIGITS
        )


def test_an_unknown_template_lets_any_name_through_to_the_backend() -> None:
    unknown = Rules.of(Layout(inputs=(), outputs=(), known=False, view="values"))
    message = parse_message(
        json.dumps({"kind": "train", "inputs": {"x": [1]}, "expected": {"y": [2]}}), unknown
    )
    assert message.expected == {"y": [2.0]}
    with pytest.raises(MessageError, match="expected values for an output hexagon"):
        parse_message(json.dumps({"kind": "train", "inputs": {"x": [1]}}), unknown)


def test_a_too_long_message_is_refused_unread() -> None:
    with pytest.raises(MessageError, match="too long"):
        parse_message(" " * (MAX_TEXT_CHARS + 1), rules())


def test_deeply_nested_json_is_refused_with_a_message() -> None:
    bomb = "[" * 200_000 + "]" * 200_000
    assert len(bomb) < MAX_TEXT_CHARS
    with pytest.raises(MessageError, match="nests too deeply"):
        parse_message(bomb, rules())


def test_bars_go_up_and_down_from_zero_and_the_first_highest_wins() -> None:
    chart = bar_chart([0.5, -0.5, 1.5, 1.5], at_least=1.0)
    assert chart is not None
    assert (chart.low, chart.high) == (-0.5, 1.5)
    up, down, best, tie = chart.bars
    assert up.y + up.height == chart.zero
    assert down.y == chart.zero
    assert down.height == up.height
    assert best.best
    assert not tie.best
    assert best.y == chart.top
    assert chart.value_texts
    assert chart.labels


def test_digit_scores_are_drawn_on_a_scale_up_to_one() -> None:
    chart = bar_chart([0.25] * 10, at_least=1.0)
    assert chart is not None
    assert chart.high == 1.0
    assert chart.bars[0].height == pytest.approx((chart.bottom - chart.top) / 4, abs=0.1)


def test_values_are_written_without_a_negative_zero() -> None:
    chart = bar_chart([-0.0001, 0.25])
    assert chart is not None
    assert [bar.text for bar in chart.bars] == ["0.00", "0.25"]
    assert chart.bars[0].described == "0.000"


def test_too_many_values_get_no_chart() -> None:
    assert bar_chart([], at_least=1.0) is None
    assert bar_chart([0.0] * (MAX_BARS + 1)) is None
    assert bar_chart([0.0] * MAX_BARS) is not None
    assert highest([0.1, 0.3, 0.3]) == 1


@pytest.mark.parametrize(
    ("name", "picture"),
    [("picture_hex", True), ("Pixels", True), ("mnist_in", True), ("sensor", False)],
)
def test_a_picture_is_recognised_by_its_input_name(name: str, picture: bool) -> None:
    assert looks_like_picture(name) is picture
