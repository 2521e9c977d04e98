"""Prepare a data dir for serving: key file, database, folders, policy, routes, the first admin,
the host uuid; the measurement sampler is made here and started by `serve`."""

from __future__ import annotations

import sqlite3

from hanami_server.api import ROUTERS
from hanami_server.auth import encode_b64, hash_passphrase, load_or_create_key
from hanami_server.config import ADMIN_ENV, Config, read_admin_seed
from hanami_server.db import Database, SchemaTooNew
from hanami_server.measure.host import load_or_create_host_uuid
from hanami_server.measure.machine import Machine
from hanami_server.measure.sampler import Sampler
from hanami_server.policy import default_policy
from hanami_server.routing import Routes
from hanami_server.state import ServerState
from hanami_server.store.checkpoints import live_checkpoint_uuids
from hanami_server.store.clusters import live_cluster_uuids
from hanami_server.store.datasets import live_dataset_uuids
from hanami_server.store.tasks import abort_unfinished
from hanami_server.store.tempfiles import open_tempfile_uuids
from hanami_server.store.users import admin_exists, create_user
from hanami_server.tasks.registry import Runtimes
from hanami_server.tempfiles import Attachments
from hanami_server.validation import ID_EXT_PATTERN, NAME_PATTERN, string, validate

BOOTSTRAP_CREATOR = "HANAMI_INIT"
HOST_UUID_FILE = "host.uuid"
_SEED_FIELDS = {
    "HANAMI_ADMIN_USER_ID": string(ID_EXT_PATTERN, 4, 254),
    "HANAMI_ADMIN_USER_NAME": string(NAME_PATTERN, 4, 254),
}
# The wire allows 8..4096 base64 characters, which is 4..3072 bytes of clear passphrase.
_PASSPHRASE_BYTES = (4, 3072)


class StartupError(Exception):
    """The server cannot start; the text is the one line shown to the operator."""


def prepare(config: Config) -> ServerState:
    """Create what is missing in the data dir and return the state the app serves from."""
    try:
        config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        db = Database(config.db_path)
        prepare_storage(config, db)
        token_key = load_or_create_key(config.token_key_path)
        host_uuid = load_or_create_host_uuid(config.data_dir / HOST_UUID_FILE)
    except SchemaTooNew as error:
        raise StartupError(str(error)) from error
    except (OSError, sqlite3.Error) as error:
        raise StartupError(f"cannot use the data dir {config.data_dir}: {error}") from error
    ensure_admin(db)
    return ServerState(
        config=config,
        db=db,
        token_key=token_key,
        policy=default_policy(),
        routes=Routes(ROUTERS),
        uploads=Attachments(),
        runtimes=Runtimes(db, config),
        host_uuid=host_uuid,
        sampler=Sampler(Machine()),
    )


def prepare_storage(config: Config, db: Database) -> None:
    """Create the dataset, temp-file, network-state and checkpoint folders; remove what an
    interrupted run left behind there: half-written files and files no live row refers to.
    Tasks that were queued or active when the last run ended now read `aborted`."""
    live = {
        config.datasets_dir: set(live_dataset_uuids(db)),
        config.tempfiles_dir: set(open_tempfile_uuids(db)),
        config.clusters_dir: {f"{uuid}.npz" for uuid in live_cluster_uuids(db)},
        config.checkpoints_dir: set(live_checkpoint_uuids(db)),
    }
    for directory in live:
        directory.mkdir(exist_ok=True, mode=0o700)
    for directory, names in live.items():
        for path in directory.iterdir():
            if path.name not in names:
                path.unlink()
    abort_unfinished(db)


def ensure_admin(db: Database) -> None:
    """Create the first admin from the environment when no admin exists."""
    if admin_exists(db):
        return
    seed = read_admin_seed()
    if seed is None:
        raise StartupError(
            "no admin user exists yet: set " + ", ".join(ADMIN_ENV) + " to create the first one"
        )
    values = {"HANAMI_ADMIN_USER_ID": seed.user_id, "HANAMI_ADMIN_USER_NAME": seed.name}
    problem = validate(values, _SEED_FIELDS)
    low, high = _PASSPHRASE_BYTES
    if not problem and not low <= len(seed.passphrase.encode()) <= high:
        problem = f"HANAMI_ADMIN_PASSPHRASE must be {low} to {high} bytes long"
    if problem:
        raise StartupError(f"cannot create the first admin: {problem}")
    b64_passphrase = encode_b64(seed.passphrase)
    created = create_user(
        db,
        user_id=seed.user_id,
        name=seed.name,
        passphrase_hash=hash_passphrase(b64_passphrase),
        is_admin=True,
        creator_id=BOOTSTRAP_CREATOR,
    )
    if created is None:
        raise StartupError(
            f"cannot create the first admin: a user with id '{seed.user_id}' already exists"
        )
