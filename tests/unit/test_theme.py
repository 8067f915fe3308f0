"""One colour per company: ours the accent, stable whatever else is in the data."""

from __future__ import annotations

from dashboard.theme import OTHERS_COLOR, OUR_COLOR, company_colors


def test_ours_and_others_have_fixed_colours():
    colors = company_colors(["Apex", "Northwind", "Others"], "Northwind")
    assert colors["Northwind"] == OUR_COLOR and colors["Others"] == OTHERS_COLOR


def test_competitors_get_distinct_colours():
    names = ["Apex", "Brightline", "Corvid", "Dynamo", "Fluxion", "Northwind", "Others"]
    colors = company_colors(names, "Northwind")
    assert len(set(colors.values())) == len(names)


def test_a_company_keeps_its_colour_across_datasets():
    a = company_colors(["Apex", "Northwind"], "Northwind")
    b = company_colors(["Apex", "Zeta Corp", "Northwind", "Others"], "Northwind")
    assert a["Apex"] == b["Apex"]


def test_choosing_another_company_as_ours_recolours_only_it():
    names = ["Apex", "Brightline", "Corvid", "Dynamo", "Fluxion", "Northwind", "Others"]
    usual, apex_ours = company_colors(names, "Northwind"), company_colors(names, "Apex")
    assert apex_ours["Apex"] == OUR_COLOR and apex_ours["Northwind"] != OUR_COLOR
    assert all(usual[n] == apex_ours[n] for n in names if n not in {"Apex", "Northwind"})
