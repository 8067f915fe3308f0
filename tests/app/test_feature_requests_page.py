"""Feature requests page: runs on any link, a link sets the feature and sort order, bad values are named."""

from __future__ import annotations

import pytest

from tests.app.test_pages import chart_titles, open_app

PAGE = "../pages/feature_requests.py"
GARBAGE = {
    "fr_feature": "<b>Teleporter</b>",
    "fr_sort": "popularity'; DROP TABLE feature_requests; --",
    "fr_group": "maybe",
    "segment": ["Narnia"],
}


def notices(at) -> str:
    return "\n".join(w.value for w in at.warning)


@pytest.mark.parametrize("params", [{}, {"fr_feature": "Mobile app", "fr_sort": "RICE"}, GARBAGE],
                         ids=["default", "custom", "garbage"])
def test_the_page_runs_on_any_link(params):
    at = open_app(params, PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Feature requests"
    assert len(chart_titles(at)) == 2


def test_default_view_is_the_broadest_feature_ranked_by_breadth():
    at = open_app({}, PAGE)
    assert not at.warning
    assert at.selectbox(key="fr_sort").value == "breadth"
    assert at.toggle(key="fr_group").value is True
    feature = at.selectbox(key="fr_feature").value
    assert feature == "Export to Excel"  # top of the breadth ranking, grouping on
    quadrant, drill = chart_titles(at)
    assert quadrant.startswith("Broad need or one loud account? 5 of 17")
    assert drill.startswith(f"Who asks for {feature}:")
    assert any(m.label == "Driven by one account" and m.value == "5 of 17" for m in at.metric)


def test_a_link_sets_the_feature_and_the_sort_order():
    view = {"fr_feature": "Mainframe connector", "fr_sort": "RICE"}
    at = open_app(view, PAGE)
    assert not at.exception and not at.warning
    assert at.selectbox(key="fr_feature").value == "Mainframe connector"
    assert at.selectbox(key="fr_sort").value == "RICE"
    titles = chart_titles(at)
    assert titles[1] == "Who asks for Mainframe connector: only Titan Global Holdings ($3.2M ARR)"
    assert any(c.value.startswith("Ranked by RICE, highest first.") for c in at.caption)
    assert chart_titles(open_app(view, PAGE)) == titles  # the same link gives the same charts


def test_garbage_is_dropped_with_a_visible_notice():
    at = open_app(GARBAGE, PAGE)
    text = notices(at)
    for fragment in ("Feature", "Teleporter", "Rank by", "popularity", "Group similar names", "maybe"):
        assert fragment in text
    assert "<b>" not in text
    assert at.selectbox(key="fr_sort").value == "breadth"
    assert at.selectbox(key="fr_feature").value == "Export to Excel"
    assert at.toggle(key="fr_group").value is True


def test_grouping_off_shows_the_names_as_written():
    at = open_app({"fr_group": "false", "fr_feature": "SSO"}, PAGE)
    assert not at.exception and not at.warning
    assert at.toggle(key="fr_group").value is False
    assert {"SSO", "Single sign-on", "single sign on (SAML)"} <= set(at.selectbox(key="fr_feature").options)
    assert at.selectbox(key="fr_feature").value == "SSO"
    assert chart_titles(at)[0].startswith("Broad need or one loud account? 5 of 21")


def test_a_grouped_variant_in_the_link_is_explained():
    at = open_app({"fr_feature": "SSO"}, PAGE)
    assert not at.exception
    assert any("“SSO” is grouped" in i.value for i in at.info)
    assert "SSO" not in at.selectbox(key="fr_feature").options
    assert "Single sign-on" in at.selectbox(key="fr_feature").options


def test_sorting_in_the_page_changes_the_ranking():
    at = open_app({}, PAGE)
    at.selectbox(key="fr_sort").select("customers").run()
    assert not at.exception
    assert any(c.value.startswith("Ranked by customers, highest first.") for c in at.caption)
    ranking = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert ranking["customers"].is_monotonic_decreasing and list(ranking["rank"]) == list(range(1, 18))
    assert ranking["feature"].iloc[0] == "Single sign-on"  # 37 customers once its three names are one


def test_data_without_feature_requests_says_so():
    from tests.app.test_data_page import WIDE

    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.csv", WIDE).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("No `feature_requests` table" in i.value and "Data page" in i.value for i in at.info)
    assert not chart_titles(at)


def test_an_uploaded_export_without_regions_works():
    from tests.app.test_data_page import WIDE

    export = (b"Request ID,Date,Feature,Customer,Segment,ARR\n"
              b"R1,2024-01-05,SSO,Acme,Enterprise,500000\nR2,2024-02-05,Single sign-on,Beta,SMB,20000\n"
              b"R3,2024-03-05,Dark mode,Acme,Enterprise,500000\nR4,2024-04-05,Dark theme,Gamma,SMB,0\n")
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.csv", WIDE).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.selectbox(key="load_table").select("feature_requests").run()
    at.file_uploader(key="upload_feature_requests").upload("requests.csv", export).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="fr_feature").options == ["Dark mode", "SSO"]
    assert chart_titles(at)[1] == "Who asks for SSO: 2 customers with $520k ARR; Acme holds 96%"


def test_a_crm_export_without_request_ids_or_segments_loads_and_shows():
    """A CRM export names the account, the request and the ARR; it seldom numbers requests or has segments."""
    from tests.app.test_data_page import WIDE

    export = ('Account,Request,Date,ARR\n"Acme, Inc.","Export to CSV, please",2024-01-05,12000\n'
              '"Acme, Inc.","Export to CSV, please",2024-01-06,12000\nZeta "Z" Ltd,SSO (SAML),2024-02-01,90000\n'
              'Bolt 🚀,Dark mode 🌙,2024-02-10,3000\n').encode()
    at = open_app({}, "../pages/data.py")
    at.file_uploader(key="upload_market").upload("tracker.csv", WIDE).run()
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.selectbox(key="load_table").select("feature_requests").run()
    at.file_uploader(key="upload_feature_requests").upload("crm.csv", export).run()
    assert not at.error, [e.value for e in at.error]  # was: no column for request_id, segment
    assert not any("irregular" in r.label for r in at.radio)  # a calendar only matters for market and drivers
    shown = " ".join(w.value for w in at.warning)
    assert "each row counts as one request" in shown and "one segment, “All”" in shown
    next(b for b in at.button if b.label.startswith("Use this")).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="fr_feature").options == ["Dark mode 🌙", "Export to CSV, please", "SSO (SAML)"]
