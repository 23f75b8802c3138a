"""`case-mcp` with a bad setting: one line naming the variable or flag and what it must be."""

from __future__ import annotations

from pathlib import Path

import pytest

from case_mcp.cli import main

# The shape of a Datadog API key: what a hurried operator pastes into the wrong variable.
PASTED_KEY = "0123456789abcdef0123456789abcdef"
SIGNING_SECRET = "the-signing-secret-of-the-whole-fleet"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches a real Datadog, and no setting of the machine running them leaks in."""
    for name in (
        "DD_API_KEY",
        "DD_APP_KEY",
        "DD_APPLICATION_KEY",
        "DD_SITE",
        "CASE_MCP_ACCESS_TOKEN",
        "CASE_MCP_BASE_URL",
        "CASE_MCP_WORKERS",
        "CASE_MCP_PORT",
        "CASE_MCP_CONFIRM_TTL",
        "CASE_MCP_SECRET",
        "CASE_MCP_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)


def serve(capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    status = main(["serve", *flags])
    out, err = capsys.readouterr()
    assert out == ""  # stdout is the protocol's, even when start-up fails
    return status, err


@pytest.mark.parametrize(
    ("variable", "value", "flags", "message"),
    [
        (
            "CASE_MCP_WORKERS",
            "abc",
            ["--transport", "http"],
            "CASE_MCP_WORKERS must be a whole number from 1 to 64",
        ),
        (
            "CASE_MCP_CONFIRM_TTL",
            "abc",
            [],
            "CASE_MCP_CONFIRM_TTL must be a number greater than 0",
        ),
        (
            "CASE_MCP_CONFIRM_MODE",
            "ask",
            [],
            "CASE_MCP_CONFIRM_MODE must be one of 'auto', 'elicit', 'token'",
        ),
        (
            "CASE_MCP_READ_ONLY",
            "maybe",
            [],
            "CASE_MCP_READ_ONLY must be true or false (1/0, yes/no, on/off)",
        ),
    ],
)
def test_a_bad_variable_is_named_with_what_it_must_be(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variable: str,
    value: str,
    flags: list[str],
    message: str,
) -> None:
    """A value from the environment is blamed on its variable, with the form it must take."""
    monkeypatch.setenv(variable, value)

    status, err = serve(capsys, "--sandbox-db", str(tmp_path / "cases.db"), *flags)

    assert (status, err) == (2, f"case-mcp: Invalid configuration: {message}\n")


def test_a_bad_flag_is_named_as_the_flag_even_when_its_variable_is_fine(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flag wins over its variable, so the flag is what the message tells the user to fix."""
    monkeypatch.setenv("CASE_MCP_PORT", "8000")

    status, err = serve(capsys, "--sandbox", "--transport", "http", "--port", "70000")

    assert (status, err) == (
        2,
        "case-mcp: Invalid configuration: --port must be a whole number from 0 to 65535\n",
    )


def test_every_bad_value_is_named_in_the_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two bad settings are reported together, so one fix-and-retry round is enough."""
    monkeypatch.setenv("CASE_MCP_WORKERS", "0")

    status, err = serve(
        capsys, "--sandbox-db", str(tmp_path / "cases.db"), "--transport", "http", "--port", "-1"
    )

    assert (status, err) == (
        2,
        "case-mcp: Invalid configuration: --port must be a whole number from 0 to 65535; "
        "CASE_MCP_WORKERS must be a whole number from 1 to 64\n",
    )


@pytest.mark.parametrize(
    ("variable", "named"),
    [
        ("CASE_MCP_TIMEOUT", "CASE_MCP_TIMEOUT must be a number greater than 0"),
        ("CASE_MCP_RETRY_ATTEMPTS", "CASE_MCP_RETRY_ATTEMPTS must be a whole number from 1 to 20"),
        ("CASE_MCP_CONFIRM_TTL", "CASE_MCP_CONFIRM_TTL must be a number greater than 0"),
        ("DD_SITE", "Unknown DD_SITE. Valid sites:"),
    ],
)
def test_a_key_pasted_into_the_wrong_variable_is_never_repeated(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    named: str,
) -> None:
    """An API key in a number's or the site's variable is named as a mistake, never echoed."""
    monkeypatch.setenv("DD_API_KEY", "a-real-api-key")
    monkeypatch.setenv("DD_APP_KEY", "a-real-application-key")
    monkeypatch.setenv("CASE_MCP_SECRET", SIGNING_SECRET)
    monkeypatch.setenv(variable, PASTED_KEY)

    status, err = serve(capsys)

    assert status == 2
    assert named in err
    for secret in (
        PASTED_KEY,
        "a-real-api-key",
        "a-real-application-key",
        SIGNING_SECRET,
    ):
        assert secret not in err


@pytest.mark.parametrize("secret", ["a", "x" * 31, "  " + "x" * 30 + "  "])
def test_a_short_secret_is_refused_without_repeating_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    """CASE_MCP_SECRET signs tokens and seals request state: one of under 32 characters
    could be guessed from one token, so the server does not start, and says what it takes."""
    monkeypatch.setenv("CASE_MCP_SECRET", secret)

    status, err = serve(capsys, "--sandbox")

    assert (status, err) == (
        2,
        "case-mcp: Invalid configuration: CASE_MCP_SECRET is invalid: it must be at least 32 "
        "characters long (generate one with `python -c 'import secrets; "
        "print(secrets.token_urlsafe(32))'`)\n",
    )
