"""The track record's arithmetic, on numbers built here and checked by hand."""

import math

import pandas as pd
import pytest

from analysis.track_record import check_forecast, error_words, period_name, record_words, summary_line


def months(start: str, n: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


def made(start: str, points, lower, upper) -> pd.DataFrame:
    return pd.DataFrame({"period": months(start, len(points)), "point": points, "lower": lower, "upper": upper})


def test_errors_coverage_and_mape_match_hand_arithmetic():
    forecast = made("2026-01-01", [104.0, 90.0, 200.0, 50.0], [95.0, 85.0, 150.0, 40.0], [110.0, 95.0, 210.0, 60.0])
    actuals = pd.Series([100.0, 100.0, 160.0, 50.0], index=months("2026-01-01", 4))
    record = check_forecast(forecast, actuals, version="version 1", level=0.9, model="ETS")
    # (104-100)/100 = +4%, (90-100)/100 = -10%, (200-160)/160 = +25%, (50-50)/50 = 0%
    assert record.rows["error_pct"].tolist() == pytest.approx([4.0, -10.0, 25.0, 0.0])
    assert record.mape == pytest.approx((4 + 10 + 25 + 0) / 4)
    assert record.bias == pytest.approx((4 - 10 + 25 + 0) / 4)
    # 100 in [95, 110] yes; 100 in [85, 95] no; 160 in [150, 210] yes; 50 in [40, 60] yes
    assert record.rows["inside"].tolist() == [True, False, True, True]
    assert (record.inside, record.checked) == (3, 4)


def test_a_band_edge_counts_as_inside():
    forecast = made("2026-01-01", [100.0], [90.0], [110.0])
    record = check_forecast(forecast, pd.Series([110.0], index=months("2026-01-01", 1)), version="v", level=0.8)
    assert record.inside == 1


def test_zero_actual_has_no_percentage_but_its_band_is_checked():
    forecast = made("2026-01-01", [5.0, 110.0], [-2.0, 100.0], [8.0, 120.0])
    actuals = pd.Series([0.0, 100.0], index=months("2026-01-01", 2))
    record = check_forecast(forecast, actuals, version="v", level=0.9)
    assert math.isnan(record.rows["error_pct"].iloc[0])
    assert record.mape == pytest.approx(10.0)  # only the second period: (110-100)/100
    assert (record.inside, record.checked) == (2, 2)
    assert "zero" in error_words(record.rows["period"].iloc[0], record.rows["error_pct"].iloc[0], "monthly")


def test_all_zero_actuals_give_no_average_but_still_a_band_count():
    forecast = made("2026-01-01", [1.0], [0.0], [2.0])
    record = check_forecast(forecast, pd.Series([0.0], index=months("2026-01-01", 1)), version="v", level=0.9)
    assert math.isnan(record.mape)
    assert summary_line([record], "monthly") == ("Past forecasts: no percentage error (zero actuals); "
                                                 "1 of 1 month inside the 90% band")


def test_missing_periods_are_left_out_not_counted_as_misses():
    forecast = made("2026-01-01", [100.0, 100.0, 100.0, 100.0], [90.0] * 4, [110.0] * 4)
    # February absent, March missing (NaN), April beyond the forecast's actuals: two periods checked.
    actuals = pd.Series([105.0, float("nan"), 120.0], index=pd.to_datetime(["2026-01-01", "2026-03-01", "2026-04-01"]))
    record = check_forecast(forecast, actuals, version="v", level=0.9)
    assert record.rows["period"].tolist() == list(pd.to_datetime(["2026-01-01", "2026-04-01"]))
    assert record.rows["error_pct"].tolist() == pytest.approx([100 / 105 * 100 - 100, 100 / 120 * 100 - 100])
    assert (record.inside, record.checked) == (1, 2)


def test_no_overlapping_period_gives_no_record_and_no_summary():
    forecast = made("2027-01-01", [1.0, 2.0], [0.0, 1.0], [2.0, 3.0])
    actuals = pd.Series([1.0, 2.0], index=months("2026-01-01", 2))
    assert check_forecast(forecast, actuals, version="v", level=0.9) is None
    assert summary_line([], "monthly") is None


def test_summary_pools_every_checked_period_of_every_version():
    first = check_forecast(made("2026-01-01", [103.0, 97.0], [90.0, 90.0], [110.0, 110.0]),
                           pd.Series([100.0, 100.0], index=months("2026-01-01", 2)), version="v1", level=0.9)
    second = check_forecast(made("2026-02-01", [100.0, 130.0], [95.0, 105.0], [105.0, 115.0]),
                            pd.Series([100.0, 100.0], index=months("2026-02-01", 2)), version="v2", level=0.9)
    # |3|, |-3|, |0|, |30| -> 36 / 4 = 9%; inside: yes, yes, yes, no
    assert summary_line([first, second], "monthly") == ("Past forecasts: off by 9% on average; "
                                                        "3 of 4 months inside the 90% band")
    assert summary_line([first], "quarterly").endswith("2 of 2 quarters inside the 90% band")


def test_error_and_period_words():
    march = pd.Timestamp("2026-03-01")
    assert error_words(march, 4.2, "monthly") == "The forecast of March 2026 was 4% too high"
    assert error_words(march, -12.6, "monthly") == "The forecast of March 2026 was 13% too low"
    assert error_words(march, 0.3, "monthly") == "The forecast of March 2026 was within 1% of the actual"
    assert period_name(march, "quarterly") == "Q1 2026"
    assert period_name(march, "yearly") == "2026"
    assert period_name(pd.Timestamp("2026-03-02"), "weekly") == "the week of 2 Mar 2026"


def test_record_words_say_the_lean_when_errors_run_one_way():
    record = check_forecast(made("2026-01-01", [110.0, 120.0], [100.0, 105.0], [115.0, 130.0]),
                            pd.Series([100.0, 100.0], index=months("2026-01-01", 2)), version="version 2", level=0.9)
    assert record_words(record, "monthly") == ("The forecast made on version 2 was off by 15% on average, running high; "
                                               "1 of 2 months fell inside its 90% band.")
