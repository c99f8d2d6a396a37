"""Tests of the SSO test harness itself (no app): the real oidc-provider and the misbehaving FakeProvider."""

from __future__ import annotations

import base64
import socket
import time
from urllib.parse import quote_plus, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError
from joserfc.jwk import KeySet

from tests.oidc.harness import (
    FakeProvider,
    NodeProvider,
    ProviderLoginError,
    decode_jwt_unverified,
    free_port,
    http_session,
    login_at_provider,
    logout_at_provider,
    pkce_pair,
    query_params,
)

CALLBACK = "http://localhost/t/groningen/auth/callback"
SIGNED_OUT = "http://localhost/t/groningen/signed-out"
SCOPE = "openid profile email groups"
TIMEOUT = 30

CLIENTS = [
    {
        "client_id": "basisbaan-groningen",
        "client_secret": "groningen-secret",
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [SIGNED_OUT],
    },
    {
        "client_id": "basisbaan-post",
        "client_secret": "post-secret",
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [SIGNED_OUT],
        "token_endpoint_auth_method": "client_secret_post",
    },
]
ACCOUNTS = {
    "anna": {"name": "Anna de Vries", "email": "anna@groningen.example", "groups": ["bb-staff", "bb-admins"]},
    "bram": {"name": "Bram Bakker", "email": "bram@groningen.example", "groups": []},
}


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------


def fetch_json(url: str) -> dict:
    response = http_session().get(url, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def authorization_url(discovery: dict, client_id: str, *, state: str, nonce: str | None, challenge: str | None,
                      **extra: str) -> str:
    params = {"client_id": client_id, "response_type": "code", "redirect_uri": CALLBACK, "scope": SCOPE,
              "state": state}
    if nonce is not None:
        params["nonce"] = nonce
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return f"{discovery['authorization_endpoint']}?{urlencode(params)}"


def redeem(discovery: dict, client: dict, code: str, verifier: str, *, method: str = "client_secret_basic"):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    auth = None
    if method == "client_secret_basic":
        auth = (client["client_id"], client["client_secret"])
    else:
        data.update(client_id=client["client_id"], client_secret=client["client_secret"])
    return http_session().post(discovery["token_endpoint"], data=data, auth=auth, timeout=TIMEOUT)


def verify_id_token(id_token: str, jwks: dict, *, issuer: str, audience: str, nonce: str) -> dict:
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
        sub={"essential": True},
    ).validate(token.claims)
    return token.claims


# --------------------------------------------------------------------------------------------------------------
# NodeProvider (real oidc-provider)
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node_op():
    with NodeProvider(CLIENTS, ACCOUNTS) as provider:
        yield provider


@pytest.fixture(scope="module")
def node_discovery(node_op):
    return node_op.discovery()


def test_free_port_is_bindable():
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_node_provider_discovery(node_op, node_discovery):
    issuer = node_op.issuer
    assert urlsplit(issuer).hostname == "127.0.0.1" and urlsplit(issuer).port
    assert node_discovery["issuer"] == issuer
    assert "S256" in node_discovery["code_challenge_methods_supported"]
    assert node_discovery["end_session_endpoint"].startswith(issuer + "/")
    assert node_discovery["authorization_response_iss_parameter_supported"] is True
    assert "groups" in node_discovery["scopes_supported"]
    assert "groups" in node_discovery["claims_supported"]
    assert node_discovery["response_types_supported"] == ["code"]
    assert {"client_secret_basic", "client_secret_post"} <= set(node_discovery["token_endpoint_auth_methods_supported"])


def test_node_provider_is_stopped_on_exit():
    with NodeProvider(CLIENTS[:1], {}) as provider:
        issuer = provider.issuer
        assert fetch_json(f"{issuer}/.well-known/openid-configuration")["issuer"] == issuer
        process = provider._process
    assert process.returncode == 0  # exited cleanly on SIGTERM
    with pytest.raises(requests.ConnectionError):
        http_session().get(f"{issuer}/.well-known/openid-configuration", timeout=5)


def test_node_provider_reports_bad_configuration():
    with pytest.raises(RuntimeError, match="redirect_uris"):
        NodeProvider([{"client_id": "broken", "client_secret": "x"}], {}).start()


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.get("token_endpoint_auth_method", "client_secret_basic"))
def test_node_provider_code_flow_with_pkce(node_op, node_discovery, client):
    verifier, challenge = pkce_pair()
    url = authorization_url(node_discovery, client["client_id"], state="st-1", nonce="nonce-1", challenge=challenge)

    callback = login_at_provider(url, "anna")

    assert callback.startswith(CALLBACK + "?")
    params = query_params(callback)
    assert params["state"] == "st-1"
    assert params["iss"] == node_op.issuer  # RFC 9207
    assert "error" not in params
    method = client.get("token_endpoint_auth_method", "client_secret_basic")
    response = redeem(node_discovery, client, params["code"], verifier, method=method)
    assert response.status_code == 200, response.text
    tokens = response.json()
    claims = verify_id_token(tokens["id_token"], fetch_json(node_discovery["jwks_uri"]),
                             issuer=node_op.issuer, audience=client["client_id"], nonce="nonce-1")
    assert claims["aud"] == client["client_id"]
    assert claims["sub"] == "anna"
    assert claims["groups"] == ACCOUNTS["anna"]["groups"]
    assert claims["email"] == ACCOUNTS["anna"]["email"]
    assert claims["name"] == ACCOUNTS["anna"]["name"]

    userinfo = http_session().get(node_discovery["userinfo_endpoint"], timeout=TIMEOUT,
                                  headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["groups"] == ACCOUNTS["anna"]["groups"]


def test_node_provider_account_without_groups(node_op, node_discovery):
    verifier, challenge = pkce_pair()
    client = CLIENTS[0]
    callback = login_at_provider(
        authorization_url(node_discovery, client["client_id"], state="s", nonce="n", challenge=challenge), "bram")
    response = redeem(node_discovery, client, query_params(callback)["code"], verifier)
    assert response.status_code == 200, response.text
    _header, claims = decode_jwt_unverified(response.json()["id_token"])
    assert claims["sub"] == "bram"
    assert claims["groups"] == []


def test_node_provider_requires_pkce(node_op, node_discovery):
    url = authorization_url(node_discovery, CLIENTS[0]["client_id"], state="s", nonce="n", challenge=None)
    params = query_params(login_at_provider(url, "anna"))
    assert params["error"] == "invalid_request"
    assert "PKCE" in params["error_description"]
    assert "code" not in params


def test_node_provider_rejects_wrong_code_verifier(node_op, node_discovery):
    _verifier, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    client = CLIENTS[0]
    callback = login_at_provider(
        authorization_url(node_discovery, client["client_id"], state="s", nonce="n", challenge=challenge), "anna")
    response = redeem(node_discovery, client, query_params(callback)["code"], other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_node_provider_rejects_wrong_client_secret(node_op, node_discovery):
    verifier, challenge = pkce_pair()
    client = CLIENTS[0]
    callback = login_at_provider(
        authorization_url(node_discovery, client["client_id"], state="s", nonce="n", challenge=challenge), "anna")
    response = redeem(node_discovery, {**client, "client_secret": "wrong"}, query_params(callback)["code"], verifier)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_node_provider_rejects_unknown_login(node_discovery):
    _verifier, challenge = pkce_pair()
    url = authorization_url(node_discovery, CLIENTS[0]["client_id"], state="s", nonce="n", challenge=challenge)
    with pytest.raises(ProviderLoginError, match="mallory"):
        login_at_provider(url, "mallory")


def test_node_provider_rp_initiated_logout_ends_the_session(node_op, node_discovery):
    client = CLIENTS[0]
    browser = http_session()
    verifier, challenge = pkce_pair()
    callback = login_at_provider(
        authorization_url(node_discovery, client["client_id"], state="s", nonce="n", challenge=challenge), "anna",
        session=browser)
    id_token = redeem(node_discovery, client, query_params(callback)["code"], verifier).json()["id_token"]

    def silent_authorization() -> dict:
        _v, silent_challenge = pkce_pair()
        url = authorization_url(node_discovery, client["client_id"], state="silent", nonce="n2",
                                challenge=silent_challenge, prompt="none")
        return query_params(login_at_provider(url, "anna", session=browser))

    assert "code" in silent_authorization()  # signed in at the provider

    end_session = f"{node_discovery['end_session_endpoint']}?" + urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"})
    after = logout_at_provider(end_session, session=browser)

    assert after == f"{SIGNED_OUT}?state=bye"
    assert silent_authorization()["error"] == "login_required"  # provider session is gone


def test_node_provider_logout_without_session_or_redirect(node_op, node_discovery):
    with_client = f"{node_discovery['end_session_endpoint']}?" + urlencode(
        {"client_id": CLIENTS[0]["client_id"], "post_logout_redirect_uri": SIGNED_OUT})
    assert logout_at_provider(with_client) == SIGNED_OUT
    bare = logout_at_provider(node_discovery["end_session_endpoint"])
    assert bare.startswith(node_op.issuer + "/") and "success" in bare


# --------------------------------------------------------------------------------------------------------------
# FakeProvider (misbehaving on purpose)
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def fake():
    with FakeProvider(CLIENTS, ACCOUNTS) as provider:
        yield provider


def fake_flow(fake: FakeProvider, mode: str, *, client: dict = CLIENTS[0], method: str = "client_secret_basic",
              login: str = "anna"):
    """Authorization + token request against the fake in ``mode``; returns (callback params, token response)."""
    fake.mode = mode
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
    verifier, challenge = pkce_pair()
    url = authorization_url(discovery, client["client_id"], state="st", nonce="the-nonce", challenge=challenge,
                            login_hint=login)
    response = http_session().get(url, allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    params = query_params(location)
    return params, redeem(discovery, client, params["code"], verifier, method=method)


def test_fake_discovery_ok(fake):
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
    assert discovery["issuer"] == fake.issuer
    assert discovery["authorization_response_iss_parameter_supported"] is True
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["end_session_endpoint"].startswith(fake.issuer)
    assert fetch_json(discovery["jwks_uri"]) == fake.jwks
    assert "d" not in fake.jwks["keys"][0]  # public only


def test_fake_discovery_issuer_mismatch(fake):
    fake.mode = "discovery_issuer_mismatch"
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
    assert discovery["issuer"] != fake.issuer
    assert discovery["issuer"] == FakeProvider.WRONG_ISSUER


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_fake_ok_issues_a_valid_id_token(fake, method):
    params, response = fake_flow(fake, "ok", method=method)
    assert params["iss"] == fake.issuer
    assert params["state"] == "st"
    assert response.status_code == 200, response.text
    body = response.json()
    claims = verify_id_token(body["id_token"], fetch_json(f"{fake.issuer}/jwks"), issuer=fake.issuer,
                             audience=CLIENTS[0]["client_id"], nonce="the-nonce")
    assert claims["groups"] == ACCOUNTS["anna"]["groups"]
    assert claims["sub"] == "anna"
    assert claims["exp"] > time.time()
    assert fake.token_requests[-1]["auth_method"] == method
    userinfo = http_session().get(f"{fake.issuer}/userinfo", timeout=TIMEOUT,
                                  headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.json() == {"sub": "anna", "name": ACCOUNTS["anna"]["name"],
                               "email": ACCOUNTS["anna"]["email"], "groups": ACCOUNTS["anna"]["groups"]}


def _claims_after_signature_check(fake, id_token):
    """The claims, after checking the signature is fine (so only the intended defect is present)."""
    return jwt.decode(id_token, KeySet.import_key_set(fake.jwks), algorithms=["RS256"]).claims


def test_fake_wrong_audience(fake):
    _params, response = fake_flow(fake, "wrong_audience")
    claims = _claims_after_signature_check(fake, response.json()["id_token"])
    assert claims["aud"] != CLIENTS[0]["client_id"]
    with pytest.raises(InvalidClaimError):
        verify_id_token(response.json()["id_token"], fake.jwks, issuer=fake.issuer,
                        audience=CLIENTS[0]["client_id"], nonce="the-nonce")


def test_fake_expired_id_token(fake):
    _params, response = fake_flow(fake, "expired_id_token")
    claims = _claims_after_signature_check(fake, response.json()["id_token"])
    assert claims["exp"] < time.time() - 600
    with pytest.raises(ExpiredTokenError):
        verify_id_token(response.json()["id_token"], fake.jwks, issuer=fake.issuer,
                        audience=CLIENTS[0]["client_id"], nonce="the-nonce")


def test_fake_bad_nonce(fake):
    _params, response = fake_flow(fake, "bad_nonce")
    claims = _claims_after_signature_check(fake, response.json()["id_token"])
    assert fake.authorization_requests[-1]["nonce"] == "the-nonce"
    assert claims["nonce"] != "the-nonce"
    with pytest.raises(InvalidClaimError):
        verify_id_token(response.json()["id_token"], fake.jwks, issuer=fake.issuer,
                        audience=CLIENTS[0]["client_id"], nonce="the-nonce")


def test_fake_missing_id_token(fake):
    _params, response = fake_flow(fake, "missing_id_token")
    assert response.status_code == 200
    body = response.json()
    assert "id_token" not in body
    assert body["access_token"]


def test_fake_wrong_token_issuer(fake):
    params, response = fake_flow(fake, "wrong_token_issuer")
    assert params["iss"] == fake.issuer  # only the ID token is wrong
    claims = _claims_after_signature_check(fake, response.json()["id_token"])
    assert claims["iss"] != fake.issuer
    with pytest.raises(InvalidClaimError):
        verify_id_token(response.json()["id_token"], fake.jwks, issuer=fake.issuer,
                        audience=CLIENTS[0]["client_id"], nonce="the-nonce")


def test_fake_bad_signature(fake):
    _params, response = fake_flow(fake, "bad_signature")
    id_token = response.json()["id_token"]
    header, claims = decode_jwt_unverified(id_token)
    assert header["kid"] == fake.kid  # points at the published key...
    assert claims["aud"] == CLIENTS[0]["client_id"] and claims["iss"] == fake.issuer
    with pytest.raises(BadSignatureError):  # ...but that key did not sign it
        jwt.decode(id_token, KeySet.import_key_set(fake.jwks), algorithms=["RS256"])


def test_fake_wrong_iss_parameter(fake):
    params, response = fake_flow(fake, "wrong_iss_parameter")
    assert params["iss"] != fake.issuer
    assert response.status_code == 200  # the code itself is fine
    fake.mode = "ok"
    verify_id_token(fake.make_id_token(CLIENTS[0]["client_id"], "anna", "n"), fake.jwks, issuer=fake.issuer,
                    audience=CLIENTS[0]["client_id"], nonce="n")


def test_fake_mode_is_validated(fake):
    with pytest.raises(ValueError):
        fake.mode = "no_such_mode"
    assert fake.mode == "ok"


def test_fake_token_endpoint_checks_pkce_secret_and_reuse(fake):
    client = CLIENTS[0]
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")

    def new_code() -> tuple[str, str]:
        verifier, challenge = pkce_pair()
        url = authorization_url(discovery, client["client_id"], state="s", nonce="n", challenge=challenge,
                                login_hint="anna")
        location = http_session().get(url, allow_redirects=False, timeout=TIMEOUT).headers["Location"]
        return query_params(location)["code"], verifier

    code, verifier = new_code()
    wrong = redeem(discovery, client, code, pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    code, verifier = new_code()
    bad_secret = redeem(discovery, {**client, "client_secret": "nope"}, code, verifier)
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"

    code, verifier = new_code()
    assert redeem(discovery, client, code, verifier).status_code == 200
    reused = redeem(discovery, client, code, verifier)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_fake_basic_auth_with_url_encoded_credentials():
    client = {"client_id": "id:with space", "client_secret": "s3cr:t/+", "redirect_uris": [CALLBACK]}
    with FakeProvider([client], ACCOUNTS) as fake:
        discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
        verifier, challenge = pkce_pair()
        url = authorization_url(discovery, client["client_id"], state="s", nonce="n", challenge=challenge,
                                login_hint="anna")
        code = query_params(http_session().get(url, allow_redirects=False, timeout=TIMEOUT).headers["Location"])["code"]
        raw = f"{quote_plus(client['client_id'])}:{quote_plus(client['client_secret'])}".encode()
        response = http_session().post(
            discovery["token_endpoint"], timeout=TIMEOUT,
            headers={"Authorization": "Basic " + base64.b64encode(raw).decode()},
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                  "code_verifier": verifier})
        assert response.status_code == 200, response.text


def test_fake_authorization_requires_pkce_and_known_redirect(fake):
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
    no_pkce = authorization_url(discovery, CLIENTS[0]["client_id"], state="s", nonce="n", challenge=None,
                                login_hint="anna")
    params = query_params(http_session().get(no_pkce, allow_redirects=False, timeout=TIMEOUT).headers["Location"])
    assert params["error"] == "invalid_request" and "code" not in params
    bad_redirect = no_pkce.replace("localhost", "evil.example")
    assert http_session().get(bad_redirect, allow_redirects=False, timeout=TIMEOUT).status_code == 400


def test_fake_account_selection(fake):
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
    fake.next_login = "bram"
    verifier, challenge = pkce_pair()
    url = authorization_url(discovery, CLIENTS[0]["client_id"], state="s", nonce="n", challenge=challenge)
    callback = login_at_provider(url, "ignored-by-the-fake")  # the fake shows no login page
    response = redeem(discovery, CLIENTS[0], query_params(callback)["code"], verifier)
    assert decode_jwt_unverified(response.json()["id_token"])[1]["sub"] == "bram"

    fake.next_login = "nobody"
    _v, challenge = pkce_pair()
    url = authorization_url(discovery, CLIENTS[0]["client_id"], state="s", nonce="n", challenge=challenge)
    assert query_params(login_at_provider(url, "x"))["error"] == "access_denied"


def test_fake_logout(fake):
    discovery = fetch_json(f"{fake.issuer}/.well-known/openid-configuration")
    url = f"{discovery['end_session_endpoint']}?" + urlencode(
        {"client_id": CLIENTS[0]["client_id"], "post_logout_redirect_uri": SIGNED_OUT, "state": "x"})
    assert logout_at_provider(url) == f"{SIGNED_OUT}?state=x"
    assert fake.logout_requests[-1]["post_logout_redirect_uri"] == SIGNED_OUT
    unregistered = url.replace("signed-out", "elsewhere")
    assert http_session().get(unregistered, allow_redirects=False, timeout=TIMEOUT).status_code == 400
