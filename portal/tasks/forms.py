"""The train and request forms: a name plus items (dataset column ↔ hexagon) in formsets.

A form knows the visible datasets, the columns of the chosen one (the column select follows
the dataset select through htmx) and the cluster's hexagon names when the portal has its
template; otherwise the hexagon is typed. Items can be added and removed before sending.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django import forms
from django.forms import BaseFormSet, formset_factory

from hanami_client import TaskInput, TaskResult
from hanami_client.rules import NAME_RE
from portal.core.forms import RuleField, name_field
from portal.tasks.selectors import ColumnLookup

__all__ = [
    "ITEM_LIMIT",
    "EvaluationForm",
    "ItemForm",
    "ItemGroup",
    "Kind",
    "ResultForm",
    "TaskForms",
    "TaskNameForm",
    "build_task_forms",
    "preferred_column",
]

Kind = Literal["train", "request"]
Role = Literal["input", "output", "result"]

#: The most items of one kind a form offers.
ITEM_LIMIT = 8
#: The column an item starts with when its dataset has it (MNIST: pictures in, labels out).
PREFERRED_COLUMNS: dict[str, str] = {"input": "picture", "output": "label"}
#: Which item field a backend refusal is about, by a word of its message.
REFUSAL_FIELDS = (("hexagon", "hexagon"), ("colum", "column"), ("uuid", "dataset"))
QUOTED = re.compile(r"'([^']*)'")


def preferred_column(role: str, columns: Sequence[str]) -> str:
    """The column an item of this role starts with: its usual MNIST column, else the first."""
    preferred = PREFERRED_COLUMNS.get(role)
    if preferred in columns:
        return preferred
    return columns[0] if columns else ""


def hexagon_field(names: list[str] | None, role: Role) -> forms.Field:
    """A select of the template's hexagons of this role, or a text field when unknown."""
    kind = "input" if role == "input" else "output"
    if names is None:
        return forms.CharField(
            label="Hexagon",
            max_length=254,
            help_text=f"The portal does not know this cluster's template: type the name of an "
            f"{kind} of it.",
        )
    return forms.ChoiceField(
        label="Hexagon", choices=[(name, name) for name in names], help_text=f"An {kind} of it."
    )


class TaskNameForm(forms.Form):
    """The task's name."""

    name = name_field(label="Task name")


class ItemForm(forms.Form):
    """One input (or, training, expected output): a dataset column and a hexagon of the cluster."""

    dataset = forms.ChoiceField(label="Dataset")
    column = forms.ChoiceField(label="Column")

    def __init__(
        self,
        *args: Any,
        role: Role,
        datasets: list[tuple[str, str]],
        columns_of: ColumnLookup,
        hexagons: list[str] | None,
        columns_url: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "Choose a dataset…"), *datasets]
        chosen = self["dataset"].value()
        known = chosen in {uuid for uuid, _ in datasets}
        self.fields["column"].choices = (
            [(name, name) for name in columns_of(chosen)] if known else []
        )
        self.fields["hexagon"] = hexagon_field(hexagons, role)
        # Choosing a dataset reloads the column options (the dependent select).
        self.fields["dataset"].widget.attrs.update(
            {
                "hx-get": columns_url,
                "hx-trigger": "change",
                "hx-target": f"#{self['column'].auto_id}",
                "hx-swap": "innerHTML",
                "hx-vals": f'{{"role": "{role}"}}',
            }
        )

    def item(self) -> TaskInput:
        """The cleaned item for the client."""
        data = self.cleaned_data
        return TaskInput(data["dataset"], data["column"], data["hexagon"])


class ResultForm(forms.Form):
    """One result of a request: an output hexagon into a column of the result dataset."""

    column = RuleField(
        pattern=NAME_RE,
        limits=(1, 254),
        rule="a letter, then letters, digits, spaces, _ or -",
        label="Result column",
        help_text="The name of its column in the result dataset.",
    )

    def __init__(self, *args: Any, hexagons: list[str] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hexagon"] = hexagon_field(hexagons, "result")
        self.order_fields(["hexagon", "column"])

    def item(self) -> TaskResult:
        """The cleaned result for the client."""
        return TaskResult(self.cleaned_data["column"], self.cleaned_data["hexagon"])


ItemFormSet = formset_factory(
    ItemForm, extra=0, min_num=1, max_num=ITEM_LIMIT, validate_min=True, validate_max=True
)
ResultFormSet = formset_factory(
    ResultForm, extra=0, min_num=1, max_num=ITEM_LIMIT, validate_min=True, validate_max=True
)


@dataclass(frozen=True)
class ItemGroup:
    """A formset of items as the page shows it: its legend and what one item is called."""

    formset: BaseFormSet
    legend: str
    noun: str
    article: str

    @property
    def can_add(self) -> bool:
        """Whether one more item is allowed."""
        return self.formset.total_form_count() < ITEM_LIMIT


@dataclass
class TaskForms:
    """A whole train or request form: the name and two formsets of items."""

    kind: Kind
    main: TaskNameForm
    inputs: BaseFormSet
    second: BaseFormSet

    @property
    def sets(self) -> tuple[BaseFormSet, BaseFormSet]:
        """The input items, then the outputs (train) or results (request)."""
        return self.inputs, self.second

    @property
    def groups(self) -> list[ItemGroup]:
        """The formsets with the words the page uses for them."""
        second = (
            ItemGroup(self.second, "Expected outputs", "output", "an")
            if self.kind == "train"
            else ItemGroup(self.second, "Results", "result", "a")
        )
        return [ItemGroup(self.inputs, "Inputs", "input", "an"), second]

    def is_valid(self) -> bool:
        """Whether the name and every item are valid (all are checked, for all errors at once)."""
        checks = [self.main.is_valid(), self.inputs.is_valid(), self.second.is_valid()]
        return all(checks)

    def attach_refusal(self, message: str) -> None:
        """Show a backend refusal at the item fields it names, or above the form."""
        lowered = message.lower()
        field = next((f for word, f in REFUSAL_FIELDS if word in lowered), None)
        named = set(QUOTED.findall(message))
        marked = False
        if field is not None and named:
            for formset in self.sets:
                for form in formset.forms:
                    if field in form.fields and form.cleaned_data.get(field) in named:
                        form.add_error(field, message)
                        marked = True
        if not marked:
            self.main.add_error(None, message)


def _defaults(
    role: Role, count: int, hexagons: list[str] | None, dataset: str, columns: list[str]
) -> list[dict[str, str]]:
    """The starting items: one per hexagon of the role (at least one), on the first dataset."""
    names = hexagons or [""]
    items = []
    for index in range(max(count, 1)):
        hexagon = names[index] if index < len(names) else names[0]
        if role == "result":
            items.append({"hexagon": hexagon, "column": hexagon if hexagon else "result"})
        else:
            items.append(
                {"dataset": dataset, "column": preferred_column(role, columns), "hexagon": hexagon}
            )
    return items


def _posted(data: Mapping[str, Any], prefix: str, fields: Sequence[str]) -> list[dict[str, str]]:
    """The items as they were sent, for showing the form again with one more or one fewer."""
    try:
        count = int(data.get(f"{prefix}-TOTAL_FORMS", "1"))
    except ValueError:
        count = 1
    count = min(max(count, 1), ITEM_LIMIT)
    return [
        {field: str(data.get(f"{prefix}-{index}-{field}", "")) for field in fields}
        for index in range(count)
    ]


def build_task_forms(
    kind: Kind,
    *,
    data: Mapping[str, Any] | None,
    datasets: list[tuple[str, str]],
    columns_of: ColumnLookup,
    hexagons: tuple[list[str], list[str]] | None,
    columns_url: str,
) -> TaskForms:
    """The form of a kind: empty with good defaults, as sent, or edited (an item added/removed).

    ``data`` with ``add`` (a formset prefix) or ``remove`` (an item prefix) is an edit: the form
    comes back unbound with the items sent, plus or minus one, and no errors yet.
    """
    inputs_names, outputs_names = hexagons if hexagons is not None else (None, None)
    # Both forms share a page: the kind keeps their field names and ids apart.
    inputs_prefix = f"{kind}-inputs"
    second_prefix = f"{kind}-outputs" if kind == "train" else f"{kind}-results"
    item_kwargs = {"datasets": datasets, "columns_of": columns_of, "columns_url": columns_url}
    input_kwargs = {**item_kwargs, "role": "input", "hexagons": inputs_names}
    if kind == "train":
        second_class, second_kwargs = (
            ItemFormSet,
            {**item_kwargs, "role": "output", "hexagons": outputs_names},
        )
        second_fields: tuple[str, ...] = ("dataset", "column", "hexagon")
    else:
        second_class, second_kwargs = ResultFormSet, {"hexagons": outputs_names}
        second_fields = ("hexagon", "column")

    editing = data is not None and ("add" in data or "remove" in data)
    if data is not None and not editing:
        return TaskForms(
            kind,
            TaskNameForm(data, prefix=kind),
            ItemFormSet(data, prefix=inputs_prefix, form_kwargs=input_kwargs),
            second_class(data, prefix=second_prefix, form_kwargs=second_kwargs),
        )

    if editing:
        assert data is not None
        initial_inputs = _posted(data, inputs_prefix, ("dataset", "column", "hexagon"))
        initial_second = _posted(data, second_prefix, second_fields)
        _edit(data, {inputs_prefix: initial_inputs, second_prefix: initial_second})
        name_initial = {"name": data.get(f"{kind}-name", "")}
    else:
        first = datasets[0][0] if datasets else ""
        columns = columns_of(first) if first else []
        initial_inputs = _defaults("input", len(inputs_names or []), inputs_names, first, columns)
        second_role: Role = "output" if kind == "train" else "result"
        initial_second = _defaults(
            second_role, len(outputs_names or []), outputs_names, first, columns
        )
        name_initial = {}
    return TaskForms(
        kind,
        TaskNameForm(prefix=kind, initial=name_initial),
        ItemFormSet(prefix=inputs_prefix, initial=initial_inputs, form_kwargs=input_kwargs),
        second_class(prefix=second_prefix, initial=initial_second, form_kwargs=second_kwargs),
    )


def _edit(data: Mapping[str, Any], items: dict[str, list[dict[str, str]]]) -> None:
    """Add an item to the formset named by ``add`` or drop the item named by ``remove``."""
    added = data.get("add")
    if added in items and len(items[added]) < ITEM_LIMIT:
        items[added].append(dict(items[added][-1]))
    removed = str(data.get("remove", ""))
    prefix, _, index = removed.rpartition("-")
    if prefix in items and index.isdigit() and len(items[prefix]) > 1:
        del items[prefix][min(int(index), len(items[prefix]) - 1)]


class EvaluationForm(forms.Form):
    """The labelled dataset a request task's results are compared with."""

    reference = forms.ChoiceField(
        label="Labelled dataset",
        help_text="An MNIST dataset whose rows are the task's inputs: its labels say which "
        "digit each row is.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].choices = [("", "Choose a dataset…"), *choices]
