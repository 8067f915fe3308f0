"""Irregular dates placed on a calendar: what moved where is said, clashes are refused, gaps stay gaps."""

from __future__ import annotations

from data.validate import load, main
from tests.share_files import survey_csv


def survey(dates: list[str]) -> bytes:
    return ("date,company,share\n" + "".join(f"{d},A,60\n{d},B,40\n" for d in dates)).encode()


def test_without_a_calendar_irregular_dates_are_refused_with_the_way_out():
    loaded = load("survey.csv", survey_csv())
    assert not loaded.ok
    assert "Choose a calendar (month, quarter or year)" in loaded.report.errors[0].line()


def test_on_a_quarterly_calendar_each_date_moves_to_its_quarter_and_empty_quarters_stay_empty():
    loaded = load("survey.csv", survey(["2020-02-10", "2020-05-20", "2021-01-15", "2021-12-30"]), calendar="quarterly")
    assert loaded.ok
    frame = loaded.frame
    a = frame[frame["company"] == "A"].set_index("date")["share"]
    assert [f"{d:%Y-%m}" for d in a.index] == ["2020-01", "2020-04", "2020-07", "2020-10", "2021-01", "2021-04",
                                              "2021-07", "2021-10"]
    assert a.isna().tolist() == [False, False, True, True, False, True, True, False]
    warning = next(w.line() for w in loaded.report.warnings if "calendar" in w.line())
    assert "4 date(s) moved to the start of their quarter (2020-02-10 → 2020 Q1, 2020-05-20 → 2020 Q2" in warning
    assert "4 quarter(s) without an observation stay empty" in warning
    assert loaded.periodicity.period == "quarterly" and loaded.periodicity.count == 8


def test_two_observations_in_one_period_need_a_coarser_calendar_and_a_year_has_none():
    dates = ["2020-01-10", "2020-01-25", "2020-06-01", "2021-03-01", "2021-09-01"]
    monthly = load("survey.csv", survey(dates), calendar="monthly")
    assert not monthly.ok
    error = monthly.report.errors[0].line()
    assert "on a monthly calendar, 4 observations share a month" in error and "Jan 2020: 2020-01-10, 2020-01-25" in error
    assert "Choose quarter or year." in error
    yearly = load("survey.csv", survey(["2020-01-10", "2020-07-25", "2022-03-01"]), calendar="yearly")
    assert not yearly.ok and "No calendar is coarser than a year" in yearly.report.errors[0].line()


def test_the_command_line_places_irregular_dates_with_calendar(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_bytes(survey_csv())
    assert main([str(path)]) == 1
    assert main([str(path), "--calendar", "yearly"]) == 0
    assert "placed on a yearly calendar" in capsys.readouterr().out
