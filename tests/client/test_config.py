"""Settings from the environment: sites, base URL override, credentials, and their secrecy."""

from __future__ import annotations

import pytest

from case_mcp.config import SITES, Settings
from case_mcp.errors import ConfigurationError
from fake_datadog import ACCESS_TOKEN, API_KEY, APP_KEY

_VARIABLES = (
    "DD_API_KEY",
    "DD_APP_KEY",
    "DD_APPLICATION_KEY",
    "DD_SITE",
    "CASE_MCP_ACCESS_TOKEN",
    "CASE_MCP_BASE_URL",
    "CASE_MCP_TIMEOUT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an environment without any of the variables read."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_defaults_reach_the_us1_site_without_credentials() -> None:
    """With nothing set: datadoghq.com, 30 seconds, no credentials, and that is not an error."""
    settings = Settings.load()

    assert (settings.site, settings.api_base_url, settings.timeout, settings.auth_kind) == (
        "datadoghq.com",
        "https://api.datadoghq.com",
        30.0,
        "none",
    )


def test_the_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variable is read, DD_APPLICATION_KEY standing in for DD_APP_KEY."""
    monkeypatch.setenv("DD_API_KEY", API_KEY)
    monkeypatch.setenv("DD_APPLICATION_KEY", APP_KEY)
    monkeypatch.setenv("DD_SITE", " DatadogHQ.eu ")
    monkeypatch.setenv("CASE_MCP_TIMEOUT", "12.5")

    settings = Settings.load()

    assert settings.api_key is not None
    assert settings.app_key is not None
    assert (settings.api_key.get_secret_value(), settings.app_key.get_secret_value()) == (
        API_KEY,
        APP_KEY,
    )
    assert (settings.site, settings.api_base_url, settings.timeout, settings.auth_kind) == (
        "datadoghq.eu",
        "https://api.datadoghq.eu",
        12.5,
        "keys",
    )


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values passed to load() (later: CLI flags) take precedence over the environment."""
    monkeypatch.setenv("DD_SITE", "datadoghq.eu")

    assert Settings.load(site="us5.datadoghq.com").api_base_url == "https://api.us5.datadoghq.com"


@pytest.mark.parametrize(("site", "url"), sorted(SITES.items()))
def test_every_supported_site_has_its_api(site: str, url: str) -> None:
    """Each of Datadog's eight sites maps to its API host."""
    assert Settings.load(site=site).api_base_url == url


def test_the_eight_sites_are_supported() -> None:
    """The site list is Datadog's: US1, US3, US5, EU, AP1, AP2 and the two government sites."""
    assert dict(SITES) == {
        "datadoghq.com": "https://api.datadoghq.com",
        "us3.datadoghq.com": "https://api.us3.datadoghq.com",
        "us5.datadoghq.com": "https://api.us5.datadoghq.com",
        "datadoghq.eu": "https://api.datadoghq.eu",
        "ap1.datadoghq.com": "https://api.ap1.datadoghq.com",
        "ap2.datadoghq.com": "https://api.ap2.datadoghq.com",
        "ddog-gov.com": "https://api.ddog-gov.com",
        "us2.ddog-gov.com": "https://api.us2.ddog-gov.com",
    }


def test_an_unknown_site_is_refused_with_the_list_of_sites(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DD_SITE=datadog.com stops start-up; the message lists every valid site and the way out."""
    monkeypatch.setenv("DD_SITE", "datadog.com")

    with pytest.raises(ConfigurationError) as caught:
        Settings.load()

    message = str(caught.value)
    assert "'datadog.com'" in message
    assert all(site in message for site in SITES)
    assert "CASE_MCP_BASE_URL" in message


def test_a_blank_site_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exported but empty DD_SITE is the default site, not an unknown one."""
    monkeypatch.setenv("DD_SITE", "")

    assert Settings.load().site == "datadoghq.com"


def test_the_base_url_overrides_the_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """CASE_MCP_BASE_URL wins over DD_SITE (even an unknown one); a trailing slash goes."""
    monkeypatch.setenv("DD_SITE", "not-a-site")
    monkeypatch.setenv("CASE_MCP_BASE_URL", "http://127.0.0.1:8126/")

    assert Settings.load().api_base_url == "http://127.0.0.1:8126"


@pytest.mark.parametrize(
    "base_url",
    ["api.datadoghq.com", "ftp://api.datadoghq.com", "https://", "https://x.test/?a=1"],
)
def test_a_base_url_that_is_not_an_http_url_is_refused(base_url: str) -> None:
    """The base URL must be an http(s) URL with a host and no query."""
    with pytest.raises(ConfigurationError, match="CASE_MCP_BASE_URL"):
        Settings.load(base_url=base_url)


def test_a_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    """A base URL holding a password is refused, and the message does not repeat it."""
    with pytest.raises(ConfigurationError) as caught:
        Settings.load(base_url=f"https://user:{API_KEY}@proxy.example")

    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("timeout", ["0", "-3", "soon"])
def test_a_bad_timeout_names_the_variable_not_the_value(
    monkeypatch: pytest.MonkeyPatch, timeout: str
) -> None:
    """An invalid CASE_MCP_TIMEOUT is one ConfigurationError naming the variable."""
    monkeypatch.setenv("CASE_MCP_TIMEOUT", timeout)

    with pytest.raises(ConfigurationError, match="CASE_MCP_TIMEOUT") as caught:
        Settings.load()

    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_missing_credentials_are_named_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    """require_credentials says in one line which variables to set."""
    monkeypatch.setenv("DD_API_KEY", API_KEY)

    with pytest.raises(ConfigurationError) as caught:
        Settings.load().require_credentials()

    assert str(caught.value) == (
        "Missing Datadog credentials: set DD_APP_KEY "
        "(or CASE_MCP_ACCESS_TOKEN for OAuth) in the environment"
    )


def test_no_credentials_at_all_names_both_keys() -> None:
    """With nothing set, both keys are named."""
    with pytest.raises(ConfigurationError, match="set DD_API_KEY and DD_APP_KEY"):
        Settings.load().require_credentials()


@pytest.mark.parametrize(
    "credentials",
    [{"api_key": API_KEY, "app_key": APP_KEY}, {"access_token": ACCESS_TOKEN}],
    ids=["keys", "token"],
)
def test_keys_or_a_token_are_enough(credentials: dict[str, str]) -> None:
    """Both keys, or an access token alone, satisfy require_credentials."""
    Settings.load(**credentials).require_credentials()


def test_a_blank_key_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """DD_API_KEY= (exported but empty) is no key, so it is reported missing."""
    monkeypatch.setenv("DD_API_KEY", "  ")
    monkeypatch.setenv("DD_APP_KEY", APP_KEY)

    settings = Settings.load()

    assert settings.api_key is None
    with pytest.raises(ConfigurationError, match="set DD_API_KEY "):
        settings.require_credentials()


def test_a_token_wins_over_the_keys() -> None:
    """With both an access token and keys, requests will use the token."""
    settings = Settings.load(api_key=API_KEY, app_key=APP_KEY, access_token=ACCESS_TOKEN)

    assert settings.auth_kind == "bearer"


def test_secrets_never_show_in_the_settings_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """repr, str and a JSON dump of the settings mask every key and token."""
    monkeypatch.setenv("DD_API_KEY", API_KEY)
    monkeypatch.setenv("DD_APP_KEY", APP_KEY)
    monkeypatch.setenv("CASE_MCP_ACCESS_TOKEN", ACCESS_TOKEN)

    settings = Settings.load()
    texts = (repr(settings), str(settings), settings.model_dump_json())

    assert [t for t in texts for s in (API_KEY, APP_KEY, ACCESS_TOKEN) if s in t] == []


def test_the_public_surface_of_config_is_its_all() -> None:
    """Everything `case_mcp.config.__all__` names is there, and nothing private is in it."""
    import case_mcp.config

    assert all(hasattr(case_mcp.config, name) for name in case_mcp.config.__all__)
    assert not [name for name in case_mcp.config.__all__ if name.startswith("_")]


def test_serve_help_shows_every_declared_flag_with_its_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each option that has a flag is offered by `serve`, and its help names its variable."""
    from case_mcp.cli import main
    from case_mcp.config import SECTIONS

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())

    flagged = [option for section in SECTIONS for option in section.options() if option.flag]
    missing = [
        option.flag
        for option in flagged
        if f"{option.flag} " not in shown or option.variable not in shown
    ]
    assert flagged
    assert missing == []
