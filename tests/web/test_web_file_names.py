"""The web page's download carries the patient's file name as ``build`` and ``batch`` give it."""

from __future__ import annotations

import pytest
from webpage import form_of


@pytest.mark.parametrize("name", ["Margaret O'Brien", "Margaret O’Brien"])
def test_the_download_is_named_as_the_cli_names_the_file(client, name: str) -> None:
    page = client.get("/build").text
    response = client.post(
        "/build/pdf", data=form_of(page, {"deliver": "download", "patient": name})
    )
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.endswith('filename="soleus-strength-runners-margaret-o-brien.pdf"')
