def test_landing_page_answers(client, db):
    # Given an anonymous visitor, when they open the start page, then it tells them about the zone
    response = client.get("/")
    assert response.status_code == 200
    assert "visa-free" in response.content.decode()
