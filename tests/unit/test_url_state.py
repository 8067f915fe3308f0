"""Link parameters that cannot be shown are named back to the user, safely."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.safe_text import unescaped_markdown
from dashboard.url_state import MAX_SHOWN, ParamSpec, rejected_params, shown
from tests.markdown_links import hostile_links

SPECS = [
    ParamSpec("region", "Region", ["Europe", "Asia Pacific"], max_values=2),
    ParamSpec("company", "Company", ["Northwind", "Apex"]),
    ParamSpec("period", "Period", ["2020-01", "2020-02", "2020-03"], max_values=2, ordered=True),
]


def test_valid_and_unknown_keys_pass_quietly():
    params = {"region": ["Europe"], "company": ["Apex"], "period": ["2020-01", "2020-03"], "utm_source": ["x"]}
    assert rejected_params(params, SPECS) == []


def test_unknown_values_are_named():
    notices = rejected_params({"region": ["Europe", "Narnia"], "period": ["1999-01", "2020-02"]}, SPECS)
    assert len(notices) == 2
    assert "Narnia" in notices[0] and "Region" in notices[0]
    assert "1999" in notices[1]


def test_too_many_values_and_reversed_ranges():
    assert "at most 1 fit" in rejected_params({"company": ["Apex", "Northwind"]}, SPECS)[0]
    assert "ends before it starts" in rejected_params({"period": ["2020-03", "2020-01"]}, SPECS)[0]


def test_markup_and_long_values_are_echoed_inert_and_short():
    notice = rejected_params({"company": ["<script>alert(1)</script>" + "x" * 5000]}, SPECS)[0]
    assert "<script>" not in notice and len(notice) < 200


def test_a_link_in_a_link_value_is_echoed_as_text_without_bidi_tricks():
    notice = rejected_params({"company": ["[Click me](https://evil.example/)\u202e"]}, SPECS)[0]
    assert hostile_links(notice) == []
    assert "[Click me](https://evil.example/)" in unescaped_markdown(notice)
    assert "\u202e" not in notice


@given(st.text())
def test_shown_never_leaves_markdown_or_control_characters(value):
    text = shown(value)
    assert len(unescaped_markdown(text)) <= MAX_SHOWN
    assert hostile_links(text, marker="") == []
    assert not any(ord(c) < 32 for c in text)
    for special in "`*_[]<>$|":
        assert special not in text.replace("\\" + special, "")
