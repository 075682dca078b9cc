"""The web page's guards: Host allow-list, session cookie, CSRF, password, body limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from webpage import BASE_URL, CSRF, form_of, make_client

from handouts.cli.app import main
from handouts.web.security import (
    PASSWORD_ENV,
    PASSWORD_FILE,
    StartupRefused,
    allowed_hosts,
    host_of,
    read_password,
    require_password_off_loopback,
)


def test_a_host_header_not_on_the_allow_list_is_refused(client) -> None:
    assert client.get("/build").status_code == 200
    for host in ("evil.example", "127.0.0.1.evil.example", "attacker:8765"):
        response = client.get("/build", headers={"host": host})
        assert response.status_code == 400, host
        assert "not served here" in response.text


def test_host_names_are_compared_without_the_port() -> None:
    assert host_of("127.0.0.1:8765") == "127.0.0.1"
    assert host_of("[::1]:8765") == "::1"
    assert host_of("LOCALHOST") == "localhost"
    assert "localhost" in allowed_hosts("127.0.0.1")
    assert "192.168.1.20" in allowed_hosts("192.168.1.20")
    assert "192.168.1.20" not in allowed_hosts("127.0.0.1")


def test_the_session_cookie_is_httponly_and_samesite_strict(client) -> None:
    response = client.get("/build")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_state_changing_request_needs_the_csrf_token(client) -> None:
    page = client.get("/build").text
    form = form_of(page, {"deliver": "download"})
    without = {k: v for k, v in form.items() if k != "csrf"}
    assert client.post("/build/pdf", data=without).status_code == 403
    wrong = form | {"csrf": ["0" * 64]}
    response = client.post("/build/pdf", data=wrong)
    assert response.status_code == 403
    assert "out of date" in response.text
    assert client.post("/build/pdf", data=form).status_code == 200


def test_another_browsers_token_does_not_work(workspace: Path) -> None:
    first, second = make_client(workspace), make_client(workspace)
    # Two clients of one app: each has its own session, so its own token.
    second.app = first.app
    token = CSRF.search(first.get("/build").text).group(1)
    page = second.get("/build").text
    assert CSRF.search(page).group(1) != token
    form = form_of(page, {"csrf": token, "deliver": "download"})
    assert second.post("/build/pdf", data=form).status_code == 403


def test_a_request_from_another_origin_is_refused(client) -> None:
    form = form_of(client.get("/build").text, {"deliver": "download"})
    response = client.post("/build/pdf", data=form, headers={"origin": "http://evil.example"})
    assert response.status_code == 403
    same = client.post("/build/pdf", data=form, headers={"origin": BASE_URL})
    assert same.status_code == 200


def test_with_a_password_every_page_asks_to_log_in(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handouts.web.security.LOGIN_DELAY", 0)
    client = make_client(workspace, password="correct horse")
    response = client.get("/build")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    login = client.get("/login")
    token = CSRF.search(login.text).group(1)
    assert client.post("/build/pdf", data={"csrf": token}).status_code == 403
    wrong = client.post("/login", data={"csrf": token, "password": "guess"})
    assert wrong.status_code == 403 and "not right" in wrong.text
    assert client.get("/build").status_code == 303
    right = client.post("/login", data={"csrf": token, "password": "correct horse"})
    assert right.status_code == 303
    assert client.get("/build").status_code == 200


def test_a_network_host_without_a_password_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(StartupRefused, match=PASSWORD_ENV):
        require_password_off_loopback("0.0.0.0", "")
    with pytest.raises(StartupRefused, match="at least 8"):
        require_password_off_loopback("192.168.1.20", "short")
    require_password_off_loopback("127.0.0.1", "")
    require_password_off_loopback("localhost", "")
    require_password_off_loopback("192.168.1.20", "long enough")


def test_serve_on_the_network_without_a_password_exits_with_one_line(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2  # a usage error: the command line cannot run as typed
    assert "needs a password" in result.output
    assert "Traceback" not in result.output


def test_the_password_comes_from_the_environment_or_the_workspace(tmp_path: Path) -> None:
    assert read_password(tmp_path, {}) == ""
    (tmp_path / PASSWORD_FILE).write_text("from the file\n", encoding="utf-8")
    assert read_password(tmp_path, {}) == "from the file"
    assert read_password(tmp_path, {PASSWORD_ENV: "from env"}) == "from env"


def test_a_body_over_the_limit_is_refused(client) -> None:
    token = CSRF.search(client.get("/build").text).group(1)
    response = client.post("/build/pdf", data={"csrf": token, "note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.text
