"""Form pieces shared by every page: the backend's field rules and backend errors on a form."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from hanami_client import BadRequest, Conflict, NotFound
from hanami_client.rules import ID_EXT_RE, ID_LENGTH, ID_RE, NAME_LENGTH, NAME_RE


class PortalFormRenderer(TemplatesSetting):
    """Renders every field through templates/components/field.html."""

    field_template_name = "components/field.html"


class RuleField(forms.CharField):
    """A text field checked against one of the backend's regexes and byte-length limits."""

    def __init__(
        self, *, pattern: re.Pattern[str], limits: tuple[int, int], rule: str, **kwargs: object
    ) -> None:
        self.pattern = pattern
        self.limits = limits
        self.rule = rule
        kwargs.setdefault("strip", True)
        kwargs.setdefault("help_text", f"{limits[0]} to {limits[1]} characters: {rule}.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def validate(self, value: str) -> None:
        super().validate(value)
        if not value:
            return
        lowest, highest = self.limits
        size = len(value.encode())
        if size < lowest:
            raise ValidationError(
                f"Too short: use at least {lowest} characters (this has {size}).", code="short"
            )
        if size > highest:
            raise ValidationError(
                f"Too long: use at most {highest} characters (this has {size}).", code="long"
            )
        if not self.pattern.fullmatch(value):
            raise ValidationError(f"Not allowed here: use {self.rule}.", code="pattern")


def id_field(**kwargs: object) -> RuleField:
    """A project id or role name: a letter, then letters, digits and _."""
    return RuleField(
        pattern=ID_RE, limits=ID_LENGTH, rule="a letter, then letters, digits or _", **kwargs
    )


def user_id_field(**kwargs: object) -> RuleField:
    """A user id: a letter, then letters, digits, _ and @."""
    return RuleField(
        pattern=ID_EXT_RE, limits=ID_LENGTH, rule="a letter, then letters, digits, _ or @", **kwargs
    )


def name_field(**kwargs: object) -> RuleField:
    """A display name: a letter, then letters, digits, _, - and spaces."""
    return RuleField(
        pattern=NAME_RE,
        limits=NAME_LENGTH,
        rule="a letter, then letters, digits, spaces, _ or -",
        **kwargs,
    )


class ConfirmForm(forms.Form):
    """The confirmation of a deletion: no fields, only a place for the backend's refusal."""


def send_form(
    form: forms.Form,
    operation: Callable[..., object],
    *args: object,
    conflict_field: str | None = None,
    **kwargs: object,
) -> bool:
    """Run a backend operation for a valid form; a refusal (400/404/409) becomes a form error."""
    try:
        operation(*args, **kwargs)
    except Conflict as error:
        form.add_error(conflict_field, error.message or "This conflicts with what already exists.")
        return False
    except (BadRequest, NotFound) as error:
        form.add_error(None, error.message or "The backend refused this input.")
        return False
    return True
