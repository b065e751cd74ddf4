from datetime import date, datetime

import pytest

from qactl.dates import DateParseError, add_months, age_on, offset, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2012", date(2012, 4, 3)),  # day first, as in England
        ("3/4/12", date(2012, 4, 3)),
        ("03-04-2012", date(2012, 4, 3)),
        ("03.04.2012", date(2012, 4, 3)),
        ("2012-04-03", date(2012, 4, 3)),
        ("3 April 2012", date(2012, 4, 3)),
        ("Tue 3rd Apr 2012", date(2012, 4, 3)),
        ("03/04/2012 14:05", date(2012, 4, 3)),
        (" 03/04/2012 ", date(2012, 4, 3)),
    ],
)
def test_text_dates_are_day_first(text, expected):
    assert parse_date(text) == expected


def test_excel_serials_and_datetimes():
    assert parse_date(45658) == date(2025, 1, 1)
    assert parse_date(45658.75) == date(2025, 1, 1)
    assert parse_date(datetime(2025, 3, 3, 9, 30)) == date(2025, 3, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("04/23/2025", "US-style"),
        ("31/02/2025", "not a real date"),
        ("soon", "DD/MM/YYYY"),
        ("", "empty"),
    ],
)
def test_bad_dates_say_why(text, message):
    with pytest.raises(DateParseError, match=message):
        parse_date(text)


def test_statutory_arithmetic():
    # docs/rubrics.md: due = start + 7 × weeks; SEND Regulations 2014 reg 13(2), 20 weeks: a request received 3 March 2025 is due by 21 July 2025
    assert offset(date(2025, 3, 3), weeks=20) == date(2025, 7, 21)
    assert offset(date(2025, 3, 3), weeks=-2) == date(2025, 2, 17)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert offset(date(2024, 5, 10), months=12) == date(2025, 5, 10)


def test_age_turns_on_the_birthday():
    assert age_on(date(2011, 9, 1), date(2025, 8, 31)) == 13
    assert age_on(date(2011, 9, 1), date(2025, 9, 1)) == 14
    assert age_on(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert age_on(date(2012, 2, 29), date(2026, 3, 1)) == 14
