"""The cluster template parser against the examples and error texts of contract section 5."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from hanami_client.template import (
    ClusterTemplate,
    Interface,
    Settings,
    TemplateDecodeError,
    TemplateError,
    decode_template,
    parse_template,
)

VECTORS = Path(__file__).resolve().parents[1] / "data" / "wire-vectors.jsonl"
REPORT_PREFIX = "Uploaded template is not a valid cluster-template: \n"
UNKNOWN = "position in line: UNKNOWN POSITION (maybe a string was not closed)"

EXAMPLE_A = """version: 1
settings:
  refractory_time: 2
hexagons:
  1,1,1
  2,1,1
inputs:
  sensor: 1,1,1
outputs:
  result: 2,1,1
"""

EXAMPLE_B = (
    "version:1 settings: neuron_cooldown: 5000.5 "
    "max_connection_distance: 2 enable_reduction: True\n"
    "hexagons: 1,1,1 2,1,1 5,1,1 6,1,1\n"
    "axons: 2,1,1 -> 5,1,1\n"
    "inputs: pixels: 1,1,1 (binary)   extra: 2,1,1\n"
    "outputs: digit: 6,1,1 (float)\n"
)

EXAMPLE_C = """version: 1
settings:
  neuron_cooldown: 100000.0
  refractory_time: 1
  max_connection_distance: 1
  enable_reduction: false
hexagons:
  1,1,1
  2,1,1
  3,1,1
inputs:
  pixels: 1,1,1
outputs:
  digit: 3,1,1
"""


def vector(name: str) -> dict:
    """The wire vector step called ``name``."""
    for line in VECTORS.read_text().splitlines():
        step = json.loads(line)
        if step["request"]["name"] == name:
            return step
    raise LookupError(name)


def refusal(text: str) -> TemplateError:
    """The error parsing ``text`` raises."""
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    return caught.value


def test_example_a_is_minimal_with_defaults_for_omitted_settings() -> None:
    assert parse_template(EXAMPLE_A) == ClusterTemplate(
        settings=Settings(refractory_time=2),
        hexagons=((1, 1, 1), (2, 1, 1)),
        axons=(),
        inputs=(Interface("sensor", (1, 1, 1)),),
        outputs=(Interface("result", (2, 1, 1)),),
    )
    assert Settings() == Settings(1_000_000_000.0, 1, 1, False)


def test_example_b_has_flags_an_axon_and_few_lines() -> None:
    assert parse_template(EXAMPLE_B) == ClusterTemplate(
        settings=Settings(neuron_cooldown=5000.5, max_connection_distance=2, enable_reduction=True),
        hexagons=((1, 1, 1), (2, 1, 1), (5, 1, 1), (6, 1, 1)),
        axons=(((2, 1, 1), (5, 1, 1)),),
        inputs=(Interface("pixels", (1, 1, 1), "binary"), Interface("extra", (2, 1, 1))),
        outputs=(Interface("digit", (6, 1, 1), "float"),),
    )


def test_example_c_is_three_hexagons_in_a_row() -> None:
    assert parse_template(EXAMPLE_C) == ClusterTemplate(
        settings=Settings(100000.0, 1, 1, False),
        hexagons=((1, 1, 1), (2, 1, 1), (3, 1, 1)),
        axons=(),
        inputs=(Interface("pixels", (1, 1, 1)),),
        outputs=(Interface("digit", (3, 1, 1)),),
    )


def test_the_wire_vector_template_parses() -> None:
    template = decode_template(vector("cluster create")["request"]["data"]["template"])
    parsed = parse_template(template)
    assert parsed.hexagons == ((1, 1, 1), (2, 1, 1), (3, 1, 1))
    assert parsed.settings == Settings(100000.0, 1, 1, False)


def test_the_broken_template_vector_is_reported_byte_for_byte() -> None:
    step = vector("cluster create broken template")
    error = refusal(decode_template(step["request"]["data"]["template"]))
    assert REPORT_PREFIX + error.report() == step["reply"]["body"]
    assert error.describe() == (
        "line 7, position 11: Hexagon with the position [ 9 , 9 , 9 ] doesn't exist."
    )


def test_not_base64_vector_is_refused_with_upstream_text() -> None:
    step = vector("cluster create template not base64")
    with pytest.raises(TemplateDecodeError) as caught:
        decode_template(step["request"]["data"]["template"])
    assert caught.value.message == step["reply"]["body"]


@pytest.mark.parametrize("b64", ["", "====", "abc", "abcde", "ab!d", "äbcd"])
def test_unusable_base64_is_refused(b64: str) -> None:
    with pytest.raises(TemplateDecodeError, match="not a valid base64-String"):
        decode_template(b64)


def test_base64_decodes_to_the_template_text() -> None:
    assert decode_template(base64.b64encode(EXAMPLE_A.encode()).decode()) == EXAMPLE_A


def test_non_utf8_bytes_become_an_invalid_character() -> None:
    text = decode_template(base64.b64encode(b"version: 1\n\xff").decode())
    error = refusal(text)
    assert (error.message, error.line_number, error.position) == ("invalid character", 2, 1)


# --- the invalid examples of section 5 -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line", "position"),
    [
        pytest.param(
            EXAMPLE_A.replace("  refractory_time: 2\n", ""),
            "syntax error",
            3,
            1,
            id="empty-settings",
        ),
        pytest.param(EXAMPLE_A.replace("version: 1", "version: 2"), "syntax error", 1, 1, id="v2"),
        pytest.param(
            EXAMPLE_A.replace("version: 1", "version:  1"), "syntax error", 1, 1, id="two-spaces"
        ),
        pytest.param(
            EXAMPLE_A.replace("refractory_time: 2", "neuron_cooldown: 1"),
            "neuron_cooldown must be > 1.0",
            3,
            20,
            id="cooldown-1",
        ),
        pytest.param(
            EXAMPLE_A.replace("refractory_time: 2", "refractory_time: 1.5"),
            "syntax error",
            3,
            20,
            id="refractory-float",
        ),
        pytest.param(EXAMPLE_A.replace("sensor:", '"in":'), "syntax error", 8, 3, id="quoted-name"),
        pytest.param(
            EXAMPLE_A.replace("sensor:", "binary:"), "syntax error", 8, 3, id="keyword-name"
        ),
        pytest.param(
            EXAMPLE_A.replace("result: 2,1,1", "result: 7,7,7"),
            "Hexagon with the position [ 7 , 7 , 7 ] doesn't exist.",
            10,
            11,
            id="undeclared-output",
        ),
        pytest.param(
            EXAMPLE_A + "axons:\n  1,1,1 -> 2,1,1\n", "syntax error", 11, 1, id="axons-last"
        ),
        pytest.param("# comment\n" + EXAMPLE_A, "invalid character", 1, 1, id="comment"),
        pytest.param(
            EXAMPLE_A.replace("outputs:\n  result: 2,1,1\n", ""),
            "syntax error",
            9,
            1,
            id="missing-outputs",
        ),
    ],
)
def test_contract_invalid_examples_are_refused(
    text: str, message: str, line: int, position: int
) -> None:
    error = refusal(text)
    assert (error.message, error.line_number, error.position) == (message, line, position)


# --- every error text, with its place -------------------------------------------------------


def single_line(
    *,
    settings: str = "refractory_time: 2",
    hexagons: str = "1,1,1 2,1,1",
    axons: str = "",
    inputs: str = "a: 1,1,1",
    outputs: str = "b: 2,1,1",
) -> str:
    """Example A on one line, with one part replaced (every token then has text after it)."""
    axon_part = f"axons: {axons} " if axons else ""
    return (
        f"version: 1 settings: {settings} hexagons: {hexagons} {axon_part}"
        f"inputs: {inputs} outputs: {outputs} "
    )


@pytest.mark.parametrize(
    ("text", "message", "broken"),
    [
        (single_line(settings="neuron_cooldown: 1.0"), "neuron_cooldown must be > 1.0", "1.0"),
        (single_line(settings="neuron_cooldown: -5"), "neuron_cooldown must be > 1.0", "-5"),
        (single_line(settings="refractory_time: 0"), "refractory_time must be >= 1", "0"),
        (
            single_line(settings="max_connection_distance: 0"),
            "max_connection_distance must be >= 1",
            "0",
        ),
        (
            single_line(hexagons="1,1,1 2,1,1 1,1,1"),
            "Hexagon with the position [ 1 , 1 , 1 ] already exist.",
            "1,1,1",
        ),
        (
            single_line(hexagons="4294967295,1,1 2,1,1 -1,1,1"),
            "Hexagon with the position [ 4294967295 , 1 , 1 ] already exist.",
            "-1,1,1",
        ),
        (
            single_line(axons="3,1,1 -> 2,1,1"),
            "Source-Hexagon of axon with the position [ 3 , 1 , 1 ] doesn't exist.",
            "3,1,1",
        ),
        (
            single_line(axons="1,1,1 -> 2, 2, 2"),
            "Target-Hexagon of axon with the position [ 2 , 2 , 2 ] doesn't exist.",
            "2, 2, 2",
        ),
        (
            single_line(inputs="a: 0,1,1"),
            "Hexagon with the position [ 0 , 1 , 1 ] doesn't exist.",
            "0,1,1",
        ),
        (
            single_line(inputs="a: 1,1,1 b: 1,1,1"),
            "Name 'b' is used by more than one input or output.",
            "b",
        ),
        (
            single_line(outputs="a: 2,1,1"),
            "Name 'a' is used by more than one input or output.",
            "a",
        ),
        (single_line(hexagons="1,1,1 2,1,1 $"), "invalid character", "$"),
        (single_line(hexagons="1,1,1 2,1,1\r"), "invalid character", "\r"),
        (single_line(axons="1,1,1 - 2,1,1"), "invalid character", "-"),
        (
            single_line(hexagons="1,1,9223372036854775808 2,1,1"),
            "integer is out of range",
            "9223372036854775808",
        ),
        (single_line(inputs="a: 1,1,1 (float)"), "syntax error", "float"),
        (single_line(outputs="b: 2,1,1 (binary)"), "syntax error", "binary"),
        (single_line(settings="enable_reduction: 1"), "syntax error", "1"),
        (single_line(settings="enable_reduction: yes"), "syntax error", "yes"),
        (single_line(settings="refractory_time 2"), "syntax error", "2"),
        (single_line(hexagons="1,1,1 2,1"), "syntax error", "inputs"),
        (single_line(inputs="12: 1,1,1"), "syntax error", "12"),
        (single_line(inputs='"a b": 1,1,1'), "syntax error", '"a b"'),
        (single_line(inputs='"a b: 1,1,1'), "invalid character", '"'),
        (single_line(axons="1,1,1 2,1,1"), "syntax error", "2"),
        (single_line(settings="number_of_neurons: 2"), "syntax error", "number_of_neurons"),
    ],
)
def test_error_texts_point_at_the_offending_part(text: str, message: str, broken: str) -> None:
    error = refusal(text)
    assert error.message == message
    assert error.line_number == 1
    assert text[error.position - 1 : error.position - 1 + error.length] == broken
    assert f"| position in line: {error.position} " in error.report()
    assert f'| broken part in string: "{broken}" ' in error.report()
    assert error.describe() == f"line 1, position {error.position}: {message}"


def test_the_first_problem_in_text_order_wins() -> None:
    error = refusal(single_line(settings="refractory_time: 0", hexagons="1,1,1 1,1,1 #"))
    assert error.message == "refractory_time must be >= 1"
    error = refusal(single_line(inputs="a: 5,5,5 #"))
    assert error.message.startswith("Hexagon with the position [ 5 , 5 , 5 ]")


def test_name_of_254_characters_is_fine_and_255_is_refused() -> None:
    parsed = parse_template(single_line(inputs=f"{'n' * 254}: 1,1,1"))
    assert parsed.inputs[0].name == "n" * 254
    error = refusal(single_line(inputs=f"{'n' * 255}: 1,1,1"))
    assert error.message == f"Name '{'n' * 255}' is longer than 254 characters."
    assert error.position == single_line().index("a:") + 1


def test_a_long_report_line_is_cut_into_pieces_of_200() -> None:
    report = refusal(single_line(inputs=f"{'n' * 300}: 1,1,1")).report()
    widths = {len(line) for line in report.splitlines()}
    assert widths == {len("| Error-Message Nr. 0 | ") + 200 + len(" |")}
    assert f"| parser-message: Name '{'n' * 178} |" in report
    assert f"| {'n' * 122}' is longer than 254 characters. " in report


def test_report_with_a_known_position_matches_upstream_layout() -> None:
    text = "version: 1\nsettings: refractory_time: 0 hexagons: 1,1,1\n"
    assert refusal(text).report() == (
        "+---------------------+------------------------------------------------+\n"
        "| Error-Message Nr. 0 | ERROR while parsing cluster-definition string  |\n"
        "|                     | parser-message: refractory_time must be >= 1   |\n"
        "|                     | line-number: 2                                 |\n"
        "|                     | position in line: 28                           |\n"
        '|                     | broken part in string: "0"                     |\n'
        "+---------------------+------------------------------------------------+\n"
    )


def test_a_part_ending_its_line_has_an_unknown_position_as_upstream() -> None:
    error = refusal(EXAMPLE_A.replace("refractory_time: 2", "refractory_time: 0"))
    assert (error.line_number, error.position) == (3, 20)
    assert UNKNOWN in error.report()
    assert "broken part" not in error.report()


def test_end_of_input_is_reported_after_the_last_character() -> None:
    error = refusal("version: 1\nsettings:")
    assert (error.message, error.line_number, error.position) == ("syntax error", 2, 10)
    assert UNKNOWN in error.report()
    error = refusal("version: 1\n")
    assert (error.line_number, error.position) == (2, 1)


def test_empty_text_is_refused_at_its_start() -> None:
    error = refusal("")
    assert (error.message, error.line_number, error.position) == ("syntax error", 1, 1)


# --- what the grammar accepts beyond the examples -------------------------------------------


def test_whitespace_is_free_except_inside_the_version_lexeme() -> None:
    squeezed = (
        "version:1settings:refractory_time:2 hexagons:1,1,1 2,1,1 inputs:a:1,1,1 outputs:b:2,1,1"
    )
    assert parse_template(squeezed) == parse_template(single_line())
    glued = refusal(squeezed.replace("2 hexagons", "2hexagons"))
    assert (glued.message, glued.position, glued.length) == ("syntax error", 35, len("2hexagons"))
    spread = "\n\n version: 1\n\t settings \n :\n refractory_time\n:\n2\n" + single_line()[39:]
    assert parse_template(spread) == parse_template(single_line())
    for version in ("version :1", "version:\n1", "version:\t1", "Version: 1"):
        assert refusal(single_line().replace("version: 1", version)).message == "syntax error"


def test_identifiers_may_contain_keywords_and_digits() -> None:
    parsed = parse_template(
        single_line(inputs="inputs_hex: 1,1,1 9x: 1,1,1", outputs="True_: 2,1,1")
    )
    assert [i.name for i in parsed.inputs + parsed.outputs] == ["inputs_hex", "9x", "True_"]


def test_settings_take_every_spelling_and_the_last_repeat_wins() -> None:
    settings = (
        "neuron_cooldown: 2 enable_reduction: true refractory_time: 3 "
        "enable_reduction: False max_connection_distance: 4 refractory_time: 5"
    )
    assert parse_template(single_line(settings=settings)).settings == Settings(2.0, 5, 4, False)


def test_every_interface_flag_is_kept() -> None:
    parsed = parse_template(
        single_line(
            inputs="a: 1,1,1 ( match ) c: 1,1,1 (binary)",
            outputs="b: 2,1,1 (bool) d: 2,1,1 (int) e: 1,1,1",
        )
    )
    assert [i.flag for i in parsed.inputs] == ["match", "binary"]
    assert [o.flag for o in parsed.outputs] == ["bool", "int", ""]


def test_negative_and_huge_coordinates_wrap_to_uint32() -> None:
    parsed = parse_template(single_line(hexagons="-1,0,4294967297 2,1,1", inputs="a: -1,0,1"))
    assert parsed.hexagons[0] == (4294967295, 0, 1)
    assert parsed.inputs[0].position == (4294967295, 0, 1)


def test_axons_section_may_list_several_axons() -> None:
    parsed = parse_template(single_line(axons="1,1,1 -> 2,1,1 2,1,1->1,1,1"))
    assert parsed.axons == (((1, 1, 1), (2, 1, 1)), ((2, 1, 1), (1, 1, 1)))
    assert refusal(single_line().replace("inputs:", "axons: inputs:")).message == "syntax error"
