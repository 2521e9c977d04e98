"""Settings: environment readers, production settings refusing to start, check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.core.env import env_bool, env_int, env_list, env_str

REPO = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings_production",
    "DJANGO_SECRET_KEY": "x7#Vq9!pL2@rT5$wZ8^bN1&mK4*hJ6(fD3)sA0-gY_eU+iO=cR~tW`xQ" * 2,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal@db.example.org:5432/portal",
}
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def run_manage(*args: str, env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    full_env = {**clean, "PORTAL_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV, data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
    assert not list(tmp_path.iterdir()), "production settings wrote into the data dir"


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without(missing: str, tmp_path: Path) -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env, data_dir=tmp_path)
    assert result.returncode != 0
    assert f"Set the environment variable {missing} (or {missing}_FILE)" in result.stderr


def test_production_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(PRODUCTION_ENV["DJANGO_SECRET_KEY"] + "\n")
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = str(key_file)
    data_dir = tmp_path / "data"
    result = run_manage("check", "--deploy", env=env, data_dir=data_dir)
    assert result.returncode == 0, result.stderr


def test_development_settings_generate_and_keep_a_secret_key(tmp_path: Path) -> None:
    first = run_manage("shell", "--no-imports", "-c", PRINT_KEY, env={}, data_dir=tmp_path)
    second = run_manage("shell", "--no-imports", "-c", PRINT_KEY, env={}, data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    key_file = tmp_path / "secret-key"
    assert key_file.read_text().strip() == first.stdout.strip()
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_env_bool_reads_words_and_refuses_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_FLAG", "Yes")
    assert env_bool("PORTAL_FLAG", False) is True
    monkeypatch.setenv("PORTAL_FLAG", "off")
    assert env_bool("PORTAL_FLAG", True) is False
    monkeypatch.delenv("PORTAL_FLAG")
    assert env_bool("PORTAL_FLAG", True) is True
    monkeypatch.setenv("PORTAL_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_FLAG='maybe' is not a boolean"):
        env_bool("PORTAL_FLAG", True)


def test_env_int_and_env_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_NUMBER", "42")
    assert env_int("PORTAL_NUMBER", 1) == 42
    monkeypatch.setenv("PORTAL_NUMBER", "4.2")
    with pytest.raises(ImproperlyConfigured, match="is not an integer"):
        env_int("PORTAL_NUMBER", 1)
    monkeypatch.setenv("PORTAL_ITEMS", " a, b ,,c ")
    assert env_list("PORTAL_ITEMS") == ["a", "b", "c"]
    assert env_list("PORTAL_NO_ITEMS", []) == []


def test_env_str_reads_a_file_and_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("PORTAL_SECRET_FILE", str(secret))
    assert env_str("PORTAL_SECRET") == "from-a-file"
    monkeypatch.setenv("PORTAL_SECRET", "from-the-variable")
    assert env_str("PORTAL_SECRET") == "from-the-variable"
    monkeypatch.setenv("PORTAL_OTHER_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("PORTAL_OTHER")
    with pytest.raises(ImproperlyConfigured, match="Set the environment variable PORTAL_NONE"):
        env_str("PORTAL_NONE")
