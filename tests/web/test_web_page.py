"""The pages themselves: every control labelled, the plan's fields read back as written."""

from __future__ import annotations

from html.parser import HTMLParser

from webpage import CSRF

from handouts.web.plan import plan_fields, plan_from_form


class Controls(HTMLParser):
    """Form controls and what labels them: a <label for=id>, a wrapping <label>, aria-label."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self._in_label = 0
        self.buttons: list[tuple[dict, str]] = []
        self._button: dict | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a | {"_wrapped": bool(self._in_label)})
        elif tag == "button":
            self._button, self._text = a, ""

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1
        elif tag == "button" and self._button is not None:
            self.buttons.append((self._button, self._text.strip()))
            self._button = None


def unlabelled(html: str) -> list[str]:
    parser = Controls()
    parser.feed(html)
    missing = [
        c.get("name") or c.get("id") or "?"
        for c in parser.controls
        if not (c["_wrapped"] or c.get("id") in parser.label_for or c.get("aria-label"))
    ]
    missing += [
        b.get("value") or "?" for b, text in parser.buttons if not (text or b.get("aria-label"))
    ]
    return missing


def test_every_control_on_the_build_page_has_a_label(client) -> None:
    page = client.get("/build").text
    assert unlabelled(page) == []
    assert 'aria-label="Move Bent-knee calf raise down"' in page


def test_every_control_on_the_batch_page_has_a_label(client) -> None:
    token = CSRF.search(client.get("/batch").text).group(1)
    roster = b"patient,email,start\nAnn,ann@example.org,2026-01-05\nBob,,x\n"
    page = client.post(
        "/batch/check",
        data={"csrf": token, "programme": "soleus-strength-runners", "layout": "single"},
        files={"roster": ("r.csv", roster, "text/csv")},
    ).text
    assert "<table" in page
    assert unlabelled(page) == []


def test_the_page_has_a_skip_link_and_a_language(client) -> None:
    page = client.get("/build").text
    assert '<html lang="en">' in page
    assert '<a class="skip" href="#main">' in page and '<main id="main"' in page


def test_a_plans_fields_read_back_as_the_same_plan(client) -> None:
    engine = client.app.state.engine
    for programme in ("soleus-strength-runners", "achilles-eccentric", ""):
        plan = engine.plan_for(programme)
        fields = plan_fields(plan)
        sections = fields.pop("section")
        assert plan_from_form(fields, sections) == plan


def test_every_control_on_the_library_and_brand_pages_has_a_label(client) -> None:
    for path in ("/library", "/brand"):
        page = client.get(path).text
        assert "<form" in page
        assert unlabelled(page) == [], path
