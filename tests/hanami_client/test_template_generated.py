"""Generated templates: random valid ones, random layouts, single-token mutations (seeded)."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field, replace

import pytest

from hanami_client.template import (
    ClusterTemplate,
    Interface,
    Position,
    Settings,
    TemplateError,
    parse_template,
)

Tok = tuple[str, str]
WORD_CHARS = set(string.ascii_letters + string.digits + "_")
SEPARATORS = ("", " ", "  ", "\t", "\n", "\n  ", " \n\t\t", "\n\n")
KEYWORDS = {
    "settings", "hexagons", "axons", "inputs", "outputs", "neuron_cooldown",
    "max_connection_distance", "refractory_time", "enable_reduction", "binary", "match", "true",
    "false", "True", "False", "bool", "int", "float",
}  # fmt: skip
LEXER_ERRORS = {"syntax error", "invalid character", "integer is out of range"}
SYMBOLS = {
    "version": "V", "settings": "S", "hexagons": "H", "axons": "A", "inputs": "I", "outputs": "O",
    ":": ":", ",": ",", "->": ">", "(": "(", ")": ")", "number": "n", "decimal": "d",
    "identifier": "i", "neuron_cooldown": "c", "refractory_time": "r",
    "max_connection_distance": "m", "enable_reduction": "e", "true": "b", "True": "b",
    "false": "b", "False": "b", "binary": "x", "match": "x", "bool": "y", "int": "y",
    "float": "y", "string": "s", "invalid": "#",
}  # fmt: skip
_POS = "n,n,n"
ORACLE = re.compile(
    rf"VS:(?:c:[nd]|r:n|m:n|e:b)+H:(?:{_POS})+(?:A:(?:{_POS}>{_POS})+)?"
    rf"I:(?:i:{_POS}(?:\(x\))?)+O:(?:i:{_POS}(?:\(y\))?)+"
)
POOL: tuple[Tok, ...] = (
    ("identifier", "foo"), ("identifier", "inputs_x"), ("number", "7"), ("number", "-2"),
    ("decimal", "2.5"), (",", ","), (":", ":"), ("->", "->"), ("(", "("), (")", ")"),
    ("binary", "binary"), ("match", "match"), ("bool", "bool"), ("float", "float"),
    ("True", "True"), ("axons", "axons"), ("inputs", "inputs"), ("outputs", "outputs"),
    ("hexagons", "hexagons"), ("settings", "settings"), ("refractory_time", "refractory_time"),
    ("neuron_cooldown", "neuron_cooldown"), ("string", '"x y"'), ("invalid", "#"),
    ("version", "version:1"),
)  # fmt: skip


@dataclass
class Built:
    """A template as tokens, the model it means, and where its notable tokens are."""

    tokens: list[Tok] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)

    def add(self, *tokens: Tok, mark: str = "") -> None:
        """Append tokens, remembering the index of the first under ``mark``."""
        if mark:
            self.marks[mark] = len(self.tokens)
        self.tokens.extend(tokens)

    def add_position(self, position: tuple[int, int, int], mark: str = "") -> None:
        """Append ``x , y , z``."""
        x, y, z = (("number", str(value)) for value in position)
        self.add(x, (",", ","), y, (",", ","), z, mark=mark)


def wrap(position: tuple[int, int, int]) -> Position:
    """A written position as the parser stores it."""
    x, y, z = (value % 2**32 for value in position)
    return (x, y, z)


def random_name(rng: random.Random, taken: set[str]) -> str:
    """A fresh NAME: not a keyword, not all digits, maybe containing a keyword or digits."""
    while True:
        alphabet = string.ascii_letters + string.digits + "_"
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
        name = rng.choice(["", "", "inputs_", "9", "True"]) + name
        if name not in KEYWORDS and not name.isdigit() and name not in taken:
            taken.add(name)
            return name


def random_template(rng: random.Random) -> tuple[Built, ClusterTemplate]:
    """A random valid template built from the grammar, and its expected model."""
    built, settings = Built(), Settings()
    built.add(("version", rng.choice(["version:1", "version: 1"])), ("settings", "settings"))
    built.add((":", ":"))
    for index in range(rng.randint(1, 5)):
        name = rng.choice(["neuron_cooldown", "refractory_time", "max_connection_distance",
                           "enable_reduction"])  # fmt: skip
        if name == "neuron_cooldown" and rng.random() < 0.5:
            value: Tok = ("number", str(rng.randint(2, 10**6)))
            settings = replace(settings, neuron_cooldown=float(value[1]))
        elif name == "neuron_cooldown":
            value = ("decimal", f"{rng.randint(1, 99999)}.{rng.randint(1, 99):02d}")
            settings = replace(settings, neuron_cooldown=float(value[1]))
        elif name == "enable_reduction":
            spelling = rng.choice(["true", "True", "false", "False"])
            value = (spelling, spelling)
            settings = replace(settings, enable_reduction=spelling.lower() == "true")
        else:
            value = ("number", str(rng.randint(1, 9)))
            settings = replace(settings, **{name: int(value[1])})
        built.add((name, name), (":", ":"), value, mark=f"setting{index}")
    written = rng.sample([(x, y, z) for x in range(-2, 4) for y in range(-1, 2) for z in (1, 7)],
                         rng.randint(1, 8))  # fmt: skip
    built.add(("hexagons", "hexagons"), (":", ":"))
    for index, position in enumerate(written):
        built.add_position(position, mark=f"hexagon{index}")
    axons = []
    if rng.random() < 0.5:
        built.add(("axons", "axons"), (":", ":"))
        for index in range(rng.randint(1, 4)):
            source, target = rng.choice(written), rng.choice(written)
            built.add_position(source, mark=f"axon{index}")
            built.add(("->", "->"))
            built.add_position(target, mark=f"axon_target{index}")
            axons.append((wrap(source), wrap(target)))
    taken: set[str] = set()
    interfaces = {}
    for section, flags in (("inputs", ["binary", "match"]), ("outputs", ["bool", "int", "float"])):
        built.add((section, section), (":", ":"))
        found = []
        for index in range(rng.randint(1, 3)):
            name, position = random_name(rng, taken), rng.choice(written)
            built.add(("identifier", name), (":", ":"), mark=f"{section}{index}")
            built.add_position(position, mark=f"{section}_position{index}")
            flag = rng.choice(["", *flags])
            if flag:
                built.add(("(", "("), (flag, flag), (")", ")"))
            found.append(Interface(name, wrap(position), flag))
        interfaces[section] = tuple(found)
    model = ClusterTemplate(
        settings, tuple(wrap(p) for p in written), tuple(axons), interfaces["inputs"],
        interfaces["outputs"],
    )  # fmt: skip
    return built, model


def render(tokens: list[Tok], rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """The tokens with random whitespace between them, and each token's (line, position)."""
    text, places, previous = rng.choice(["", "\n", "  "]), [], ""
    for _, lexeme in tokens:
        glued = previous and previous[-1] in WORD_CHARS and lexeme[0] in WORD_CHARS
        text += rng.choice(SEPARATORS[1:] if glued else SEPARATORS)
        line_start = text.rfind("\n") + 1
        places.append((text.count("\n") + 1, len(text) - line_start + 1))
        text += lexeme
        previous = lexeme
    return text + rng.choice(["", "\n", " \n\n"]), places


def canonical(model: ClusterTemplate) -> str:
    """A plain rendering of a model, every setting spelled out."""
    s = model.settings
    lines = [
        "version: 1",
        "settings:",
        f"  neuron_cooldown: {s.neuron_cooldown!r}",
        f"  refractory_time: {s.refractory_time}",
        f"  max_connection_distance: {s.max_connection_distance}",
        f"  enable_reduction: {s.enable_reduction}",
        "hexagons:",
        *(f"  {x},{y},{z}" for x, y, z in model.hexagons),
    ]
    if model.axons:
        lines += ["axons:", *(f"  {a[0]},{a[1]},{a[2]} -> {b[0]},{b[1]},{b[2]}"
                              for a, b in model.axons)]  # fmt: skip
    for section, found in (("inputs", model.inputs), ("outputs", model.outputs)):
        lines.append(f"{section}:")
        for item in found:
            flag = f" ({item.flag})" if item.flag else ""
            lines.append(f"  {item.name}: {','.join(map(str, item.position))}{flag}")
    return "\n".join(lines) + "\n"


def refusal(text: str) -> TemplateError:
    """The error parsing ``text`` raises."""
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    return caught.value


@pytest.mark.parametrize("seed", range(4))
def test_random_valid_templates_parse_to_their_model_in_any_layout(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        built, model = random_template(rng)
        text, _ = render(built.tokens, rng)
        assert parse_template(text) == model, text
        assert parse_template(canonical(model)) == model


SEMANTIC_BREAKS = ("setting", "duplicate", "axon", "axon_target", "output", "name")


def broken(built: Built, model: ClusterTemplate, kind: str) -> tuple[list[Tok], str, int]:
    """The template with one semantic fault, the expected message and the token it points at."""
    tokens = list(built.tokens)
    if kind == "setting":
        index = built.marks["setting0"] + 2
        name = tokens[index - 2][0]
        bad = {"neuron_cooldown": ("decimal", "1.0"), "enable_reduction": ("number", "0")}
        tokens[index] = bad.get(name, ("number", "0"))
        message = {"neuron_cooldown": "neuron_cooldown must be > 1.0"}.get(
            name, "syntax error" if name == "enable_reduction" else f"{name} must be >= 1"
        )
        return tokens, message, index
    unknown = ("number", "99")
    if kind == "duplicate":
        at = built.marks[f"hexagon{len(model.hexagons) - 1}"] + 5
        tokens[at:at] = tokens[built.marks["hexagon0"] : built.marks["hexagon0"] + 5]
        x, y, z = model.hexagons[0]
        return tokens, f"Hexagon with the position [ {x} , {y} , {z} ] already exist.", at
    if kind in ("axon", "axon_target") and "axon0" in built.marks:
        start = built.marks[f"{kind}0"]
        tokens[start] = unknown
        y, z = model.axons[0][0 if kind == "axon" else 1][1:]
        prefix = "Source" if kind == "axon" else "Target"
        message = f"{prefix}-Hexagon of axon with the position [ 99 , {y} , {z} ] doesn't exist."
        return tokens, message, start
    if kind == "name":
        tokens[built.marks["outputs0"]] = ("identifier", model.inputs[0].name)
        name = model.inputs[0].name
        message = f"Name '{name}' is used by more than one input or output."
        return tokens, message, built.marks["outputs0"]
    start = built.marks["outputs_position0"]
    tokens[start] = unknown
    y, z = model.outputs[0].position[1:]
    return tokens, f"Hexagon with the position [ 99 , {y} , {z} ] doesn't exist.", start


@pytest.mark.parametrize("kind", SEMANTIC_BREAKS)
def test_one_semantic_fault_is_reported_at_its_token(kind: str) -> None:
    rng = random.Random(kind)
    for _ in range(40):
        built, model = random_template(rng)
        tokens, message, index = broken(built, model, kind)
        text, places = render(tokens, rng)
        error = refusal(text)
        assert error.message == message, text
        assert (error.line_number, error.position) == places[index], text


def mutate(tokens: list[Tok], rng: random.Random) -> list[Tok]:
    """The tokens with one token deleted, duplicated, swapped with the next or replaced."""
    tokens = list(tokens)
    index = rng.randrange(len(tokens))
    operation = rng.choice(["delete", "duplicate", "swap", "replace", "replace"])
    if operation == "delete":
        del tokens[index]
    elif operation == "duplicate":
        tokens.insert(index, tokens[index])
    elif operation == "swap" and index + 1 < len(tokens):
        tokens[index], tokens[index + 1] = tokens[index + 1], tokens[index]
    else:
        tokens[index] = rng.choice(POOL)
    return tokens


def outcome(text: str) -> ClusterTemplate | TemplateError:
    """The parsed template, or the error refusing it."""
    try:
        return parse_template(text)
    except TemplateError as error:
        return error


def test_single_token_mutations_are_refused_or_parse_consistently() -> None:
    rng = random.Random(1000)
    seen = {"refused": 0, "semantic": 0, "accepted": 0}
    for _ in range(600):
        built, _ = random_template(rng)
        tokens = mutate(built.tokens, rng)
        text, places = render(tokens, rng)
        grammatical = bool(ORACLE.fullmatch("".join(SYMBOLS[kind] for kind, _ in tokens)))
        result = outcome(text)
        if isinstance(result, ClusterTemplate):
            seen["accepted"] += 1
            assert grammatical, text
            assert parse_template(canonical(result)) == result
            continue
        seen["semantic" if grammatical else "refused"] += 1
        assert not grammatical or result.message not in LEXER_ERRORS, text
        lines = text.split("\n")
        assert 1 <= result.line_number <= len(lines)
        assert 1 <= result.position <= len(lines[result.line_number - 1]) + 1
        if result.message in LEXER_ERRORS:
            end = (len(lines), len(lines[-1]) + 1)
            assert (result.line_number, result.position) in {*places, end}, text
        assert result.describe().startswith(f"line {result.line_number}, position ")
        assert len({len(line) for line in result.report().splitlines()}) == 1
    assert min(seen.values()) > 0, seen


def test_keyword_kinds_are_not_confused_with_literals() -> None:
    base = "version: 1 settings: {} hexagons: 1,1,1 inputs: a: 1,1,1 outputs: b: 1,1,1 {} "
    assert refusal(base.format("neuron_cooldown: float", "")).message == "syntax error"
    assert refusal(base.format("refractory_time: 2", "(2.5)")).message == "syntax error"
    assert parse_template(base.format("neuron_cooldown: 2.5", "")).settings.neuron_cooldown == 2.5
