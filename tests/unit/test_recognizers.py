"""Veil's recognizers on hand-written examples: each shape caught, and a look-alike left alone."""

from __future__ import annotations

import pytest

pytest.importorskip("presidio_analyzer")

from redaction.recognizers.addresses import StreetAddressRecognizer  # noqa: E402
from redaction.recognizers.ages import AgeRecognizer  # noqa: E402
from redaction.recognizers.dates import VeilDateRecognizer  # noqa: E402
from redaction.recognizers.financial import LuhnCardRecognizer, VeilIbanRecognizer, iban_valid, luhn_valid  # noqa: E402
from redaction.recognizers.phones import PhoneShapeRecognizer  # noqa: E402
from redaction.recognizers.postcodes import ZipCodeRecognizer  # noqa: E402
from core.vocabulary.patterns import trie_regex  # noqa: E402
from redaction.recognizers.names import LowercaseNameRecognizer  # noqa: E402
from redaction.recognizers.organisations import CompanySuffixRecognizer  # noqa: E402
from redaction.recognizers.places import CountryRecognizer  # noqa: E402
from redaction.recognizers.titles import HonorificRecognizer, JobTitleRecognizer, NrpRecognizer, RaceRecognizer  # noqa: E402
from redaction.recognizers.convictions import CustodialSentenceRecognizer  # noqa: E402


def found(recognizer, text, threshold=0.35):
    """The texts a recognizer reports with at least the analyzer's default threshold."""
    entities = recognizer.supported_entities
    return [text[r.start:r.end] for r in recognizer.analyze(text, entities, None) if r.score >= threshold]


def test_luhn_checksum():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


def test_card_numbers_plain_spaced_and_dashed_pass_only_with_a_valid_checksum():
    card = LuhnCardRecognizer()
    assert found(card, "card 4111 1111 1111 1111 on file") == ["4111 1111 1111 1111"]
    assert found(card, "card 5500-0000-0000-0004.") == ["5500-0000-0000-0004"]
    assert found(card, "pay with 378282246310005 today") == ["378282246310005"]
    assert found(card, "order 4111 1111 1111 1112 shipped") == []


def test_iban_mod97_any_country_and_case():
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert not iban_valid("DE89 3704 0044 0532 0130 01")
    iban = VeilIbanRecognizer()
    assert found(iban, "IBAN: fr1420041010050500013m02606") == ["fr1420041010050500013m02606"]
    assert found(iban, "send to GB82 WEST 1234 5698 7654 32 please") == ["GB82 WEST 1234 5698 7654 32"]
    assert found(iban, "ref GB82 WEST 1234 5698 7654 33") == []


@pytest.mark.parametrize("phone", ["+44 20 7946 0958", "(02) 9876-5432", "06.12.34.56.78", "555-867-5309 x12",
                                   "+33 (0)1 42 68 53 00"])
def test_phone_numbers_in_national_and_international_layouts(phone):
    assert found(PhoneShapeRecognizer(), f"call me on {phone} tomorrow") == [phone]


def test_phone_leaves_dates_and_short_numbers_alone():
    assert found(PhoneShapeRecognizer(), "seen on 2024-03-05 and 12/03/2024, room 12 34") == []


@pytest.mark.parametrize("years", ["1990-2000", "2019–2021", "1998 - 2004", "2020-2020"])
def test_a_range_of_years_is_no_phone(years):
    assert found(PhoneShapeRecognizer(), f"the cohorts of {years} were pooled") == []


def test_eight_digits_that_are_no_range_of_years_stay_a_phone():
    """A later year first is no range; nor is a group outside 1800-2099."""
    assert found(PhoneShapeRecognizer(), "call 2020-1999 after five") == ["2020-1999"]
    assert found(PhoneShapeRecognizer(), "call 2345-6789 after five") == ["2345-6789"]


@pytest.mark.parametrize("text, address", [
    ("She lives at 1600 Pennsylvania Avenue NW, Washington, DC 20500.", "1600 Pennsylvania Avenue NW, Washington, DC 20500"),
    ("Office: Friedrichstraße 43, 10117 Berlin", "Friedrichstraße 43, 10117 Berlin"),
    ("Envoyez à 12 rue de la Paix, Paris", "12 rue de la Paix, Paris"),
    ("Adres: ul. Marszałkowska 84, Warszawa", "ul. Marszałkowska 84, Warszawa"),
    ("Ship to:\n221B Baker Street\nApt. 4\nLONDON\nNW1 6XE", "221B Baker Street\nApt. 4\nLONDON\nNW1 6XE"),
    ("Return it to PO Box 1234, Springfield.", "PO Box 1234, Springfield"),
    ("residing at 58 Marlowe Street, Apt 4B, Portland, OR 97209 (the Employee)",
     "58 Marlowe Street, Apt 4B, Portland, OR 97209"),  # "OR" is Oregon here, not a function word
])
def test_street_addresses_in_several_countries(text, address):
    assert address in found(StreetAddressRecognizer(), text)


def test_address_negative_cases():
    recognizer = StreetAddressRecognizer()
    assert found(recognizer, "Chapter 5 covers the first 12 weeks of treatment.") == []
    assert found(recognizer, "We scored 3 goals in the 2 matches of the season 2019.") == []
    assert found(recognizer, "Containment took 3 hours 42 minutes; give 2 tablets 3 times daily.") == []
    assert found(recognizer, "Loan amount $487,500 Interest rate 6.125% (locked).") == []
    assert found(recognizer, "The appraisal dated 12 March 2024 values it; pushed on 9 Apr 2024 Replace") == []


def test_a_lower_case_address_after_a_cue_goes_on_to_its_lower_case_postcode():
    recognizer = StreetAddressRecognizer()
    chat = "[10:04] customer: we moved. new address is 14 marrowbone walk, exeter ex4 6pq [10:05] agent: ok"
    assert found(recognizer, chat)[0] == "14 marrowbone walk, exeter ex4 6pq"
    block = "ship it to 14 marrowbone walk, exeter\nex4 6pq\nthanks a lot"
    assert found(recognizer, block)[0] == "14 marrowbone walk, exeter\nex4 6pq"  # "thanks" opens a sentence
    # "walk" needs a capital or a cue: ordinary sentences with a number before it stay readable
    assert found(recognizer, "it is a 14 minute walk, so we walk 14 green miles") == []
    assert found(recognizer, "we did 3 laps and a 2 mile walk today") == []


def test_a_street_in_a_re_cased_upper_case_note_goes_on_over_its_city_state_and_zip():
    recognizer = StreetAddressRecognizer()
    line = "addr: 4410 thistlecombe blvd apt 7, fresno ca 93720\nph: none"  # as redaction.casing re-cases it
    spans = found(recognizer, line)
    assert "4410 thistlecombe blvd apt 7" in spans and "fresno ca 93720" in spans
    two_lines = "mail to\n1187 pellingham hill Dr\nboise id 83706\nthanks"
    assert {"1187 pellingham hill Dr", "boise id 83706"} <= set(found(recognizer, two_lines))


@pytest.mark.parametrize("text, line", [
    ("Tenant:\n1187 Pellingham Hill Drive, Unit 3C\nBoise, ID 83706", "Boise, ID 83706"),
    ("Please send the form to:\nPOCATELLO ID 83201\n", "POCATELLO ID 83201"),
    ("Head office, Kansas City MO 64105", "Kansas City MO 64105"),
    ("indianapolis, in 46204", "indianapolis, in 46204"),
])
def test_a_us_city_state_and_zip_line_is_an_address(text, line):
    assert line in found(StreetAddressRecognizer(), text)


def test_a_state_code_and_a_number_that_disagree_or_follow_a_label_are_no_address():
    recognizer = StreetAddressRecognizer()
    assert found(recognizer, "Order ID 83706 shipped; Member ID 83201") == []  # field labels, not places
    assert found(recognizer, "Springfield, IL 12345") == []  # 123 is no Illinois ZIP prefix
    assert found(recognizer, "Table IN 12345 lists the totals") == []
    assert found(recognizer, "shipped, boxes in 46204 crates") == []  # "in" is a word: it needs a comma


def test_welsh_street_types_come_before_the_name():
    found_here = found(StreetAddressRecognizer(), "Address: 9 Heol y Wrenfield\nPontypridd")
    assert found_here == ["9 Heol y Wrenfield\nPontypridd"]


def test_a_paragraph_that_opens_by_addressing_a_person_names_them():
    from redaction.recognizers.names import VocativeNameRecognizer

    vocative = VocativeNameRecognizer()
    mail = "Thanks all.\n\nMarisol, could you check the VAT line?\nTeodor - see below for the totals.\nIlse,\n"
    assert found(vocative, mail) == ["Marisol", "Teodor", "Ilse"]
    prose = ("However, the totals held.\nNote - see appendix B.\nParis, the capital, was busy.\n"
             "Meanwhile, Teodor called.\nAgenda - Q3 review\nBerlin, Germany\nRegards,\nThe Team")
    assert found(vocative, prose) == []  # English words, an ambiguous place, a name not opening the line
    assert found(vocative, "See you then.\nRegards,\nTeodor") == ["Teodor"]  # the sender, under a closing


def test_age_takes_the_number_only():
    age = AgeRecognizer()
    assert found(age, "A 67-year-old man, aged 67, presented.") == ["67", "67"]
    assert found(age, "Took 67 tablets over 3 years.") == []


def test_dates_and_timestamps():
    dates = VeilDateRecognizer()
    assert found(dates, "Admitted 2023-11-02 08:15:00, discharged March 3rd, 2024 (a Friday).") == [
        "2023-11-02 08:15:00", "March 3rd, 2024"]  # a weekday alone dates no one
    assert found(dates, "Dose 2000 mg twice.") == []
    assert found(dates, "Paid USD 1950 and EUR 2010 in total.") == []


def test_zip_code_needs_a_cue():
    assert found(ZipCodeRecognizer(), "ZIP: 90210") == ["90210"]
    assert found(ZipCodeRecognizer(), "Postcode SW1A 1AA") == ["SW1A 1AA"]
    assert found(ZipCodeRecognizer(), "We sold 90210 units.") == []


def test_titles_honorifics_and_job_titles():
    assert found(HonorificRecognizer(), "Dr. Okafor met Mrs Lee") == ["Dr.", "Mrs"]
    assert found(HonorificRecognizer(), "the DR department") == []
    assert found(JobTitleRecognizer(), "Ann Lee\nSenior software engineer\nAcme") == ["Senior software engineer"]
    assert found(JobTitleRecognizer(), "The engineer said it was fine.") == []
    # in apposition to a person, and after "serving as", "becoming"
    assert found(JobTitleRecognizer(), "In 2001 the claimant, a crane operator, was hurt.") == ["crane operator"]
    assert found(JobTitleRecognizer(), "The claimant, a night school teacher in Oakbridge, wrote.") == [
        "night school teacher"]
    assert found(JobTitleRecognizer(), "She had been serving as a non‑executive director.") == ["non‑executive director"]
    assert found(JobTitleRecognizer(), "He hoped to end up becoming a journalist.") == ["journalist"]
    assert found(JobTitleRecognizer(), "Energetic and driven salesperson with 8 years of experience") == []
    assert found(JobTitleRecognizer(), "The parcel, a large box, arrived.") == []


def test_the_length_of_a_prison_sentence_is_a_conviction_other_durations_are_not():
    sentence = CustodialSentenceRecognizer()
    assert found(sentence, "The court sentenced the claimant to nine years and four months' imprisonment.") == [
        "nine years and four months"]
    assert found(sentence, "He was sentenced to 11 years’ imprisonment; a sentence of 16 years was expected.") == [
        "11 years", "16 years"]
    assert found(sentence, "He served half of the 7 year sentence.") == ["7 year"]
    assert found(sentence, "Appeal within two months. She worked there for three years. A sentence of praise.") == []


def test_a_colour_is_a_race_only_when_said_of_people():
    race = RaceRecognizer()
    assert found(race, "membership was limited to white people; he is white, she is black.") == [
        "white", "white", "black"]
    assert found(race, "a rule against non-white applicants") == ["non-white"]
    assert found(race, "white blood cells, a black car, white wine and black coffee") == []


def test_nationality_religion_company_country():
    assert found(NrpRecognizer(), "two Brazilians and a catholic priest") == ["Brazilians", "catholic"]
    assert found(NrpRecognizer(), "the Polishing machine") == []
    assert found(CompanySuffixRecognizer(), "employed by Northwind Traders Ltd. since") == ["Northwind Traders Ltd."]
    assert found(CountryRecognizer(), "moved from new zealand to Deutschland") == ["new zealand", "Deutschland"]


def test_lowercase_names_need_both_census_lists():
    assert found(LowercaseNameRecognizer(), "please call patricia gonzalez back") == ["patricia gonzalez"]
    assert found(LowercaseNameRecognizer(), "please call back tomorrow") == []


def test_trie_regex_matches_exactly_the_words():
    import re

    pattern = re.compile(rf"\b(?:{trie_regex(['st', 'street', 'str.', 'ave'])})(?!\w)")
    assert pattern.findall("main street st ave avenue str x") == ["street", "st", "ave"]


def test_rare_capitalised_words_are_proper_nouns():
    from redaction.recognizers.rare import RareWordRecognizer

    rare = RareWordRecognizer()
    assert found(rare, "Zelmanovic started painting at nineteen.") == ["Zelmanovic"]
    assert found(rare, "she quit her Quillmark job") == ["Quillmark"]
    assert found(rare, "We read the Sigrún Hallgrímsdóttir translation") == ["Sigrún Hallgrímsdóttir"]
    assert found(rare, "Flights to ΘΕΣΣΑΛΟΝΙΚΗ were cancelled") == ["ΘΕΣΣΑΛΟΝΙΚΗ"]


def test_rare_word_recognizer_leaves_common_words_drugs_and_acronyms_alone():
    from redaction.recognizers.rare import RareWordRecognizer

    rare = RareWordRecognizer()
    assert found(rare, "The Company will pay the Employee on Friday.") == []
    assert found(rare, "Started Apixaban and Metoprolol; see Follow-up Plan.") == []
    assert found(rare, "HIPAA and NATO rules") == []


def test_name_cues_any_case_and_relatives():
    from redaction.recognizers.names import NameCueRecognizer

    cue = NameCueRecognizer()
    assert found(cue, "hi, my name is tihana vuković but friends call me tihana") == ["tihana vuković", "tihana"]
    assert found(cue, "Could you spell your last name? Hargreave") == ["Hargreave"]
    assert found(cue, "pick up my kid Matteo after school") == ["Matteo"]
    assert found(cue, "please call me directly") == []
    assert found(cue, "my son is ill") == []


def test_name_lists_need_mostly_known_names():
    from redaction.recognizers.names import NameListRecognizer

    lists = NameListRecognizer()
    assert found(lists, "Invited: Oksana, Brendan, Maura and Tobias.") == ["Oksana", "Brendan", "Maura", "Tobias"]
    assert found(lists, "guests were: ilaria, tomas, renata and owen") == ["ilaria", "tomas", "renata", "owen"]
    assert found(lists, "sanding, repainting, repairing and door work") == []
    assert found(lists, "We sell apples, pears and plums.") == []


def test_unicode_names_and_bare_middle_initials():
    from redaction.recognizers.names import GazetteerNameRecognizer, LabelledNameRecognizer

    assert found(GazetteerNameRecognizer(), "The booking is under Zsófia Horváth") == ["Zsófia Horváth"]
    assert found(LabelledNameRecognizer(), "Name:    Tiago R Monteiro") == ["Tiago R Monteiro"]
    assert found(LabelledNameRecognizer(), "Reviewed By: Lenka Dvořáková") == ["Lenka Dvořáková"]


def test_a_label_before_everyday_words_names_nobody():
    """A team, a desk or a department after "To:" is no person; a census name or a rare word still is."""
    from redaction.recognizers.names import LabelledNameRecognizer

    labelled = LabelledNameRecognizer()
    assert found(labelled, "To: Claims Team\nAttention: Accounts Payable\nFrom: Data Platform") == []
    assert found(labelled, "To: Grace Bishop\nFrom: Will Smith\nAttn: Dorota Wereszczyńska") == [
        "Grace Bishop", "Will Smith", "Dorota Wereszczyńska"]


def test_locative_place_takes_a_following_postcode():
    from redaction.recognizers.places import LocativePlaceRecognizer

    assert found(LocativePlaceRecognizer(), "to support Connotate in Costamezzana 43015 in its") == ["Costamezzana 43015"]
    assert found(LocativePlaceRecognizer(), "it happened in March 2024") == []


def test_common_words_shown_lower_case_in_the_document_are_dropped():
    from redaction.refine.common_words import drop_common_words
    from redaction.spans import Detection

    texts = ["The Company hires Jonathan Prescott.", "the company pays jonathan.prescott@example.com"]
    dets = [[Detection("ORGANIZATION", 4, 11, 0.8, "SpacyRecognizer"),
             Detection("PERSON", 18, 35, 0.8, "SpacyRecognizer")], []]
    kept = drop_common_words(texts, dets, clinical=False)
    assert [texts[0][d.start:d.end] for d in kept[0]] == ["Jonathan Prescott"]
    drug = [[Detection("PERSON", 8, 16, 0.8, "SpacyRecognizer")]]
    assert drop_common_words(["Started Apixaban today"], drug, clinical=True) == [[]]


def test_a_chunk_keeps_the_evidence_of_its_documents_lower_case_words():
    from redaction.refine.common_words import common_words_shown, lowercase_words

    document = lowercase_words(["3. Loan Terms", "The loan terms were agreed with <PERSON_1>.", "Ref <ID_NUMBER_1>"])
    assert common_words_shown("3. Loan Terms\n\nRef <ID_NUMBER_1>", document) == ("loan", "terms")
    assert common_words_shown("Loan Terms: the loan", document) == ("terms",)  # "loan" already shows itself
    assert common_words_shown("Hartwell Terms", document) == ("terms",)  # a word the document never lower-cases
    assert "number" not in document and "person" not in document  # Veil's own markup is no evidence


# --- labelled record numbers and obfuscated e-mail addresses (redaction/records.py) ---------------

def _found(recognizer, text):
    return [text[r.start:r.end] for r in recognizer.analyze(text, [recognizer.supported_entities[0]])]


def test_labelled_identifiers_take_the_value_after_the_label():
    from redaction.recognizers.records import LabelledIdentifierRecognizer

    rec = LabelledIdentifierRecognizer()
    assert _found(rec, "MRN: RMH-0048-2913 seen today") == ["RMH-0048-2913"]
    assert _found(rec, "Policy No. 55-XK-201 and claim number LM-AU-558120") == ["55-XK-201", "LM-AU-558120"]
    assert _found(rec, "docket no. 2:19-cv-01234") == ["2:19-cv-01234"]
    assert _found(rec, "Member ID #A1234567.") == ["A1234567"]


def test_a_label_stated_in_prose_takes_a_long_identifier():
    from redaction.recognizers.records import LabelledIdentifierRecognizer

    rec = LabelledIdentifierRecognizer()
    assert _found(rec, "Her passport number is 123456789 and the account number was AC-5577991.") == [
        "123456789", "AC-5577991"]
    # a short number or a year after a stated label is a quantity or a date, not an identifier
    assert _found(rec, "The visa was 300 dollars and the licence was 2019 issue.") == []
    assert _found(rec, "the visa is valid for 12 months") == []


def test_labels_without_an_identifier_find_nothing():
    from redaction.recognizers.records import LabelledIdentifierRecognizer

    rec = LabelledIdentifierRecognizer()
    assert _found(rec, "The record number of visitors rose.") == []
    assert _found(rec, "Please quote your policy number when you call.") == []


def test_obfuscated_email_addresses():
    from redaction.recognizers.emails import ObfuscatedEmailRecognizer

    rec = ObfuscatedEmailRecognizer()
    assert _found(rec, "mail jane dot doe at example dot com today") == ["jane dot doe at example dot com"]
    assert _found(rec, "or jdoe(at)example(dot)org.") == ["jdoe(at)example(dot)org"]
    assert _found(rec, "We met at noon and looked at example.com together.") == []


def test_spaced_out_email_addresses():
    from redaction.recognizers.emails import SpacedEmailRecognizer

    assert _found(SpacedEmailRecognizer(), "mail j o h n . s m i t h @ g m a i l . c o m now") == [
        "j o h n . s m i t h @ g m a i l . c o m"]
    assert _found(SpacedEmailRecognizer(), "rate: a b @ 5 per cent") == []


def test_casing_filter_drops_headings_but_keeps_full_names_made_of_common_words():
    from redaction.refine.common_words import drop_common_words
    from redaction.spans import Detection

    texts = ["Loan Terms", "Will Rose signed.", "The loan terms say rose and will."]
    dets = [[Detection("PERSON", 0, 10, 0.85, "SpacyRecognizer")],
            [Detection("PERSON", 0, 9, 0.85, "SpacyRecognizer")], []]
    kept = drop_common_words(texts, dets, clinical=False)
    assert kept[0] == [] and len(kept[1]) == 1


def test_person_guesses_made_of_common_non_name_words_are_dropped_even_without_a_lowercase_twin():
    from redaction.refine.common_words import drop_common_words
    from redaction.spans import Detection

    texts = ["Discharge Diagnoses", "Baker", "Hyuuma Maida", "Billing Note"]
    dets = [[Detection("PERSON", 0, len(t), 0.85, "SpacyRecognizer")] for t in texts]
    kept = drop_common_words(texts, dets, clinical=False)
    assert [len(k) for k in kept] == [0, 1, 1, 1]  # Baker and Billing are census surnames
    cued = [[Detection("PERSON", 0, 19, 0.85, "LabelledNameRecognizer")]]
    assert drop_common_words(texts[:1], cued, clinical=False) == cued  # a labelled find is never second-guessed


def test_no_veil_recognizer_shadows_a_stock_presidio_class():
    """Presidio loads its predefined recognizers by class name, searching every EntityRecognizer
    subclass in a set: a Veil class with a stock name would replace the stock one at random."""
    from presidio_analyzer.recognizer_registry.recognizers_loader_utils import RecognizerListLoader

    from redaction.recognizers import veil_recognizers

    veil_recognizers()  # imports every module that defines a Veil recognizer
    classes = RecognizerListLoader.get_all_existing_recognizers()
    veil = {c.__name__ for c in classes if c.__module__.startswith("redaction.")}
    stock = {c.__name__ for c in classes if c.__module__.startswith("presidio_analyzer.")}
    assert len(veil) > 10 and "MacAddressRecognizer" in stock
    assert veil & stock == set()


def test_default_policy_detects_mac_addresses_and_an_unknown_entity_fails_loudly():
    from core.errors import ConfigError
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector

    detector = PresidioDetector(RedactionSettings())  # builds only if every policy entity has a recognizer
    found_types = {d.entity_type for d in detector.detect(["Laptop MAC 00:1B:44:11:3A:B7 on the ward."])[0]}
    assert "MAC_ADDRESS" in found_types
    with pytest.raises(ConfigError, match="PERSN"):
        PresidioDetector(RedactionSettings(entities=("PERSON", "PERSN"))).detect(["Jane Roe"])



def test_recognizers_run_in_registration_order_so_a_tie_is_settled_alike_every_run():
    """Two recognizers report the same span, label and score: both findings are kept, in registration
    order, and the document pass reads which recognizers they were (Presidio kept only the first, and
    its own order, a set's, changed per run)."""
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector

    detector = PresidioDetector(RedactionSettings())
    registry = detector._batch_analyzer.analyzer_engine.registry
    handed = registry.get_recognizers(language="en", entities=list(RedactionSettings().entities))
    positions = [registry.recognizers.index(r) for r in handed]
    assert len(handed) > 20 and positions == sorted(positions)

    tied = [d for d in detector.detect(["She moved to Vrestova last spring with her aunt."])[0]
            if d.entity_type == "LOCATION"]
    both = sorted(("LocativePlaceRecognizer", "RareWordRecognizer"),
                  key=lambda name: [r.name for r in registry.recognizers].index(name))
    assert [(d.start, d.end, d.detector) for d in tied] == [(13, 21, name) for name in both]


def test_a_finding_inside_a_wider_guess_of_the_same_label_is_kept():
    """Presidio dropped a finding that a higher-scored one of the same label contained: spaCy's guess
    "Username: jdoe42" (PERSON) swallowed the handle's finding, and when the rules dropped the guess,
    nothing was left."""
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector

    text = "ping @kasia_w about the rota"
    found_here = PresidioDetector(RedactionSettings()).detect([text])[0]
    handle = [d for d in found_here if d.detector == "HandleRecognizer"]
    assert [(text[d.start:d.end], d.entity_type) for d in handle] == [("kasia_w", "PERSON")]


def test_no_recognizer_reads_veils_placeholders_as_data_after_the_new_cues():
    """The egress guard reads outbound text full of placeholders: the labels, cues and shapes the
    recognizers look for (a username label, a bare ID label, a postcode, a closing, a register's comma,
    an @, a patronymic, a surname particle, an honorific, a messenger's speaker) must never make a
    placeholder, or a part of one, a finding."""
    import re

    from redaction.recognizers import veil_recognizers

    text = ("Username: <PERSON_1>\nSkype: <PERSON_2>\npassport <ID_NUMBER_1>, visa <ID_NUMBER_2>, ID <ID_NUMBER_3>\n"
            "75008 <LOCATION_1>\nBest, <PERSON_3>\n<PERSON_4>, <PERSON_5> called.\n@<PERSON_6> and <PERSON_7> bin "
            "<PERSON_8>\nP. de <PERSON_9>, Ms <PERSON_10> <PERSON_11>, Surname: <PERSON_12>\n14/02/24, 21:13 - <PERSON_13>: hi")
    placeholders = [m.span() for m in re.finditer(r"<[A-Z_]+_\d+>", text)]
    inside = [(r.name, text[f.start:f.end]) for r in veil_recognizers()
              for f in r.analyze(text, r.supported_entities, None)
              if any(start < f.end and f.start < end for start, end in placeholders)]
    assert inside == []
