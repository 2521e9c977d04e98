"""`python -m hanami_server --port PORT --data-dir DIR [--host HOST] [--tempfile-timeout MIN]`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hanami_server.bootstrap import StartupError, prepare
from hanami_server.config import (
    DEFAULT_DATA_DIR,
    DEFAULT_HOST,
    DEFAULT_PORT,
    TEMPFILE_TIMEOUT_ENV,
    Config,
    read_tempfile_timeout,
)

logger = logging.getLogger("hanami_server")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m hanami_server", description="The embedded OpenHanami backend."
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port (REST + websocket)"
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="interface to listen on")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where data is kept"
    )
    parser.add_argument(
        "--tempfile-timeout",
        type=_positive_minutes,
        default=None,
        metavar="MINUTES",
        help=f"purge upload temp files idle this long (default ${TEMPFILE_TIMEOUT_ENV} or 10)",
    )
    return parser.parse_args(argv)


def _positive_minutes(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number of minutes")
    return value


def main(argv: list[str] | None = None) -> int:
    """Prepare the data dir, then serve until SIGTERM/SIGINT."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("daphne").setLevel(logging.WARNING)
    try:
        timeout = args.tempfile_timeout or read_tempfile_timeout()
    except ValueError:
        print(f"hanami_server: {TEMPFILE_TIMEOUT_ENV} must be a number of minutes", file=sys.stderr)
        return 1
    config = Config(
        data_dir=args.data_dir.resolve(),
        host=args.host,
        port=args.port,
        tempfile_timeout_minutes=timeout,
    )
    try:
        state = prepare(config)
    except StartupError as error:
        print(f"hanami_server: {error}", file=sys.stderr)
        return 1
    from hanami_server.serve import serve  # imports daphne, which installs the twisted reactor

    return serve(state)


if __name__ == "__main__":
    sys.exit(main())
