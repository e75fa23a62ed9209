"""The recognizer families added for real documents: each shape caught, each look-alike left alone."""

from __future__ import annotations

import pytest

pytest.importorskip("presidio_analyzer")

from redaction.recognizers.cases import CaseNumberRecognizer  # noqa: E402
from redaction.recognizers.dates import VeilDateRecognizer  # noqa: E402
from redaction.recognizers.emails import AnyDomainEmailRecognizer  # noqa: E402
from redaction.recognizers.phones import (  # noqa: E402
    PhoneNumbersRecognizer, PhoneShapeRecognizer, ShortNumberRecognizer, in_a_table_of_decimals)
from redaction.recognizers.records import LabelledIdentifierRecognizer, ReferenceCodeRecognizer  # noqa: E402
from redaction.recognizers.vehicles import LicencePlateRecognizer, VinRecognizer, vin_check_digit_valid  # noqa: E402
from tests.unit.test_recognizers import found  # noqa: E402


@pytest.mark.parametrize("address", ["jdoe@corp.local", "anna.kowalska@fin.internal", "ops+alerts@build.lan",
                                     "r.osei@mail.example", "first_last@sub.corp.example.com"])
def test_email_addresses_on_any_domain_are_found_whole(address):
    assert found(AnyDomainEmailRecognizer(), f"write to {address}, thanks") == [address]


def test_an_at_sign_without_a_domain_is_not_an_address():
    assert found(AnyDomainEmailRecognizer(), "meet @ 5, or ping @team, price 3@4.50") == []


def test_vin_check_digit():
    assert vin_check_digit_valid("1M8GDM9AXKP042788")
    assert not vin_check_digit_valid("1M8GDM9A1KP042788")


def test_a_vin_counts_by_its_check_digit_or_its_label():
    rec = VinRecognizer()
    assert found(rec, "vehicle 1M8GDM9AXKP042788 was towed") == ["1M8GDM9AXKP042788"]
    assert found(rec, "part 1M8GDM9A1KP042788 was ordered") == []  # wrong check digit, no label
    assert found(rec, "VIN: WVWZZZ1JZXW000001 (EU, no check digit)") == ["WVWZZZ1JZXW000001"]


def test_licence_plates_need_their_label():
    rec = LicencePlateRecognizer()
    assert found(rec, "Registration: KX19 FBN, blue hatchback") == ["KX19 FBN"]
    assert found(rec, "licence plate B-MW 4821 seen leaving") == ["B-MW 4821"]
    assert found(rec, "the KX19 model and plate glass") == []


def test_case_numbers_after_a_case_label_and_each_item_of_their_list():
    rec = CaseNumberRecognizer()
    assert found(rec, "lodged an application (no. 12345/06) against") == ["12345/06"]
    assert found(rec, "the plots nos. 311, 47, 208/2 and 519 were") == ["311", "47", "208/2", "519"]
    assert found(rec, "Case No. 2:21-cv-01234-ABC was filed") == ["2:21-cv-01234-ABC"]
    assert found(rec, "Protocol No. 11 and Article 5 § 1 of the Convention") == []


def test_labelled_identifiers():
    rec = LabelledIdentifierRecognizer()
    assert found(rec, "Member ID: XJH-448-2917 on the card") == ["XJH-448-2917"]
    assert found(rec, "Health plan number 88 412 907 applies") == ["88 412 907"]
    assert found(rec, "Staff ID EMP00421 joined") == ["EMP00421"]
    assert found(rec, "the account number is unknown") == []


def test_reference_codes_by_shape_but_not_public_codes():
    rec = ReferenceCodeRecognizer()
    assert found(rec, "re POL-17-88213 and CLM/2024/00123") == ["POL-17-88213", "CLM/2024/00123"]
    assert found(rec, "certified ISO-27001, COVID-19 ward, ICD-10 codes, CVE-2021-44228") == []


def test_phone_numbers_in_the_numbering_plans_phonenumbers_knows():
    rec = PhoneNumbersRecognizer()
    text = "call 030 901820 or +33 1 42 68 53 00 or 020 7946 0018; ref 2024 12 31"
    assert sorted(found(rec, text)) == ["+33 1 42 68 53 00", "020 7946 0018", "030 901820"]


def test_short_numbers_only_after_a_pager_or_extension_label():
    rec = ShortNumberRecognizer()
    assert found(rec, "Pager #54321, ext. 4471") == ["54321", "4471"]
    assert found(rec, "bed 54321, room 4471, page 12") == []


def test_short_clinical_dates_but_not_fractions_or_scales():
    rec = VeilDateRecognizer()
    assert found(rec, "7/22 found on floor; MI in '92") == ["7/22", "'92"]
    assert found(rec, "pain 7/10, strength 4/5, D5 1/2 NS, 2/3 tabs") == []
    # ventilator pressures beside their mode, and a blood gas whose numbers can be no month and day
    assert found(rec, "on PSV 10/5 overnight, then 5/5 peep; BiPAP 12/5 with FiO2 40%") == []
    assert found(rec, "ABG 7.38/40/90 and 38/40/90; seen 12/03/2019 and 31.12.1990") == ["12/03/2019", "31.12.1990"]


def test_weekdays_and_clock_times_are_not_matched():
    assert found(VeilDateRecognizer(), "clinic every second Thursday at 9:00") == []


def test_slash_separated_german_numbers_are_phones_but_readings_are_not():
    assert found(PhoneNumbersRecognizer(), "Tel. 030/12345678 oder 0171/1234567") == ["030/12345678", "0171/1234567"]
    assert found(PhoneNumbersRecognizer(), "ABG 7.43/41/76/28, BP 91-102/45-52") == []


@pytest.mark.parametrize("recognizer", [PhoneNumbersRecognizer, PhoneShapeRecognizer])
def test_rows_and_columns_of_long_decimals_are_no_phones_whole_or_in_part(recognizer):
    table = "3 -0.482915736 1.203948576 0.77120394 2.5\nlat 51.507351 lon -0.127758 alt 35.2019384 x 12.3456789012"
    assert found(recognizer(), table) == []
    rows = "\n".join(" ".join(f"{(-1) ** k * (r * 7 + k) / 997:.9f}" for k in range(6)) for r in range(200))
    assert found(recognizer(), rows) == []  # candidates start inside a decimal in a long row


@pytest.mark.parametrize("phone", ["+49 30.12345678", "+33 1.23456789", "+41 44.1234567", "+44 20.79460958",
                                   "+1 212.5550199", "(212) 555.1234", "030.12345678", "0.800 123 4567",
                                   "1.800.555.0199"])
def test_dotted_phones_beside_their_fax_number_stay_phones(phone):
    fax = phone[:-1] + str((int(phone[-1]) + 1) % 10)
    text = f"Tel. {phone}, fax {fax}"
    for value in (phone, fax):
        start = text.index(value)
        assert not any(in_a_table_of_decimals(text, i, j) for i in range(start, start + len(value))
                       for j in range(i + 1, start + len(value) + 1))  # neither whole nor any part
    assert {phone, fax} <= set(found(PhoneNumbersRecognizer(), text))


@pytest.mark.parametrize("text, phones", [
    ("Cell. 347.1234567 / 338.7654321", ["347.1234567", "338.7654321"]),  # Italian mobiles, one dot
    ("Rossi 347.1234567\nBianchi 338.7654321\nVerdi 333.9876543", ["347.1234567", "338.7654321", "333.9876543"]),
    ("cell 347.1234567, Via Roma 1, Milano (45.464211, 9.190340)", ["347.1234567"]),  # beside coordinates
    ("Tel 212.5550199, fax 212.5550198", ["212.5550199", "212.5550198"]),
    ("call 1.8005550199 or 1.8005550198", ["1.8005550199", "1.8005550198"]),
    ("Tel 612.345678 / 698.765432", ["612.345678", "698.765432"]),  # Spanish numbers: nine digits
])
def test_phones_written_with_one_dot_stay_phones_in_a_column_or_beside_coordinates(text, phones):
    assert all(not in_a_table_of_decimals(text, text.index(p), text.index(p) + len(p)) for p in phones)
    assert set(phones) <= set(found(PhoneNumbersRecognizer(), text))


def test_a_column_of_signed_longitudes_stays_no_phone():
    assert found(PhoneNumbersRecognizer(), "-122.419416 37.774929\n-118.243683 34.052235") == []


def test_a_lone_dotted_local_number_stays_a_phone():
    assert "555.1234" in found(PhoneShapeRecognizer(), "phone 555.1234 after six")


def test_years_after_ordinary_words_are_dates_but_not_after_a_currency():
    assert found(VeilDateRecognizer(), "between 2015 and 2019 the") == ["2015", "2019"]
    assert found(VeilDateRecognizer(), "a fee of USD 1950 was paid") == []


def test_a_numbered_list_item_after_a_label_is_no_case_number():
    assert found(CaseNumberRecognizer(), "Action: 1. Start metoprolol") == []


def test_plate_label_lookbehind_stays_fast_on_long_blank_runs():
    import time

    started = time.perf_counter()
    found(LicencePlateRecognizer(), "plate" + " " * 3000 + "x")
    assert time.perf_counter() - started < 1.0


def test_every_name_recognizer_is_registered():
    """The registry lists the name recognizers itself: a new one left out of it would never run."""
    import inspect

    from redaction.recognizers import cued_names, names, veil_recognizers

    defined = {cls.__name__ for module in (names, cued_names) for _, cls in inspect.getmembers(module, inspect.isclass)
               if cls.__module__ == module.__name__ and cls.__name__.endswith("NameRecognizer")
               and not cls.__name__.startswith("_")}
    registered = {type(r).__name__ for r in veil_recognizers()}
    assert defined and defined <= registered


def test_recognizers_serve_the_configured_language():
    """redaction.language reaches every Veil recognizer; none keeps a language of its own."""
    from redaction.recognizers import veil_recognizers

    assert {r.supported_language for r in veil_recognizers("de")} == {"de"}
    assert {r.supported_language for r in veil_recognizers()} == {"en"}


def test_the_matcher_is_not_asked_about_a_table_of_decimals_and_finds_the_same(monkeypatch):
    """Stretches made only of a table's long decimals skip `phonenumbers` (fifteen plans, each with its
    inner matches): the numbers found are exactly those found when every stretch is asked."""
    import random

    from redaction.recognizers import phones

    rng = random.Random(7)
    rows = ["\n".join(" ".join(f"{rng.uniform(-2, 2):.{rng.choice([5, 6, 9])}f}" for _ in range(6))
                      for _ in range(40))]
    rows += ["Tel. +49 30.12345678, fax 030.12345679 -0.482915736 1.203948576",
             "(212) 555.1234 0.77120394 0.88120394", "00 44 20.79460958 0.123456 0.654321",
             "lat 51.507351 lon -0.127758 cell 347.1234567 / 338.7654321 12.3456789012"]
    # a second "decimal" that is only the start of a longer token must not count as one
    rows += [f"reading 0.48291537 noted;{' ' * gap}1.234567e-05 and 0.7654321x" for gap in range(40, 90)]
    asked = []
    matches = phones._matches
    monkeypatch.setattr(phones, "_matches", lambda window, region: asked.append(window) or matches(window, region))
    with_skip = [found(PhoneNumbersRecognizer(), text) for text in rows]
    table_windows = sum(map(asked.count, set(asked) & set(_windows(rows[0]))))  # the table's, asked
    monkeypatch.setattr(phones, "_only_decimals_of_a_table", lambda text, start, end: False)
    asked.clear()
    assert [found(PhoneNumbersRecognizer(), text) for text in rows] == with_skip
    all_table_windows = sum(map(asked.count, set(asked) & set(_windows(rows[0]))))
    assert table_windows < all_table_windows / 4  # the table's stretches were not asked
    assert "+49 30.12345678" in with_skip[1] and "347.1234567" in with_skip[4]


def _windows(text: str) -> list[str]:
    from redaction.recognizers import phones

    return [text[max(0, c.start() - 1):c.end() + 1] for c in phones._CANDIDATE.finditer(text)]


def test_a_verb_of_residence_names_a_place_in_any_note():
    from redaction.recognizers.places import ResidencePlaceRecognizer

    residence = ResidencePlaceRecognizer()
    text = ("Lives alone in Eastmere. Resides with her son near Port Velmora; grew up in the Fenwold "
            "Valley and was born at Larkmere.")
    assert found(residence, text) == ["Eastmere", "Port Velmora", "Fenwold Valley", "Larkmere"]


@pytest.mark.parametrize("text", ["Lives at home with wife.", "Lives in Section 8 housing.", "Pt lives in NH.",
                                  "Born in March 1950.", "Lives alone in an apartment.",
                                  "Questions raised in Parliament.", "Was admitted to ICU."])
def test_no_place_after_a_verb_of_residence(text):
    from redaction.recognizers.places import ResidencePlaceRecognizer

    assert found(ResidencePlaceRecognizer(), text) == []


def test_a_place_of_residence_survives_a_shorthand_note():
    """In a note dense with abbreviations a lone capitalised guess goes; a place after "lives in" stays."""
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector
    from redaction.redactor import DocumentRedactor
    from redaction.transform.operators import ReplacementPolicy

    note = ("Pt 67 y/o F w/ hx DM2, HTN, CHF, s/p CABG, presenting w/ SOB. BP 142/88, HR 76, SpO2 94% RA. "
            "Lives alone in Eastmere. Plan: cont lasix 40mg IV BID, f/u echo, ECG, CXR.")
    redacted = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy()).redact([note], scope="t")[0]
    assert "Eastmere" not in redacted.text and "lasix 40mg IV BID" in redacted.text


def test_medicare_beneficiary_identifiers_by_their_positions():
    from redaction.recognizers.government import MedicareBeneficiaryRecognizer

    mbi = MedicareBeneficiaryRecognizer()
    assert found(mbi, "MBI 1EG4-TE5-MK73, new card 2GH7TR9QN45") == ["1EG4-TE5-MK73", "2GH7TR9QN45"]
    # a letter the format never uses (S, L, O, I, B, Z), dashes in one place only, digits throughout
    assert found(mbi, "1ES4-TE5-MK73 1EG4-TE5MK73 1234-567-8901 SKU 2AB3-CD4-EF56") == []


def test_surnames_with_an_elided_prefix_or_two_parts_after_an_honorific():
    from redaction.recognizers.cued_names import CuedNameRecognizer
    from redaction.recognizers.organisations import PartnershipRecognizer

    cued = CuedNameRecognizer()
    assert found(cued, "Mrs. O'Neill-Hughes and Mr D'Arcy called.") == ["O'Neill-Hughes", "D'Arcy"]
    assert found(cued, "Mr. Know-It-All said so") == []
    # a firm-style compound never starts inside "O'<Surname>": the whole word or nothing
    assert found(PartnershipRecognizer(), "met O'Neill-Hughes today") == ["O'Neill-Hughes"]


def test_practices_and_medical_groups_are_places_of_care():
    from redaction.recognizers.places import CareFacilityRecognizer

    care = CareFacilityRecognizer()
    text = "Front desk | Bayview Pediatrics | 2100 Webster St. Records from Oakwood Medical Group and Harbor Urgent Care."
    assert found(care, text) == ["Bayview", "Oakwood", "Harbor"]  # the name; the kind of place stays readable
    assert found(care, "Seen by pediatrics, then referred to urgent care.") == []


def test_canadian_postal_codes_by_their_letters_and_digits():
    from redaction.recognizers.postcodes import CanadianPostalCodeRecognizer

    canada = CanadianPostalCodeRecognizer()
    assert found(canada, "Toronto, ON M5J 2S8, or K1A0B1.") == ["M5J 2S8", "K1A0B1"]
    # letters Canada Post never uses there, lower case, and a longer token are no postal code
    assert found(canada, "D5J 2S8, M5J 2SU, m5j 2s8, AM5J 2S8") == []


def test_a_postcode_after_a_known_place():
    from redaction.recognizers.postcodes import PlaceThenPostcodeRecognizer

    after = PlaceThenPostcodeRecognizer()
    assert found(after, "Bandra West, Mumbai 400050. Moscow, 125009; Mumbai - 400 050") == ["400050", "125009", "400 050"]
    # a year, a reading, a sum or an unknown word before the digits are none
    assert found(after, "Mumbai 2024, Leeds 12.50001, Chapter 400050, Mumbai 4000500") == []


def test_a_unit_before_the_house_number_belongs_to_the_address():
    from redaction.recognizers.addresses import StreetAddressRecognizer

    assert set(found(StreetAddressRecognizer(), "Ship to 1205-88 Harbour Street, Toronto")) == {"1205-88 Harbour Street, Toronto"}


def test_ages_in_words_after_their_cue():
    from redaction.recognizers.ages import AgeRecognizer

    age = AgeRecognizer()
    text = "aged ninety-four per chart; a ninety-two-year-old widow; one hundred and one years old; age of 93"
    assert found(age, text) == ["ninety-four", "ninety-two", "one hundred and one", "93"]
    # after "turned" only digits: English turns pages, corners and heads too
    assert found(age, "she turned two pages, then turned ninety") == []
    assert found(age, "in the age of enlightenment, ten years on") == []


def test_a_date_may_stand_between_the_verb_of_residence_and_the_place():
    from redaction.recognizers.places import ResidencePlaceRecognizer

    assert found(ResidencePlaceRecognizer(), "Born 17.02.1948 in Eastmere, moved later.") == ["Eastmere"]
