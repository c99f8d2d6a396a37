"""Identity providers for the single-sign-on tests.

Two providers, both on 127.0.0.1, both context managers:

* ``NodeProvider`` runs the real, OpenID-certified ``oidc-provider`` (panva) from ``tests/oidc/provider.mjs``:
  the happy path and anything a correct provider does (PKCE required, RFC 9207 ``iss`` on the callback,
  RP-initiated logout). Its built-in development login form accepts any password for a known login.
* ``FakeProvider`` is a deliberately misbehaving provider in Python for the defects a real one never
  produces (wrong audience, expired or badly signed ID token, bad nonce, wrong ``iss`` ...), see ``MODES``.

``login_at_provider`` / ``logout_at_provider`` drive the provider's pages over plain HTTP with ``requests``,
so tests need no browser: they return the URL the provider sends the user back to, which the test then
opens with the Flask test client (possibly after tampering with it).

Typical use::

    with NodeProvider(clients=[{"client_id": "app", "client_secret": "s3cret",
                                "redirect_uris": ["http://localhost/t/groningen/auth/callback"],
                                "post_logout_redirect_uris": ["http://localhost/t/groningen/signed-out"]}],
                      accounts={"anna": {"name": "Anna", "email": "anna@example.nl", "groups": ["staff"]}}) as op:
        ...configure the tenant with issuer=op.issuer...
        start = client.get("/t/groningen/login")
        callback = login_at_provider(start.headers["Location"], "anna")
        client.get(callback_path_and_query(callback))
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections import deque
from html.parser import HTMLParser
from typing import Any, Callable
from urllib.parse import parse_qs, unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
PROVIDER_SCRIPT = os.path.join(HERE, "provider.mjs")

HTTP_TIMEOUT = 30  # seconds, per request; generous for a loaded 2-core CI machine
MAX_STEPS = 25  # redirects + form submissions per login/logout before giving up

__all__ = [
    "FakeProvider",
    "NodeProvider",
    "ProviderFlowError",
    "ProviderLoginError",
    "callback_path_and_query",
    "decode_jwt_unverified",
    "free_port",
    "http_session",
    "login_at_provider",
    "logout_at_provider",
    "pkce_pair",
    "query_params",
]


# --------------------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (there is always a small race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_session() -> requests.Session:
    """A requests session that ignores proxy environment variables (the providers are on 127.0.0.1)."""
    session = requests.Session()
    session.trust_env = False
    return session


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    return verifier, _s256(verifier)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _b64url_json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def decode_jwt_unverified(token: str) -> tuple[dict, dict]:
    """(header, claims) of a compact JWS, WITHOUT verifying anything. For assertions in tests only."""
    header, payload, _signature = token.split(".")
    return _b64url_json(header), _b64url_json(payload)


def callback_path_and_query(url: str) -> str:
    """``http://localhost/t/x/auth/callback?code=..`` -> ``/t/x/auth/callback?code=..`` (for the Flask test client)."""
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def query_params(url: str) -> dict[str, str]:
    """The query parameters of ``url`` as a flat dict (last value wins)."""
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


# --------------------------------------------------------------------------------------------------------------
# NodeProvider: the real oidc-provider
# --------------------------------------------------------------------------------------------------------------


class NodeProvider:
    """Runs ``node tests/oidc/provider.mjs`` (oidc-provider 9) on 127.0.0.1.

    ``clients``: list of ``{client_id, client_secret, redirect_uris, post_logout_redirect_uris}`` (further keys are
    oidc-provider client metadata, e.g. ``"token_endpoint_auth_method": "client_secret_post"``; the default is
    ``client_secret_basic``). ``accounts``: ``{login: {name, email, groups: [...]}}``; ``sub`` is the login.
    ``port=None`` lets the provider pick a free port itself (no race). The issuer is ``http://127.0.0.1:<port>``.
    """

    def __init__(self, clients: list[dict], accounts: dict, port: int | None = None, *,
                 startup_timeout: float = 20.0, node: str | None = None):
        self.clients = list(clients)
        self.accounts = dict(accounts)
        self.port = port
        self.startup_timeout = startup_timeout
        self.node = node or shutil.which("node")
        self.issuer: str | None = None
        self._process: subprocess.Popen | None = None
        self._output: deque[str] = deque(maxlen=500)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        """Everything the provider printed so far (stdout and stderr, last 500 lines)."""
        return "".join(self._output)

    def start(self) -> "NodeProvider":
        if self._process is not None:
            raise RuntimeError("NodeProvider already started")
        if not self.node:
            raise RuntimeError("`node` not found on PATH; NodeProvider needs Node.js (and `npm install` at the repo root)")
        if not os.path.isdir(os.path.join(REPO_ROOT, "node_modules", "oidc-provider")):
            raise RuntimeError(f"oidc-provider is not installed: run `npm install` in {REPO_ROOT}")
        env = dict(os.environ)
        env.update(
            OIDC_PORT=str(self.port or 0),
            OIDC_CLIENTS=json.dumps(self.clients),
            OIDC_ACCOUNTS=json.dumps(self.accounts),
            NO_COLOR="1",
        )
        self._process = subprocess.Popen(
            [self.node, PROVIDER_SCRIPT],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        # The reader keeps draining the pipe for the provider's whole life, so it can never block on a full pipe.
        self._reader = threading.Thread(target=self._read_output, name="oidc-node-provider-output", daemon=True)
        self._reader.start()
        self._ready.wait(self.startup_timeout)
        if self.issuer is None:
            exit_code = self._process.poll()
            if exit_code is None and not self._reader.is_alive():  # output closed: the process is exiting
                try:
                    exit_code = self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            self.stop()
            state = f"exited with code {exit_code}" if exit_code is not None else (
                f"did not print READY within {self.startup_timeout:.0f}s")
            raise RuntimeError(f"oidc-provider (tests/oidc/provider.mjs) {state}. Output:\n{self.output}")
        return self

    def _read_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self._output.append(line)
            if self.issuer is None and line.startswith("READY "):
                self.issuer = line.split(None, 1)[1].strip()
                self._ready.set()
        self._ready.set()  # EOF: the process is gone; wake start() at once

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._reader is not None:
            self._reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> "NodeProvider":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def discovery(self) -> dict:
        """The provider's ``/.well-known/openid-configuration``."""
        response = http_session().get(f"{self.issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()


# --------------------------------------------------------------------------------------------------------------
# Driving a provider's pages without a browser
# --------------------------------------------------------------------------------------------------------------


class ProviderFlowError(RuntimeError):
    """The provider did something the login/logout driver does not understand (error page, loop, ...)."""


class ProviderLoginError(ProviderFlowError):
    """The provider showed its login form again after a login was submitted (unknown login?)."""


class _Page(HTMLParser):
    """Forms (action, method, id, fields) and text of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.detached_buttons: list[tuple[str, str, str]] = []  # (form id, name, value) of <button form=..>
        self._current: dict[str, Any] | None = None
        self._text: list[str] = []
        self._skip_text = 0
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())

    def form_with(self, name: str, value: str | None = None) -> dict | None:
        for form in self.forms:
            for field in form["fields"]:
                if field["name"] == name and (value is None or field["value"] == value):
                    return form
        return None

    def form_by_id(self, form_id: str) -> dict | None:
        return next((form for form in self.forms if form["id"] == form_id), None)

    def handle_starttag(self, tag, attrs):
        attributes = {key: (value if value is not None else "") for key, value in attrs}
        if tag in ("script", "style"):
            self._skip_text += 1
        elif tag == "form":
            self._current = {
                "id": attributes.get("id"),
                "action": attributes.get("action", ""),
                "method": attributes.get("method", "get").lower(),
                "fields": [],
            }
            self.forms.append(self._current)
        elif tag in ("input", "button", "textarea", "select") and attributes.get("name"):
            kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
            field = {"name": attributes["name"], "value": attributes.get("value", ""), "type": kind}
            owner_id = attributes.get("form")
            if owner_id:
                if tag == "button" or kind == "submit":
                    self.detached_buttons.append((owner_id, field["name"], field["value"]))
                else:
                    owner = self.form_by_id(owner_id)
                    if owner is not None:
                        owner["fields"].append(field)
            elif self._current is not None:
                self._current["fields"].append(field)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip_text:
            self._skip_text -= 1
        elif tag == "form":
            self._current = None

    def handle_data(self, data):
        if not self._skip_text and data.strip():
            self._text.append(data.strip())


def _form_data(form: dict, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The fields a browser would submit: hidden/text/password inputs (not buttons), plus overrides."""
    data = {f["name"]: f["value"] for f in form["fields"] if f["type"] not in ("submit", "button", "reset", "image")}
    data.update(overrides or {})
    return data


def _describe(response: requests.Response, page: _Page | None) -> str:
    text = page.text if page is not None else response.text
    return f"HTTP {response.status_code} at {response.url}: {text[:600]}"


def _drive(session: requests.Session, start_url: str,
           on_page: Callable[[requests.Response, _Page], tuple[str, str, dict] | str]) -> tuple[str, requests.Response]:
    """Follow the provider's redirects (only on its own origin) and let ``on_page`` answer each HTML page.

    ``on_page`` returns either ``(method, url, data)`` to submit a form, or a final URL string to stop.
    Returns (url, last response): the first URL that leaves the provider's origin, or what ``on_page`` returned.
    """
    origin = _origin(start_url)
    method, url, data = "GET", start_url, None
    for _ in range(MAX_STEPS):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=HTTP_TIMEOUT)
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            if not location:
                raise ProviderFlowError(f"redirect without Location: {_describe(response, None)}")
            target = urljoin(url, location)
            if _origin(target) != origin:
                return target, response
            if response.status_code not in (307, 308):
                method, data = "GET", None
            url = target
            continue
        content_type = response.headers.get("Content-Type", "")
        page = _Page(response.text) if "html" in content_type else None
        if response.status_code >= 400 or page is None:
            raise ProviderFlowError(f"provider answered with {_describe(response, page)}")
        step = on_page(response, page)
        if isinstance(step, str):
            return step, response
        method, action, data = step
        url = urljoin(response.url, action)
        if _origin(url) != origin:
            raise ProviderFlowError(
                f"provider page posts a form to another origin ({url}); use response_mode=query. "
                f"{_describe(response, page)}")
    raise ProviderFlowError(f"no way out of the provider after {MAX_STEPS} steps (last URL {url})")


def login_at_provider(authorization_url: str, login: str, password: str = "test", *,
                      session: requests.Session | None = None) -> str:
    """Sign in at the provider as ``login`` and return the URL it redirects back to (callback with code, state, iss).

    ``authorization_url`` is where the app sent the browser (the Location of ``GET /t/<slug>/login``). The
    provider's development login form (any password) and consent form are submitted as a browser would.
    Pass the same ``session`` to ``logout_at_provider`` later to sign out of this provider session.
    Raises ``ProviderLoginError`` if the provider does not accept the login (not in its accounts),
    ``ProviderFlowError`` on an error page. An error the provider redirects back with (e.g. ``error=invalid_scope``)
    is returned like any callback URL. With ``FakeProvider`` no page is shown: choose the account with
    ``login_hint`` in the URL or ``FakeProvider.next_login``.
    """
    session = session or http_session()
    logins_submitted = 0

    def on_page(response: requests.Response, page: _Page):
        nonlocal logins_submitted
        login_form = page.form_with("prompt", "login")
        if login_form is not None:
            if logins_submitted:
                raise ProviderLoginError(f"provider did not accept login {login!r} (is it one of its accounts?)")
            logins_submitted += 1
            return "POST", login_form["action"], _form_data(login_form, {"login": login, "password": password})
        consent_form = page.form_with("prompt", "consent")
        if consent_form is not None:
            return "POST", consent_form["action"], _form_data(consent_form)
        raise ProviderFlowError(f"unexpected provider page: {_describe(response, page)}")

    url, _response = _drive(session, authorization_url, on_page)
    return url


def logout_at_provider(end_session_url: str, *, session: requests.Session | None = None) -> str:
    """Confirm RP-initiated logout at the provider; return where it sends the user afterwards.

    ``end_session_url`` is where the app redirected (Location of ``POST /t/<slug>/logout``). oidc-provider asks
    "Do you want to sign-out?" (or auto-posts a form when there is no provider session); this answers yes.
    Returns the ``post_logout_redirect_uri`` (with ``state`` if sent) or, without one, the provider's own
    "signed out" page URL. Pass the ``session`` used with ``login_at_provider`` to end that provider session.
    """
    session = session or http_session()

    def on_page(response: requests.Response, page: _Page):
        logout_form = page.form_by_id("op.logoutForm")
        if logout_form is not None:
            overrides = {name: value for form_id, name, value in page.detached_buttons
                         if form_id == "op.logoutForm" and name == "logout"}
            return logout_form["method"].upper(), logout_form["action"], _form_data(logout_form, overrides)
        xsrf_form = page.form_with("xsrf")  # auto-submitting form_post page (no provider session)
        if xsrf_form is not None:
            return xsrf_form["method"].upper(), xsrf_form["action"], _form_data(xsrf_form)
        if not page.forms:
            return response.url  # the provider's own "Sign-out Success" page
        raise ProviderFlowError(f"unexpected provider page: {_describe(response, page)}")

    url, _response = _drive(session, end_session_url, on_page)
    return url


# --------------------------------------------------------------------------------------------------------------
# FakeProvider: a deliberately misbehaving OpenID provider
# --------------------------------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no access log in the test output
        pass


class FakeProvider:
    """A minimal OpenID provider in Python whose ``mode`` selects one defect (``MODES``; default ``"ok"``).

    ``clients``: list of ``{client_id, client_secret}`` plus optionally ``redirect_uris`` and
    ``post_logout_redirect_uris`` (checked when given, anything accepted when absent) and
    ``token_endpoint_auth_method`` (``client_secret_basic``/``client_secret_post``; both accepted when absent).
    ``accounts``: ``{login: {name, email, groups}}``; ``sub`` is the login. The authorization endpoint shows no
    page: it redirects straight back with ``code``, ``state`` and ``iss``, for the account named by the
    ``login_hint`` parameter, else ``next_login``, else the only account.

    ``mode`` may be changed between requests; each endpoint reads it when it is called (so the ID-token defects
    apply at the token endpoint, ``wrong_iss_parameter`` at the authorization endpoint, and
    ``discovery_issuer_mismatch`` at discovery). Requests are recorded in ``authorization_requests``,
    ``token_requests``, ``userinfo_requests`` and ``logout_requests`` (lists of dicts) for assertions.
    """

    MODES = frozenset({
        "ok",
        "wrong_audience",  # ID token aud is another client
        "expired_id_token",  # ID token exp an hour ago
        "bad_nonce",  # ID token nonce differs from the one in the authorization request
        "missing_id_token",  # token response has no id_token
        "wrong_token_issuer",  # ID token iss is WRONG_ISSUER
        "discovery_issuer_mismatch",  # discovery document says issuer WRONG_ISSUER
        "bad_signature",  # ID token signed by a key not in the JWKS (same kid as the published key)
        "wrong_iss_parameter",  # authorization response iss=WRONG_ISSUER
    })
    WRONG_ISSUER = "https://wrong-issuer.invalid"
    OTHER_AUDIENCE = "some-other-client"
    CODE_TTL = 120
    TOKEN_TTL = 600

    def __init__(self, clients: list[dict], accounts: dict, mode: str = "ok"):
        self.clients = {client["client_id"]: dict(client) for client in clients}
        self.accounts = dict(accounts)
        self.mode = mode
        self.next_login: str | None = None
        self.issuer: str | None = None
        self.authorization_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.userinfo_requests: list[dict] = []
        self.logout_requests: list[dict] = []
        self._lock = threading.Lock()
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
        self._rogue_key: RSAKey | None = None
        self._server = None
        self._thread: threading.Thread | None = None

    # -- configuration ---------------------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in self.MODES:
            raise ValueError(f"unknown FakeProvider mode {value!r}; one of {sorted(self.MODES)}")
        self._mode = value

    @property
    def jwks(self) -> dict:
        """The published key set (public keys only)."""
        return {"keys": [self._key.as_dict(private=False)]}

    @property
    def kid(self) -> str:
        return self._key.kid

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def start(self) -> "FakeProvider":
        if self._server is not None:
            raise RuntimeError("FakeProvider already started")
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="oidc-fake-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "FakeProvider":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return f"{self.issuer}{path}"

    # -- HTTP ----------------------------------------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
            "/logout": self._logout,
        }
        handler = routes.get(request.path)
        if handler is None:
            response = Response("not found", status=404, content_type="text/plain")
        else:
            try:
                response = handler(request)
            except Exception as exc:  # pragma: no cover - a bug in the fake itself; make it visible
                response = Response(f"FakeProvider error: {exc!r}", status=500, content_type="text/plain")
        return response(environ, start_response)

    @staticmethod
    def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
        response = Response(json.dumps(body), status=status, content_type="application/json")
        response.headers["Cache-Control"] = "no-store"
        for key, value in (headers or {}).items():
            response.headers[key] = value
        return response

    def _discovery(self, request: Request) -> Response:
        return self._json({
            "issuer": self.WRONG_ISSUER if self.mode == "discovery_issuer_mismatch" else self.issuer,
            "authorization_endpoint": self.url("/authorize"),
            "token_endpoint": self.url("/token"),
            "userinfo_endpoint": self.url("/userinfo"),
            "jwks_uri": self.url("/jwks"),
            "end_session_endpoint": self.url("/logout"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "name", "email", "groups"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
        })

    def _jwks(self, request: Request) -> Response:
        return self._json(self.jwks)

    def _authorize(self, request: Request) -> Response:
        params = request.args.to_dict()
        with self._lock:
            self.authorization_requests.append(dict(params))
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            return Response("unknown client_id", status=400, content_type="text/plain")
        redirect_uri = params.get("redirect_uri", "")
        allowed = client.get("redirect_uris")
        if not redirect_uri or (allowed is not None and redirect_uri not in allowed):
            return Response("redirect_uri missing or not registered", status=400, content_type="text/plain")

        iss = self.WRONG_ISSUER if self.mode == "wrong_iss_parameter" else self.issuer
        reply = {"state": params["state"]} if "state" in params else {}
        reply["iss"] = iss

        def error(code: str, description: str) -> Response:
            return self._redirect(redirect_uri, {"error": code, "error_description": description, **reply})

        if params.get("response_type") != "code":
            return error("unsupported_response_type", "only response_type=code")
        if "openid" not in params.get("scope", "").split():
            return error("invalid_scope", "scope must contain openid")
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return error("invalid_request", "PKCE with code_challenge_method=S256 is required")
        login = params.get("login_hint") or self.next_login
        if login is None and len(self.accounts) == 1:
            login = next(iter(self.accounts))
        if login not in self.accounts:
            return error("access_denied", f"no such account: {login!r}")

        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "client_id": client["client_id"],
                "redirect_uri": redirect_uri,
                "nonce": params.get("nonce"),
                "code_challenge": params["code_challenge"],
                "scope": params.get("scope", ""),
                "login": login,
                "issued_at": time.time(),
                "used": False,
            }
        return self._redirect(redirect_uri, {"code": code, **reply})

    @staticmethod
    def _redirect(uri: str, params: dict) -> Response:
        separator = "&" if urlsplit(uri).query else "?"
        response = Response(status=302)
        response.headers["Location"] = f"{uri}{separator}{urlencode(params)}"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _client_auth(self, request: Request) -> tuple[dict | None, str | None, str]:
        """(client or None, auth method, error description)."""
        header = request.headers.get("Authorization", "")
        form_id, form_secret = request.form.get("client_id"), request.form.get("client_secret")
        if header.lower().startswith("basic "):
            if form_secret is not None:
                return None, None, "more than one client authentication method"
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
                raw_id, raw_secret = decoded.split(":", 1)
            except (ValueError, UnicodeDecodeError):
                return None, None, "malformed Basic credentials"
            client_id, secret, method = unquote_plus(raw_id), unquote_plus(raw_secret), "client_secret_basic"
            if form_id is not None and form_id != client_id:
                return None, None, "client_id in body differs from Basic credentials"
        elif form_secret is not None:
            client_id, secret, method = form_id or "", form_secret, "client_secret_post"
        else:
            return None, None, "no client authentication"
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(str(client.get("client_secret", "")), secret):
            return None, method, "client authentication failed"
        registered = client.get("token_endpoint_auth_method")
        if registered is not None and registered != method:
            return None, method, f"client must use {registered}"
        return client, method, ""

    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            return self._json({"error": "invalid_request", "error_description": "POST only"}, 405)
        form = request.form.to_dict()
        client, method, problem = self._client_auth(request)
        with self._lock:
            self.token_requests.append({**form, "auth_method": method, "client_ok": client is not None})
        if client is None:
            return self._json({"error": "invalid_client", "error_description": problem}, 401,
                              {"WWW-Authenticate": 'Basic realm="fake-oidc"'})

        def invalid_grant(description: str) -> Response:
            return self._json({"error": "invalid_grant", "error_description": description}, 400)

        if form.get("grant_type") != "authorization_code":
            return self._json({"error": "unsupported_grant_type"}, 400)
        with self._lock:
            grant = self._codes.get(form.get("code", ""))
            if grant is None:
                return invalid_grant("unknown code")
            if grant["used"]:
                return invalid_grant("code already used")
            grant["used"] = True
        if time.time() - grant["issued_at"] > self.CODE_TTL:
            return invalid_grant("code expired")
        if grant["client_id"] != client["client_id"]:
            return invalid_grant("code was issued to another client")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return invalid_grant("redirect_uri differs from the authorization request")
        verifier = form.get("code_verifier")
        if not verifier or not secrets.compare_digest(_s256(verifier), grant["code_challenge"]):
            return invalid_grant("PKCE verification failed")

        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = {"login": grant["login"], "expires": time.time() + self.TOKEN_TTL}
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.TOKEN_TTL,
            "scope": grant["scope"],
        }
        if self.mode != "missing_id_token":
            body["id_token"] = self.make_id_token(client["client_id"], grant["login"], grant["nonce"])
        return self._json(body)

    def make_id_token(self, client_id: str, login: str, nonce: str | None, mode: str | None = None) -> str:
        """An ID token as the token endpoint would issue it in ``mode`` (default: the current mode)."""
        mode = mode or self.mode
        now = int(time.time())
        account = self.accounts.get(login, {})
        claims: dict[str, Any] = {
            "iss": self.WRONG_ISSUER if mode == "wrong_token_issuer" else self.issuer,
            "aud": self.OTHER_AUDIENCE if mode == "wrong_audience" else client_id,
            "iat": now,
            "exp": now + self.TOKEN_TTL,
            "auth_time": now,
            **self._profile(login, account),  # sub, name, email, groups
        }
        if mode == "expired_id_token":
            claims.update(iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
        if mode == "bad_nonce":
            claims["nonce"] = f"not-{nonce or 'the-nonce'}"
        elif nonce is not None:
            claims["nonce"] = nonce
        key = self._key
        if mode == "bad_signature":
            if self._rogue_key is None:
                self._rogue_key = RSAKey.generate_key(
                    2048, parameters={"use": "sig", "alg": "RS256", "kid": self._key.kid})
            key = self._rogue_key
        return jwt.encode({"alg": "RS256", "kid": self._key.kid, "typ": "JWT"}, claims, key)

    @staticmethod
    def _profile(login: str, account: dict) -> dict:
        return {
            "sub": login,
            "name": account.get("name"),
            "email": account.get("email"),
            "groups": list(account.get("groups", [])),
        }

    def _userinfo(self, request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self._lock:
            self.userinfo_requests.append({"access_token": token})
            entry = self._access_tokens.get(token)
        if entry is None or entry["expires"] < time.time():
            return self._json({"error": "invalid_token"}, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        login = entry["login"]
        return self._json(self._profile(login, self.accounts.get(login, {})))

    def _logout(self, request: Request) -> Response:
        params = request.values.to_dict()
        with self._lock:
            self.logout_requests.append(dict(params))
        target = params.get("post_logout_redirect_uri")
        if not target:
            return Response("signed out", content_type="text/plain")
        client_id = params.get("client_id")
        if not client_id and params.get("id_token_hint"):
            try:
                aud = decode_jwt_unverified(params["id_token_hint"])[1].get("aud")
            except (ValueError, json.JSONDecodeError):
                return Response("malformed id_token_hint", status=400, content_type="text/plain")
            client_id = aud[0] if isinstance(aud, list) else aud
        client = self.clients.get(client_id or "")
        if client is None:
            return Response("post_logout_redirect_uri needs client_id or id_token_hint", status=400,
                            content_type="text/plain")
        allowed = client.get("post_logout_redirect_uris")
        if allowed is not None and target not in allowed:
            return Response("post_logout_redirect_uri not registered", status=400, content_type="text/plain")
        return self._redirect(target, {"state": params["state"]} if "state" in params else {})

