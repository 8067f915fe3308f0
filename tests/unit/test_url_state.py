"""Link parameters that cannot be shown are named back to the user, safely."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.safe_text import unescaped_markdown
from dashboard.url_state import MAX_SHOWN, NumberSpec, ParamSpec, flag_spec, rejected_params, shown
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


def test_a_range_with_one_end_is_named():
    for one_end in (["2020-02"], ["2020-02", ""]):
        assert rejected_params({"period": one_end}, SPECS) == [
            "Period: a range needs a start and an end, the link had one value."]


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


HORIZON = NumberSpec("horizon", "Horizon", 1, 36)
ELASTICITY = NumberSpec("e_own", "Price elasticity", -10, 5, whole=False, allow_empty=True)


def test_numbers_are_read_as_numbers_not_spellings():
    for same in ("18", "018", "18.0", "1.8e1", " 18"):
        assert rejected_params({"horizon": [same]}, [HORIZON]) == [], same
    assert rejected_params({"e_own": ["-3.25"]}, [ELASTICITY]) == []


def test_numbers_that_are_not_settings_are_named():
    for value in ("nan", "inf", "-Infinity", "1e308", "37", "0", "zzz", "0x10"):
        notices = rejected_params({"horizon": [value]}, [HORIZON])
        assert len(notices) == 1 and "not a whole number from 1 to 36" in notices[0], value
    assert "not a number from -10 to 5" in rejected_params({"e_own": ["37"]}, [ELASTICITY])[0]


def test_a_fraction_on_a_whole_number_slider_says_what_is_shown():
    assert rejected_params({"horizon": ["5.7"]}, [HORIZON]) == ["Horizon “5\\.7”: not a whole number, so 5 is shown."]


def test_empty_values_are_named_unless_empty_is_a_real_state():
    assert rejected_params({"horizon": [""]}, [HORIZON]) == ["Horizon: empty in the link."]
    assert rejected_params({"company": [""]}, SPECS) == ["Company: empty in the link."]
    assert rejected_params({"e_own": [""]}, [ELASTICITY]) == []
    assert rejected_params({"region": [""]}, [ParamSpec("region", "Region", ["Europe"], allow_empty=True)]) == []


def test_one_value_keys_name_extra_values_even_when_empty():
    assert "2 values, at most 1 fit" in rejected_params({"horizon": ["5", ""]}, [HORIZON])[0]
    assert "2 values, at most 1 fit" in rejected_params({"company": ["Apex", ""]}, SPECS)[0]


def test_flags_accept_any_case_like_the_toggle_does():
    spec = flag_spec("outlook", "Outlook")
    assert rejected_params({"outlook": ["TRUE"], "x": ["1"]}, [spec]) == []
    assert rejected_params({"outlook": ["zzz"]}, [spec]) == ["Outlook “zzz”: not true or false."]
