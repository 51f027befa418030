import pytest
from hypothesis import given, strategies as st

import datetime

from quizgen.dates import FIRST_YEAR, LAST_YEAR, DateError, PartialDate, parse_date, shift_days, shift_months


@pytest.mark.parametrize("text, expected, precision", [
    ("2020", PartialDate(2020), "year"),
    ("2020-01", PartialDate(2020, 1), "month"),
    ("2020-01-13", PartialDate(2020, 1, 13), "day"),
    (2011, PartialDate(2011), "year"),
    ("2020-02-29", PartialDate(2020, 2, 29), "day"),
])
def test_parse_keeps_precision(text, expected, precision):
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed.precision == precision


@pytest.mark.parametrize("text, fragment", [
    ("2019-02-29", "February 2019 has 28 days"),
    ("2020-13", "month 13"),
    ("13/01/2020", "not a date"),
    ("2020-1-3", "not a date"),
    ("", "not a date"),
])
def test_parse_rejects_with_reason(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_date(text)


def test_bool_is_not_a_year():
    with pytest.raises(ValueError):
        parse_date(True)


def test_human_forms():
    assert PartialDate(2020, 1, 13).human() == "13 January 2020"
    assert PartialDate(2020, 1).human() == "January 2020"
    assert PartialDate(2011).human() == "2011"
    assert PartialDate(2020, 1, 14).weekday() == "Tuesday"


def test_shifts_cross_boundaries():
    assert shift_days(PartialDate(2019, 12, 31), 1) == PartialDate(2020, 1, 1)
    assert shift_months(PartialDate(2020, 1), -1) == PartialDate(2019, 12)


@given(st.dates())
def test_iso_round_trip(day):
    text = day.isoformat()
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        assert parse_date(text).iso() == text
    else:
        with pytest.raises(DateError, match="outside the years"):
            parse_date(text)


@given(st.dates(min_value=datetime.date(FIRST_YEAR, 1, 1),
                max_value=datetime.date(LAST_YEAR, 12, 31)), st.integers(-7, 7), st.integers(-12, 12))
def test_date_arithmetic_never_fails_inside_the_year_range(day, days, months):
    date = parse_date(day.isoformat())
    assert shift_days(date, days).year >= 1
    assert shift_months(PartialDate(date.year, date.month), months).year >= 1


PARTIAL_DATES = st.builds(
    lambda d, precision: PartialDate(d.year, *((d.month, d.day) if precision == "day" else
                                               (d.month,) if precision == "month" else ())),
    st.dates(min_value=datetime.date(2018, 1, 1), max_value=datetime.date(2021, 12, 31)),
    st.sampled_from(["year", "month", "day"]))


@given(PARTIAL_DATES, PARTIAL_DATES)
def test_first_and_last_day_bound_a_date_and_agree_with_disjoint(a, b):
    """A date means the days from its first to its last; two dates are disjoint exactly when those
    days do not meet (so single dates are treated as before spans existed)."""
    from quizgen.dates import first_day, last_day
    from quizgen.generators.dates import disjoint

    assert first_day(a) <= last_day(a)
    assert (first_day(a) == last_day(a)) == (a.precision == "day")
    assert datetime.date.fromordinal(first_day(a)).year == a.year == datetime.date.fromordinal(last_day(a)).year
    assert disjoint(a, b) == (last_day(a) < first_day(b) or last_day(b) < first_day(a))
