from tests.conftest import auth


def test_tenant_info(client, make_tenant, make_token):
    groningen = make_tenant("groningen")
    token = make_token(groningen, "viewer")
    response = client.get("/api/v1/t/groningen", headers=auth(token))
    assert response.status_code == 200, response.json
    assert response.json["cbs_code"] == "GM0014"
    assert response.json["settings"]["minimum_age"] == 27
