"""Dataset pages against the real embedded backend: list, detail with preview, delete, accuracy."""

from __future__ import annotations

import base64
import html
import re
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client

from hanami_client import Dataset, HanamiClient
from portal.datasets.models import Upload
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id
from tests.portal.test_datasets_upload import (
    CSV,
    T10K_IMAGES,
    T10K_LABELS,
    UPLOADS,
    backend_names,
    other_member_web,  # noqa: F401 - a fixture
    start,
)

PREFIX = unique_id("Pages")
DIGITS_NAME = f"{PREFIX} digits"
TABLE_NAME = f"{PREFIX} table"
RESULT_NAME = f"{PREFIX} result"
#: A table of 30 rows: x counts up, y down, z alternates.
TABLE_CSV = ("x,y,z\n" + "".join(f"{i},{30 - i},{i % 2}\n" for i in range(30))).encode()
DATA_PNG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
LABELS = T10K_LABELS.read_bytes()[8:]
CORRECT_ROWS = 900


def decode_png(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and gray levels of an 8-bit grayscale PNG without filters."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, width, height = 8, b"", 0, 0
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 0)
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    raw = zlib.decompress(data)
    lines = [raw[row * (width + 1) : (row + 1) * (width + 1)] for row in range(height)]
    assert all(line[0] == 0 for line in lines)
    return width, height, b"".join(line[1:] for line in lines)


def prediction(row: int, label: int) -> int:
    """The digit the result dataset predicts for a row: right for the first 900 rows."""
    return label if row < CORRECT_ROWS else (label + 1) % 10


def result_csv() -> bytes:
    """Ten score columns per t10k row; the highest score is the prediction, the others vary."""
    lines = [",".join(f"c{digit}" for digit in range(10))]
    for row, label in enumerate(LABELS):
        hit = prediction(row, label)
        scores = [
            "0.9" if digit == hit else f"0.{(row + digit) % 8}" if digit % 3 else "-1"
            for digit in range(10)
        ]
        lines.append(",".join(scores))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture(scope="module")
def digits(member_client: HanamiClient) -> Iterator[Dataset]:
    """The t10k sample, uploaded by the member."""
    dataset = member_client.datasets.upload_mnist(DIGITS_NAME, T10K_IMAGES, T10K_LABELS)
    yield dataset
    member_client.datasets.delete(dataset.uuid)


@pytest.fixture(scope="module")
def table(member_client: HanamiClient) -> Iterator[Dataset]:
    """A small CSV table, uploaded by the member."""
    dataset = member_client.datasets.upload_csv(TABLE_NAME, TABLE_CSV)
    yield dataset
    member_client.datasets.delete(dataset.uuid)


@pytest.fixture(scope="module")
def result(member_client: HanamiClient) -> Iterator[Dataset]:
    """Scores of the t10k rows whose argmax is right for the first 900 rows only."""
    dataset = member_client.datasets.upload_csv(RESULT_NAME, result_csv())
    yield dataset
    member_client.datasets.delete(dataset.uuid)


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


@pytest.fixture
def project_admin_web(web: str, backend_address: str, admin: Persona) -> Iterator[Client]:
    """A project administrator of alphaproj, the member's project."""
    user_id = unique_id("padmin")
    with HanamiClient(backend_address, admin.token) as hanami:
        hanami.users.create(user_id, "Project admin", "padmin-passphrase")
        hanami.users.add_project(user_id, "alphaproj", "member", is_project_admin=True)
        client = Client()
        assert sign_in_page(client, user_id, "padmin-passphrase").status_code == 302
        yield client
        hanami.users.delete(user_id)


def page(client: Client, path: str, **query: Any) -> str:
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


# --- list -------------------------------------------------------------------------------------


def test_navigation_offers_datasets_to_every_signed_in_user(member_web: Client) -> None:
    nav = re.search(r'<nav class="site-nav".*?</nav>', page(member_web, "/"), re.S)
    assert nav is not None
    assert 'href="/datasets/"' in nav.group(0)


def test_list_shows_rows_columns_and_size_of_each_dataset(
    member_web: Client, digits: Dataset, table: Dataset
) -> None:
    text = page(member_web, "/datasets/", q=PREFIX)
    assert re.search(rf"2 of \d+ datasets match “{PREFIX}”", text)
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"><a href=\"/datasets/{digits.uuid}/\">.*?</tr>", text, re.S
    )
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    description = (
        '{"picture":{"column_start":0,"column_end":784},'
        '"label":{"column_start":784,"column_end":794}}'
    )
    size = 4096 + len(description) + 1000 * 794
    assert [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells] == [
        "MNIST",
        digits.uuid,
        "memberuser",
        "alphaproj",
        "1000",
        "794",
        filesizeformat(size),
    ]
    assert f'href="/datasets/{table.uuid}/"' in text


def test_list_filters_by_type(member_web: Client, digits: Dataset, table: Dataset) -> None:
    mnist = page(member_web, "/datasets/type/mnist/", q=PREFIX)
    csv = page(member_web, "/datasets/type/csv/", q=PREFIX)
    assert DIGITS_NAME in mnist
    assert TABLE_NAME not in mnist
    assert TABLE_NAME in csv
    assert DIGITS_NAME not in csv
    assert re.search(r'<a href="/datasets/type/csv/\?q=\w+" aria-current="page">CSV</a>', csv)


def test_list_filters_by_owner(
    admin_web: Client, digits: Dataset, outsider: Persona, backend_address: str
) -> None:
    with HanamiClient(backend_address, outsider.token) as hanami:
        theirs = hanami.datasets.upload_csv(f"{PREFIX} outsider", CSV)
    try:
        everyone = page(admin_web, "/datasets/", q=PREFIX)
        members = page(admin_web, "/datasets/", q="memberuser")
        assert theirs.uuid in everyone
        assert digits.uuid in everyone
        assert theirs.uuid not in members
        assert re.search(r"\d+ of \d+ datasets match “memberuser”", members)
    finally:
        with HanamiClient(backend_address, outsider.token) as hanami:
            hanami.datasets.delete(theirs.uuid)


def test_htmx_filter_answers_only_the_table(member_web: Client, digits: Dataset) -> None:
    response = member_web.get("/datasets/", {"q": DIGITS_NAME}, **HTMX)
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="datasets-table"')
    assert "<html" not in text
    assert digits.uuid in text


def test_dataset_pages_have_no_inline_script_or_style(
    member_web: Client, digits: Dataset, table: Dataset, result: Dataset
) -> None:
    for path in [
        "/datasets/",
        "/datasets/type/mnist/",
        "/datasets/upload/",
        f"/datasets/accuracy/?result={result.uuid}&reference={digits.uuid}",
        f"/datasets/{digits.uuid}/",
        f"/datasets/{table.uuid}/",
        f"/datasets/{table.uuid}/delete/",
    ]:
        text = page(member_web, path)
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) is None, path
        assert "<style" not in text, path
        assert " style=" not in text, path
        assert re.search(r"\son[a-z]+=", text) is None, path
        assert "hx-on" not in text, path
    assert '<script src="/static/js/upload.js" defer>' in page(member_web, "/datasets/upload/")


# --- visibility -------------------------------------------------------------------------------


def test_outsider_neither_lists_nor_opens_a_dataset_of_another_project(
    outsider_web: Client, digits: Dataset, member_client: HanamiClient
) -> None:
    assert digits.uuid not in page(outsider_web, "/datasets/")
    assert outsider_web.get(f"/datasets/{digits.uuid}/").status_code == 404
    assert outsider_web.get(f"/datasets/{digits.uuid}/delete/").status_code == 404
    assert outsider_web.post(f"/datasets/{digits.uuid}/delete/").status_code == 404
    assert member_client.datasets.get(digits.uuid).name == DIGITS_NAME


def test_plain_member_does_not_see_another_members_dataset(
    other_member_web: Client,  # noqa: F811 - the imported fixture
    digits: Dataset,
) -> None:
    assert digits.uuid not in page(other_member_web, "/datasets/")
    assert other_member_web.get(f"/datasets/{digits.uuid}/").status_code == 404


def test_project_admin_sees_the_members_dataset_and_may_delete_it(
    project_admin_web: Client, digits: Dataset
) -> None:
    assert digits.uuid in page(project_admin_web, "/datasets/")
    detail = page(project_admin_web, f"/datasets/{digits.uuid}/")
    assert f'href="/datasets/{digits.uuid}/delete/"' in detail
    assert "Delete dataset “" in page(project_admin_web, f"/datasets/{digits.uuid}/delete/")


# --- detail -----------------------------------------------------------------------------------


def test_mnist_detail_shows_facts_ranges_and_the_first_48_digits(
    member_web: Client, digits: Dataset
) -> None:
    text = page(member_web, f"/datasets/{digits.uuid}/")
    assert f"Dataset “{DIGITS_NAME}”" in text
    for fact in ("MNIST", "memberuser", "alphaproj", "private", "1000", "794"):
        assert f"<dd>{fact}</dd>" in text
    ranges = re.findall(
        r'<tr><th scope="row">(\w+)</th><td class="number">(\d+)</td>'
        r'<td class="number">(\d+)</td><td class="number">(\d+)</td></tr>',
        text,
    )
    assert ranges == [("picture", "0", "784", "784"), ("label", "784", "794", "10")]

    pictures = DATA_PNG.findall(text)
    assert len(pictures) == 48
    images = T10K_IMAGES.read_bytes()
    for row in (0, 47):
        width, height, levels = decode_png(base64.b64decode(pictures[row]))
        assert (width, height) == (28, 28)
        assert levels == images[16 + row * 784 : 16 + (row + 1) * 784]
    alts = re.findall(r'alt="Row (\d+): a handwritten (\d)"', text)
    assert [(int(row), int(label)) for row, label in alts] == list(enumerate(LABELS[:48]))


def test_csv_detail_shows_the_first_rows_and_a_chart_per_column(
    member_web: Client, table: Dataset
) -> None:
    text = page(member_web, f"/datasets/{table.uuid}/")
    assert "<dd>CSV</dd>" in text
    assert "The first 20 of 30 rows." in text
    body = re.search(r'<table class="preview-table">.*?</table>', text, re.S).group(0)
    rows = re.findall(r"<tr><th scope=\"row\" class=\"number\">(\d+)</th>(.*?)</tr>", body)
    assert len(rows) == 20
    assert re.findall(r">([^<]*)</td>", rows[3][1]) == ["3", "27", "1"]
    assert text.count('<svg class="chart__svg"') == 3
    assert "Line chart of the first 30 values, from 0 to 29." in text
    assert "Line chart of the first 30 values, from 1 to 30." in text
    # Presentation attributes only: the CSP forbids inline styles.
    assert " style=" not in text
    assert "<style" not in text
    first_line = re.search(r'<polyline class="chart__line" points="([^"]+)"', text).group(1)
    points = [tuple(map(float, pair.split(","))) for pair in first_line.split()]
    assert len(points) == 30
    assert points[0][1] > points[-1][1]  # x rises: its line goes up to the right


def test_unfinished_upload_is_marked_and_can_be_continued(member_web: Client) -> None:
    name = unique_id("Half sent ")
    state = start(member_web, "csv", name, {"csv": CSV}).json()
    try:
        listing = page(member_web, "/datasets/", q=name)
        assert "Upload not finished" in listing
        detail = page(member_web, f"/datasets/{state['dataset_uuid']}/")
        assert "Upload not finished" in detail
        assert 'href="/datasets/upload/"' in detail
        upload_page = page(member_web, "/datasets/upload/")
        assert f'data-resume="{state["id"]}"' in upload_page
        assert name in upload_page
    finally:
        member_web.post(f"{UPLOADS}{state['id']}/cancel")


def test_unknown_dataset_gives_the_404_page(member_web: Client) -> None:
    response = member_web.get("/datasets/0badc0de-0000-4000-8000-000000000000/")
    assert response.status_code == 404


# --- delete -----------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes(
    member_web: Client, member_client: HanamiClient
) -> None:
    dataset = member_client.datasets.upload_csv(unique_id("Doomed "), CSV)
    detail = page(member_web, f"/datasets/{dataset.uuid}/")
    assert f'href="/datasets/{dataset.uuid}/delete/"' in detail
    confirm = page(member_web, f"/datasets/{dataset.uuid}/delete/")
    assert f"Delete dataset “{dataset.name}”?" in confirm
    assert dataset.uuid in confirm
    assert dataset.name in backend_names(member_web)

    response = member_web.post(f"/datasets/{dataset.uuid}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/datasets/"
    assert f"Dataset “{dataset.name}” deleted." in page(member_web, "/datasets/")
    assert dataset.name not in backend_names(member_web)


def test_delete_over_htmx_answers_hx_redirect(
    member_web: Client, member_client: HanamiClient
) -> None:
    dataset = member_client.datasets.upload_csv(unique_id("Doomed "), CSV)
    response = member_web.post(f"/datasets/{dataset.uuid}/delete/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/datasets/"
    assert dataset.name not in backend_names(member_web)


def test_deleting_an_unfinished_upload_forgets_it(member_web: Client) -> None:
    name = unique_id("Abandoned ")
    state = start(member_web, "csv", name, {"csv": CSV}).json()
    response = member_web.post(f"/datasets/{state['dataset_uuid']}/delete/")
    assert response.status_code == 302
    assert name not in backend_names(member_web)
    assert not Upload.objects.filter(pk=state["id"]).exists()


# --- accuracy ---------------------------------------------------------------------------------


def expected_matrix() -> list[list[int]]:
    matrix = [[0] * 10 for _ in range(10)]
    for row, label in enumerate(LABELS):
        matrix[label][prediction(row, label)] += 1
    return matrix


def test_accuracy_page_offers_the_visible_datasets(
    member_web: Client, digits: Dataset, result: Dataset
) -> None:
    text = page(member_web, "/datasets/accuracy/")
    for dataset in (digits, result):
        assert (
            f'<option value="{dataset.uuid}">{dataset.name} ({dataset.uuid[:8]})</option>' in text
        )


def test_accuracy_shows_the_rate_and_a_confusion_heat_map(
    member_web: Client, digits: Dataset, result: Dataset
) -> None:
    text = page(member_web, "/datasets/accuracy/", result=result.uuid, reference=digits.uuid)
    assert "90.00 %" in text
    assert "900 of 1000 rows predicted correctly" in text
    backend_check = re.search(r"<dt>The backend's own check</dt>\s*<dd>([^<]*)</dd>", text)
    assert backend_check is not None
    assert backend_check.group(1).strip() == "90.00 %"

    assert '<svg class="heat__svg"' in text
    title = f"Confusion matrix of “{RESULT_NAME}” against “{DIGITS_NAME}”"
    assert f'<title id="heat-title">{title}</title>' in text
    assert '<desc id="heat-desc">' in text
    assert text.count('class="heat__shade"') == 100
    matrix = expected_matrix()
    shown = {
        (int(actual), int(predicted)): int(count)
        for actual, predicted, count in re.findall(
            r"<title>True (\d), predicted (\d): (\d+) rows?</title>", text
        )
    }
    assert shown == {(a, p): matrix[a][p] for a in range(10) for p in range(10)}
    assert text.count('class="heat__diagonal"') == 10
    assert " style=" not in text
    assert "<style" not in text


def test_accuracy_over_htmx_answers_the_comparison_partial(
    member_web: Client, digits: Dataset, result: Dataset
) -> None:
    query = {"result": result.uuid, "reference": digits.uuid}
    text = member_web.get("/datasets/accuracy/", query, **HTMX).content.decode()
    assert text.lstrip().startswith('<div id="comparison"')
    assert "90.00 %" in text


def test_accuracy_against_a_reference_without_labels_is_explained(
    member_web: Client, table: Dataset, result: Dataset
) -> None:
    response = member_web.get(
        "/datasets/accuracy/", {"result": result.uuid, "reference": table.uuid}
    )
    assert response.status_code == 422
    assert (
        f"“{TABLE_NAME}” has no label column of 10 values: choose a labelled MNIST dataset"
        in response.content.decode()
    )


def test_accuracy_of_a_result_with_too_few_columns_is_explained(
    member_web: Client, digits: Dataset, table: Dataset
) -> None:
    response = member_web.get(
        "/datasets/accuracy/", {"result": table.uuid, "reference": digits.uuid}
    )
    assert response.status_code == 422
    assert "has 3 readable result columns at its start; the comparison needs 10" in (
        response.content.decode()
    )
