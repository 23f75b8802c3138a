"""A sandbox file that cannot be used: one line naming the flag and what to fix, exit 2.

The three commands that take a sandbox file (`serve --sandbox-db`, `call --sandbox-db` and
`sandbox --db`) open it in one place, so each bad path is tried with each of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from case_mcp.cli import main

COMMANDS = {
    "serve": ["serve", "--sandbox", "--sandbox-db"],
    "call": ["call", "list_projects", "--sandbox-db"],
    "sandbox": ["sandbox", "--db"],
}

# No setting of the machine running the tests leaks in.
pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.fixture
def unwritable_directory(tmp_path: Path) -> Path:
    """A directory in which this process may not create a file."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked
    # Permissions do not stop root; sysfs refuses new files to everyone.
    if not Path("/sys/kernel").is_dir():
        pytest.skip("running as root on a system without /sys: no directory refuses root")
    return Path("/sys/kernel")


def refusal(capsys: pytest.CaptureFixture[str], command: str, path: Path) -> tuple[int, str]:
    status = main([*COMMANDS[command], str(path)])
    out, err = capsys.readouterr()
    assert out == ""
    return status, err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_in_a_missing_directory_names_the_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """A path whose directory does not exist says which directory to create."""
    path = tmp_path / "no" / "such" / "x.db"

    status, err = refusal(capsys, command, path)

    flag = COMMANDS[command][-1]
    assert (status, err) == (
        2,
        f"case-mcp: {flag} {path} cannot be created: the directory {path.parent} does not "
        "exist (create it, or choose a file in a directory that does)\n",
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_given_as_the_file_suggests_a_file_in_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """A directory is not mistaken for a database: the message offers a file inside it."""
    status, err = refusal(capsys, command, tmp_path)

    flag = COMMANDS[command][-1]
    assert (status, err) == (
        2,
        f"case-mcp: {flag} {tmp_path} is a directory; give a file path, such as "
        f"{tmp_path / 'sandbox.db'}\n",
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_that_cannot_be_written_says_why(
    capsys: pytest.CaptureFixture[str], unwritable_directory: Path, command: str
) -> None:
    """A place the process may not write to is named with the system's reason."""
    path = unwritable_directory / "x.db"

    status, err = refusal(capsys, command, path)

    flag = COMMANDS[command][-1]
    assert status == 2
    assert err.startswith(f"case-mcp: {flag} {path} cannot be created or written (")
    assert err.endswith("); choose a file in a directory you can write to\n")
    assert len(err.splitlines()) == 1
    assert not path.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_that_is_no_database_is_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """Someone's notes given by mistake are refused and not overwritten."""
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100)

    status, err = refusal(capsys, command, path)

    flag = COMMANDS[command][-1]
    assert (status, err) == (
        2,
        f"case-mcp: {flag} {path} is not a SQLite database (file is not a database); point "
        "the sandbox at a new file or delete this one if it is an old sandbox file\n",
    )
    assert path.read_text() == "shopping list\n" * 100
