"""Spans of time are not dates of a person: they stay readable."""

from __future__ import annotations

import pytest

from redaction.durations import drop_durations, is_duration
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
    assert [text[d.start:d.end] for d in drop_durations([text], [dets])[0]] == ["3 May 2024", "12 months"]
