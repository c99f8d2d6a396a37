"""The API token format (no database)."""

import uuid

from basisbaan.auth import tokens


def test_round_trip():
    token_id = uuid.uuid4()
    secret = tokens.new_secret()
    raw = tokens.format_token("den-haag", token_id, secret)
    parsed = tokens.parse(raw)
    assert parsed == tokens.ParsedToken("den-haag", token_id, secret)
    assert tokens.secret_matches(secret, tokens.hash_secret(secret))
    assert not tokens.secret_matches(secret + "x", tokens.hash_secret(secret))


def test_secrets_are_random_and_long():
    secrets = {tokens.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(len(s) == 43 for s in secrets)


def test_malformed_tokens_are_rejected():
    good = tokens.format_token("groningen", uuid.uuid4(), tokens.new_secret())
    for raw in ["", "bb", good[:-1], good + "x", good.replace("bb_", "xx_", 1),
                good.replace("groningen", "Groningen"), "Bearer " + good, good.replace("_", "-")]:
        assert tokens.parse(raw) is None, raw
