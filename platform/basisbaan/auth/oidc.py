"""OpenID Connect sign-in with each municipality's own provider (authlib), plus the checks authlib leaves.

authlib's Flask client does the authorization-code flow with PKCE (S256), keeps state, nonce and the code
verifier in the session, exchanges the code and validates the ID token's signature, iss, aud, exp and
nonce. This module adds what it does not do:
- the discovery document's `issuer` must equal the configured issuer (a provider cannot claim another);
- RFC 9207: the callback's `iss` parameter must equal the issuer (mix-up defence); it is required when
  the provider advertises `authorization_response_iss_parameter_supported`;
- an ID token is required (authlib skips validation when the token response has none);
- every failure becomes SignInRejected (a 400 page) or ProviderUnavailable (a clear page + log line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import current_app, request
from joserfc.errors import JoseError

from basisbaan.crypto import Secrets
from basisbaan.models import SsoProvider, Tenant

HTTP_TIMEOUT = 10


class SignInRejected(Exception):
    """The callback cannot be trusted (forged, replayed, wrong issuer, bad token)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailable(Exception):
    """The identity provider cannot be reached or is misconfigured."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    claims: dict[str, Any]
    id_token: str


def oauth() -> OAuth:
    return current_app.extensions["basisbaan.oauth"]


def _client(tenant: Tenant, provider: SsoProvider, secrets: Secrets):
    # One registered client per provider version: a changed configuration gets a fresh client and fresh
    # discovery metadata; the state stored in the session is keyed on this name too, so a callback can
    # only complete the flow it was started for (this tenant, this configuration).
    name = f"t{tenant.id.hex}v{provider.version}"
    client = oauth().create_client(name)
    if client is None:
        client = oauth().register(
            name,
            client_id=provider.client_id,
            client_secret=secrets.decrypt(provider.client_secret_encrypted),
            server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256", "timeout": HTTP_TIMEOUT},
        )
    return client


def _metadata(client, provider: SsoProvider) -> dict[str, Any]:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed ({type(exc).__name__})") from exc
    if metadata.get("issuer") != provider.issuer:
        client.server_metadata.clear()  # try again next time, the provider may be fixed
        raise ProviderUnavailable("the discovery document names another issuer")
    if "S256" not in metadata.get("code_challenge_methods_supported", ["S256"]):
        raise ProviderUnavailable("the provider does not support PKCE S256")
    return metadata


def start(tenant: Tenant, provider: SsoProvider, secrets: Secrets, redirect_uri: str):
    """The redirect response to the provider's authorization endpoint."""
    client = _client(tenant, provider, secrets)
    _metadata(client, provider)
    return client.authorize_redirect(redirect_uri)


def finish(tenant: Tenant, provider: SsoProvider, secrets: Secrets) -> Identity:
    """Complete the flow on the callback request; returns the verified identity and its claims."""
    client = _client(tenant, provider, secrets)
    metadata = _metadata(client, provider)
    if request.args.get("error"):
        raise SignInRejected(f"provider error: {request.args.get('error')[:100]}")
    iss = request.args.get("iss")
    if iss is None and metadata.get("authorization_response_iss_parameter_supported"):
        raise SignInRejected("the callback has no iss parameter")
    if iss is not None and iss != provider.issuer:
        raise SignInRejected("the callback's iss parameter names another issuer")
    if not request.args.get("state") or not request.args.get("code"):
        raise SignInRejected("the callback has no state or code")
    options = {"iss": {"essential": True, "values": [provider.issuer]},
               "aud": {"essential": True, "values": [provider.client_id]},
               "exp": {"essential": True}, "sub": {"essential": True}}
    try:
        token = client.authorize_access_token(claims_options=options, leeway=60)
    except MismatchingStateError as exc:
        raise SignInRejected("unknown or used state") from exc
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"token request failed ({type(exc).__name__})") from exc
    except (OAuthError, AuthlibBaseError, JoseError, ValueError, KeyError) as exc:
        raise SignInRejected(f"token or ID token rejected ({type(exc).__name__})") from exc
    if not token.get("id_token") or not token.get("userinfo"):
        raise SignInRejected("the provider returned no ID token")
    claims = dict(token["userinfo"])
    if provider.role_claim not in claims and metadata.get("userinfo_endpoint"):
        claims = _with_userinfo(client, token, claims)
    return Identity(provider.issuer, str(claims["sub"]), claims, token["id_token"])


def _with_userinfo(client, token, claims: dict[str, Any]) -> dict[str, Any]:
    try:
        info = client.userinfo(token=token)
    except (requests.RequestException, OAuthError, ValueError) as exc:
        raise ProviderUnavailable(f"userinfo failed ({type(exc).__name__})") from exc
    if str(info.get("sub")) != str(claims["sub"]):
        raise SignInRejected("userinfo is about another subject")
    return {**dict(info), **claims}


def end_session_url(tenant: Tenant, provider: SsoProvider, secrets: Secrets, id_token: str | None,
                    post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL for RP-initiated logout, or None when it has none (or is down)."""
    client = _client(tenant, provider, secrets)
    try:
        metadata = _metadata(client, provider)
    except ProviderUnavailable:
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": post_logout_redirect_uri, "client_id": provider.client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
