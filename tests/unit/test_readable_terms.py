"""Spans of time and credentials are not dates or places of a person: they stay readable."""

from __future__ import annotations

import pytest

from redaction.refine.time_words import dates_no_one, drop_time_words, is_duration
from redaction.spans import Detection


@pytest.mark.parametrize("value", [
    "48 hours", "14-day", "more than 30 minutes", "The first 90 days", "3 hours 42 minutes", "30 days'",
    "12 months", "two and a half years", "a few weeks", "six-month", "about 2 hrs", "for 10 days.",
])
def test_durations(value):
    assert is_duration(value)


@pytest.mark.parametrize("value", [
    "16 February 2024", "March 4, 2024", "2019", "about 5:40 pm", "45 years old", "January",
    "3 May 2024", "the 1990s", "Monday", "14 days from 3 May 2024",
])
def test_dates_times_and_ages_are_not_durations(value):
    assert not is_duration(value)


def test_only_date_time_detections_of_durations_are_dropped():
    text = "Take it for 7 days from 3 May 2024; case 12 months."
    dets = [Detection("DATE_TIME", 12, 18, 0.85, "SpacyRecognizer"),
            Detection("DATE_TIME", 24, 34, 0.85, "SpacyRecognizer"),
            Detection("ID_NUMBER", 41, 50, 0.6, "Labelled")]
    assert [text[d.start:d.end] for d in drop_time_words([text], [dets])[0]] == ["3 May 2024", "12 months"]


def test_credentials_after_a_name_are_not_places_but_a_state_after_a_city_is():
    from redaction.refine.credentials import drop_credentials

    text = "Samuel Okafor, MD, PhD saw her. Ship to Baltimore, MD 21201."

    def det(kind, value, start=0):
        at = text.index(value, start)
        return Detection(kind, at, at + len(value), 0.85, "SpacyRecognizer")

    dets = [det("PERSON", "Samuel Okafor"), det("LOCATION", "MD"), det("ORGANIZATION", "PhD"),
            det("LOCATION", "Baltimore"), det("LOCATION", "MD", 40)]
    kept = drop_credentials([text], [dets])[0]
    assert [(text[d.start:d.end], d.start) for d in kept] == [
        ("Samuel Okafor", 0), ("Baltimore", text.index("Baltimore")), ("MD", text.index("MD", 40))]


@pytest.mark.parametrize("value", [
    "every second Thursday", "each Monday at 9:00", "twice daily", "on Friday", "in March", "Friday morning",
    "14:30", "at 9 am", "noon", "weekly", "every other week", "Mondays and Wednesdays",
])
def test_schedules_weekdays_months_and_clock_times_date_no_one(value):
    assert dates_no_one(value)


@pytest.mark.parametrize("value", [
    "March 12", "12 March 2024", "Friday 3 May", "1992", "7/22", "'92", "2024-03-05 14:30", "March 2024",
])
def test_dates_of_a_person_stay_dates(value):
    assert not dates_no_one(value)


def test_four_digit_clock_times_of_a_shift_are_dropped_but_years_stay():
    text = ("Events 1900-0700: hct at 2000, meds 0730. MI in 2000, CABG 1999-2001, surgery 1900-2000, "
            "moved to a flat at 2035 Harbour Road.")
    dets = _guessed_dates(text, ["1900-0700", "2000", "0730", "2000", "1999-2001", "1900-2000", "2035"])
    kept = [text[d.start:d.end] for d in drop_time_words([text], [dets])[0]]
    # the year after "in", a year range, an ambiguous range, a building number
    assert kept == ["2000", "1999-2001", "1900-2000", "2035"]


def test_the_year_of_a_public_instrument_is_kept_and_a_persons_year_is_not():
    text = "Under the Equality Act 2010, the Act of 1998 and Council Directive (1993); she was born in 1998."
    dets = _guessed_dates(text, ["2010", "1998", "(1993)", "1998"])
    kept = [(d.start, text[d.start:d.end]) for d in drop_time_words([text], [dets])[0]]
    assert kept == [(dets[3].start, "1998")]  # only the year after "born in"


def _guessed_dates(text: str, values: list[str]) -> list[Detection]:
    """spaCy's DATE guesses on each value, in order of appearance."""
    dets, at = [], 0
    for value in values:
        at = text.index(value, at)
        dets.append(Detection("DATE_TIME", at, at + len(value), 0.85, "SpacyRecognizer"))
        at += len(value)
    return dets
