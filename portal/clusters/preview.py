"""What the template editor shows for a text: its picture, or where and why it is refused."""

from __future__ import annotations

from dataclasses import dataclass

from hanami_client.template import ClusterTemplate, TemplateError, parse_template
from portal.clusters.drawing import PictureTooLarge, TemplatePicture, draw_template
from portal.clusters.services import MAX_TEMPLATE_CHARS

__all__ = ["Preview", "Problem", "problem_of", "template_preview"]


@dataclass(frozen=True)
class Problem:
    """A refusal of the grammar, with its line cut around the broken part for marking."""

    message: str
    line_number: int
    position: int
    length: int
    before: str
    broken: str
    after: str

    @property
    def describe(self) -> str:
        """``line 3, position 5: <message>``."""
        return f"line {self.line_number}, position {self.position}: {self.message}"


@dataclass(frozen=True)
class Preview:
    """The editor's preview: nothing typed yet, a refusal, or the parsed template and picture."""

    text: str
    problem: Problem | None = None
    template: ClusterTemplate | None = None
    picture: TemplatePicture | None = None
    note: str = ""

    @property
    def line_numbers(self) -> range:
        """The editor's line numbers: one per line, and one after a final line break."""
        return range(1, self.text.count("\n") + 2)

    @property
    def empty(self) -> bool:
        """True when there is nothing but white space to show."""
        return not self.text.strip()


def problem_of(error: TemplateError) -> Problem:
    """The refusal with its line split into the text before, the broken part and the rest."""
    start = error.position - 1
    line = error.line_text
    end = start + error.length
    return Problem(
        message=error.message,
        line_number=error.line_number,
        position=error.position,
        length=error.length,
        before=line[:start],
        broken=line[start:end],
        after=line[end:],
    )


def template_preview(text: str) -> Preview:
    """Parse the (LF-normalised) text and draw it, or say where the grammar refuses it."""
    if not text.strip():
        return Preview(text)
    if len(text) > MAX_TEMPLATE_CHARS:
        return Preview(text, note=f"The template is longer than {MAX_TEMPLATE_CHARS:,} characters.")
    try:
        template = parse_template(text)
    except TemplateError as error:
        return Preview(text, problem=problem_of(error))
    try:
        return Preview(text, template=template, picture=draw_template(template))
    except PictureTooLarge as reason:
        return Preview(text, template=template, note=str(reason))
