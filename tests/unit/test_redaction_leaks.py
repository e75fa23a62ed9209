"""Personal data that a keep-rule (a reason to leave text readable) once let through, through the real
redactor: each case names the kind of text, and what must stay readable beside it."""

from __future__ import annotations

import pytest

pytest.importorskip("presidio_analyzer")

from core.settings import RedactionSettings  # noqa: E402
from redaction.field_labels import labels_a_placeholder  # noqa: E402
from redaction.redactor import DocumentRedactor  # noqa: E402
from redaction.transform.operators import ReplacementPolicy  # noqa: E402


@pytest.fixture(scope="module")
def redact():
    from redaction.presidio import PresidioDetector

    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    return lambda text: redactor.redact([text])[0].text


@pytest.mark.parametrize("text, value", [
    ("Hi Stephen, please find attached the signed lease.", "Stephen"),  # ends like a drug ("-phen")
    ("Murphy was reviewed in clinic on Tuesday.", "Murphy"),  # a clinical eponym, outside clinical text
    ("Letter from Hartmann about the invoice.", "Hartmann"),
    ("Hi Paloma and Chioma, see you Monday.", "Chioma"),  # "-oma", a name of the worldwide lists
    ("Dear Jasvir, thanks for the call.", "Jasvir"),  # greeted by a salutation
    ("Dear Jasvir Singh, thanks.", "Jasvir"),
])
def test_names_that_end_like_terms_or_are_greeted_are_redacted(redact, text, value):
    assert value not in redact(text)


def test_clinical_eponyms_and_drugs_stay_readable_in_clinical_text(redact):
    note = "Pt has Foley catheter in place, Murphy sign negative, started Metoprolol and Heparin."
    assert redact(note) == note


@pytest.mark.parametrize("text", ["Dear Customer, your order shipped.", "Hi Team, see below."])
def test_a_salutation_to_no_one_stays(redact, text):
    assert redact(text) == text


@pytest.mark.parametrize("text, value", [
    ("Tel. 089/12 34 56", "12 34 56"),  # an area code after a trunk zero, then a slash
    ("Tel. 0221/98 76 54, Fax 0221/98 76 55", "98 76 5"),
    ("Tel 02/123.45.67", "123.45"),
])
def test_phones_with_a_slash_after_the_area_code_are_redacted(redact, text, value):
    assert value not in redact(text)


@pytest.mark.parametrize("text", ["pain 7/10, 2x 1/2 tabs, strength 4/5", "GCS 15/15", "power 14/5",
                                  "on PSV 15/5 overnight"])
def test_readings_with_slashes_stay_readable(redact, text):
    assert redact(text) == text


@pytest.mark.parametrize("text, value", [
    ("Dx 3/14 after a fall", "3/14"),  # "x" ends the word: no scale cue
    ("wrist fx 4/18, cast on", "4/18"),
    ("Patient admitted on the 3rd of June after a fall.", "3rd"),  # a day of a month, no year
    ("DOB: 4th March", "4th"),
    ("Seen Sept 8th by the team.", "8th"),
    ("Admitted 14/03, discharged 21/03.", "14/03"),  # day/month: the first number can only be a day
    ("DOB 03-MAR-1962", "03-MAR"),  # a records system's day-month-year
    ("DOB: 03-Mar-62", "03-Mar"),
])
def test_days_of_a_month_are_redacted(redact, text, value):
    assert value not in redact(text)


def test_schedules_stay_readable(redact):
    text = "Clinic every 2nd Tuesday of the month and the first Monday of March."
    assert redact(text) == text


@pytest.mark.parametrize("text, value", [
    ("Mail: jürgen.weiß@beispiel.de", "weiß"),  # an internationalised address (RFC 6531)
    ("Contact info@müller-bäckerei.de today", "bäckerei"),
    ("write priya_sharma1987 AT yahoo DOT co DOT in", "priya"),  # markers in capitals
])
def test_internationalised_and_capitalised_obfuscated_emails_are_redacted(redact, text, value):
    assert value not in redact(text)


@pytest.mark.parametrize("text, word", [
    ("call Mr Ni on <PHONE_NUMBER_1>", "Ni"),
    ("Letter to Dr Field, <STREET_ADDRESS_1>", "Field"),
    ("Send to Mr Street at <EMAIL_ADDRESS_1>", "Mr Street"),
])
def test_a_label_word_after_an_honorific_is_a_name_to_the_egress_guard(text, word):
    start = text.index(word)
    assert not labels_a_placeholder(text, start, start + len(word))


@pytest.mark.parametrize("text, word", [("paid to IBAN <IBAN_CODE_1>", "IBAN"),
                                        ("Street <STREET_ADDRESS_1>", "Street")])
def test_a_label_word_beside_a_placeholder_is_still_context(text, word):
    start = text.index(word)
    assert labels_a_placeholder(text, start, start + len(word))


@pytest.mark.parametrize("text, value", [
    ("id: 1041; first name: John; last name: Smith; dob: 1981-04-02; city: Leeds", "Leeds"),  # a table row
    ("Town: St Ives", "Ives"),
    ("Place of birth: Cluj-Napoca, Romania", "Cluj"),
])
def test_the_place_after_a_place_label_is_redacted(redact, text, value):
    assert value not in redact(text)


def test_a_place_label_with_no_place_after_it_stays(redact):
    assert redact("county: not known") == "county: not known"


@pytest.mark.parametrize("text, value", [
    ("Hosp No: RMH123456", "123456"),
    ("Med Rec #: 00-48-2913", "2913"),
    ("UHID: MH1234567", "1234567"),
    ("N° patient : 884512", "884512"),  # French forms
    ("driving licence MORGA753116SM9IJ", "753116"),
    ("Codice fiscale RSSMRA85T10A562S", "A562S"),
    ("DNI 12345678Z, NIE X1234567L", "1234567"),
])
def test_identifiers_after_the_labels_of_other_forms_and_languages_are_redacted(redact, text, value):
    assert value not in redact(text)


def test_a_record_label_without_a_number_after_it_stays(redact):
    text = "the driving licence was renewed last spring"
    assert redact(text) == text


def test_a_spanish_avenue_abbreviated_with_a_dot_is_an_address(redact):
    assert "Constitución" not in redact("Avda. de la Constitución 24, 41001 Sevilla")


@pytest.mark.parametrize("text, value", [
    ("nato il 3 marzo 1962 a Roma", "marzo"),
    ("nacido el 3 de mayo de 1962", "mayo"),
    ("geboren am 3. März 1962", "März"),
    ("né le 1er janvier 1970", "janvier"),
    ("geboren op 3 mei 1962", "mei"),
    ("le 2 mars 1990", "mars"),
])
def test_dates_with_another_languages_month_are_redacted(redact, text, value):
    assert value not in redact(text)


@pytest.mark.parametrize("text", ["we had 3 mayo packets", "she gave 2 mars bars"])
def test_english_words_that_are_months_elsewhere_need_a_year_to_date(redact, text):
    assert redact(text) == text
