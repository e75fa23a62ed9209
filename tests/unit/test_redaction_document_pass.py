"""Case normalisation, label specificity and the document pass, on hand-written text."""

from __future__ import annotations

import pytest

pytest.importorskip("presidio_analyzer")

from redaction.casing import normalise_case, normalise_document  # noqa: E402
from redaction.recognizers.cued_names import CuedNameRecognizer  # noqa: E402
from redaction.name_evidence import is_probable_name  # noqa: E402
from redaction.refine.abbreviations import defined_abbreviations, drop_defined_abbreviations  # noqa: E402
from redaction.refine.clinical_terms import drop_clinical_abbreviations, is_clinical  # noqa: E402
from redaction.refine.institutions import keep_institutions  # noqa: E402
from redaction.refine.propagation import propagate  # noqa: E402
from redaction.refine.shorthand import drop_shorthand_guesses, is_shorthand  # noqa: E402
from redaction.spans import Detection, merge_overlaps  # noqa: E402
from tests.unit.test_recognizers import found  # noqa: E402

NOTE = "PT SEEN BY DR. ZELMANOVIC; SON DAVID CALLED. FOLEY DRAINING, LASIX 40 MG IV, MAE, 7/22 CXR CLEAR."


def test_an_upper_case_note_is_recased_with_the_same_offsets():
    cased = normalise_case(NOTE)
    assert len(cased) == len(NOTE)
    assert all(a.lower() == b.lower() for a, b in zip(NOTE, cased))
    assert "David" in cased and "Zelmanovic" in cased  # a census name and a word after an honorific
    assert "foley" in cased and "lasix" in cased and "mae" in cased  # eponym, drug, abbreviation


def test_mixed_case_text_is_left_alone_and_lower_case_chat_is_recased():
    mixed = "The Foley catheter was placed by Dr. Okafor on Monday."
    assert normalise_case(mixed) == mixed
    assert normalise_document(["hi, thanks susan, i will call you monday"])[0].count("Susan") == 1


def test_probable_names_weigh_census_share_against_english_frequency():
    assert all(is_probable_name(w) for w in ("David", "Hernandez", "Sorensen"))
    assert not any(is_probable_name(w) for w in ("Union", "Labs", "Wedge", "Colace", "House"))


def test_names_follow_honorifics_relatives_credentials_and_chat_speakers_in_any_case():
    rec = CuedNameRecognizer()
    assert found(rec, "per dr halvorsen. son bill called. wife(?) Marisol in.") == ["halvorsen", "bill", "Marisol"]
    assert found(rec, "note by j. castell rrt\n") == ["j. castell"]
    assert found(rec, "[14:02] agent sunita: hello") == ["sunita"]
    assert found(rec, "dr aware, son called, seen by cardiology, MD aware") == []


def test_the_most_specific_label_names_a_merged_span():
    ssn_as_date = [Detection("DATE_TIME", 4, 15, 0.85, "SpacyRecognizer"), Detection("US_SSN", 4, 15, 0.5, "ssn")]
    assert merge_overlaps(ssn_as_date)[0].entity_type == "US_SSN"
    city_in_address = [Detection("STREET_ADDRESS", 0, 30, 0.7, "addr"), Detection("LOCATION", 20, 30, 0.85, "ner")]
    assert merge_overlaps(city_in_address)[0].entity_type == "STREET_ADDRESS"
    tiny_code_in_name = [Detection("PERSON", 0, 20, 0.85, "ner"), Detection("ID_NUMBER", 15, 20, 0.5, "ref")]
    assert merge_overlaps(tiny_code_in_name)[0].entity_type == "PERSON"  # it covers too little to name it


def test_a_name_spelled_by_an_email_address_is_redacted_wherever_it_appears():
    texts = ["From: anna.kowalska@fin.internal", "Please ask Anna Kowalska. Kowalska agreed."]
    dets = [[Detection("EMAIL_ADDRESS", 6, 31, 0.9, "email")], []]
    spread = propagate(texts, dets)
    assert sorted(texts[1][d.start:d.end] for d in spread[1]) == ["Anna Kowalska", "Kowalska"]


def test_public_institutions_and_laws_stay_readable_but_local_ones_do_not():
    text = "She wrote to the Department of Labor and to the Kessenich Regional Labour Court."
    labor, court = "the Department of Labor", "the Kessenich Regional Labour Court"
    dets = [Detection("ORGANIZATION", text.index(labor), text.index(labor) + len(labor), 0.85, "SpacyRecognizer"),
            Detection("ORGANIZATION", text.index(court), text.index(court) + len(court), 0.85, "SpacyRecognizer")]
    assert [text[d.start:d.end] for d in keep_institutions([text], [dets])[0]] == [
        "the Kessenich Regional Labour Court"]
    text = "The Chamber and the Court of Cassation agreed; the Procurator General and the Velmora Chamber did not."
    bodies = ["The Chamber", "the Court of Cassation", "the Procurator General", "the Velmora Chamber"]
    dets = [Detection("ORGANIZATION", text.index(b), text.index(b) + len(b), 0.85, "SpacyRecognizer") for b in bodies]
    assert [text[d.start:d.end] for d in keep_institutions([text], [dets])[0]] == ["the Velmora Chamber"]
    text = "He was charged under the Data Protection Act and the Kessenich Waterways Act."
    laws = ["the Data Protection Act", "the Kessenich Waterways Act"]
    dets = [Detection("ORGANIZATION", text.index(law), text.index(law) + len(law), 0.85, "SpacyRecognizer")
            for law in laws]
    assert [text[d.start:d.end] for d in keep_institutions([text], [dets])[0]] == ["the Kessenich Waterways Act"]
    # a country locates no one: a state-wide body and the state by its formal name stay readable
    text = "The Danish Government and the Republic of Chile replied; the Velmora Government did not."
    spans = [("ORGANIZATION", "The Danish Government"), ("NRP", "Danish"), ("LOCATION", "the Republic of Chile"),
             ("ORGANIZATION", "the Velmora Government"), ("LOCATION", "Velmora")]
    dets = [Detection(label, text.index(value), text.index(value) + len(value), 0.85, "SpacyRecognizer")
            for label, value in spans]
    assert [text[d.start:d.end] for d in keep_institutions([text], [dets])[0]] == ["the Velmora Government", "Velmora"]


def test_in_shorthand_notes_one_word_guesses_need_name_evidence():
    note = "GI: abd soft. GU: foley. CV: NSR, SBP 110. RESP: CPAP. Levo weaned. Dr Okafor aware. Hernandez called."
    assert is_shorthand([note]) and not is_shorthand(["The meeting with ACME went well, said Ms. Hernandez."])
    guesses = [Detection("ORGANIZATION", 0, 2, 0.85, "SpacyRecognizer"),
               Detection("PERSON", note.index("Levo"), note.index("Levo") + 4, 0.85, "SpacyRecognizer"),
               Detection("PERSON", note.index("Hernandez"), note.index("Hernandez") + len("Hernandez"), 0.85, "SpacyRecognizer"),
               Detection("PERSON", note.index("Okafor"), note.index("Okafor") + 6, 0.6, "CuedNameRecognizer")]
    kept = drop_shorthand_guesses([note], [guesses])[0]
    assert [note[d.start:d.end] for d in kept] == ["Hernandez", "Okafor"]


def test_in_clinical_text_guesses_made_of_clinical_abbreviations_are_terms():
    note = ("ICU NPN. ABG improved, CXR clear. GI: abd soft. Admitted to VMC ED overnight. Dr MS aware. "
            "Family from PA visiting. Halvorsen called.")
    guesses = _guesses(note, "ICU NPN", "GI", "VMC ED", "MS", "PA", "Halvorsen")
    guesses.append(Detection("ORGANIZATION", note.index("CXR"), note.index("CXR") + 3, 0.6, "CuedNameRecognizer"))
    kept = drop_clinical_abbreviations([note], [guesses])[0]
    # a place of care, a word after an honorific, a state code, a name and a cued finding stay
    assert sorted(note[d.start:d.end] for d in kept) == ["CXR", "Halvorsen", "MS", "PA", "VMC ED"]
    headings = "ICU Nursing Progress Note\nCardiac: stable. ABG, CXR done. Works at Beacon. Daughter phoned from Denver."
    guesses = _guesses(headings, "ICU Nursing Progress Note", "Cardiac", "Beacon")
    guesses.append(Detection("LOCATION", headings.index("Denver"), headings.index("Denver") + 6, 0.85,
                             "SpacyRecognizer"))
    kept = drop_clinical_abbreviations([headings], [guesses])[0]
    assert [headings[d.start:d.end] for d in kept] == ["Beacon", "Denver"]  # an employer, a city
    letter = "IBM's HR team asked IT to reset the account. Halvorsen called."
    assert not is_clinical([letter])  # "IBM", "HR", "IT" are lexicon entries, but everyday words too
    assert len(drop_clinical_abbreviations([letter], [_guesses(letter, "IBM", "HR", "IT")])[0]) == 3


def test_in_clinical_text_drug_names_with_their_route_or_verb_are_terms_but_people_beside_them_stay():
    note = ("ABG 7.38, CXR clear. IV Zestril given; Started warfarin and amoxicillin. "
            "Heparin Halvorsen called. Digoxin given at the Fenwick clinic.")
    guesses = _guesses(note, "IV Zestril", "Started warfarin and amoxicillin", "Heparin Halvorsen", "Fenwick")
    kept = drop_clinical_abbreviations([note], [guesses])[0]
    # a drug beside a surname is no longer only a drug; a surname is a surname
    assert sorted(note[d.start:d.end] for d in kept) == ["Fenwick", "Heparin Halvorsen"]
    letter = "Please send the Zestril invoice to our Denver office."
    assert len(drop_clinical_abbreviations([letter], [_guesses(letter, "Zestril")])[0]) == 1  # not a note


def test_in_clinical_text_an_organisation_guess_is_shorthand_unless_it_names_a_place_a_facility_or_a_person():
    note = ("ABG 7.38, CXR clear. Right Lower Lobe clear. Resp Status stable. Skin pink warm. "
            "Knee surgery at Fenwold Abbey. Came from Larkmere Hospital. Fenwick Memorial called. "
            "Halvorsen Partners called. Leeds consult.")
    guesses = _guesses(note, "Right Lower Lobe", "Resp Status", "Skin pink warm", "Fenwold Abbey",
                       "Larkmere Hospital", "Fenwick Memorial", "Halvorsen Partners", "Leeds")
    kept = drop_clinical_abbreviations([note], [guesses])[0]
    assert [note[d.start:d.end] for d in kept] == ["Fenwold Abbey", "Larkmere Hospital", "Fenwick Memorial",
                                                    "Halvorsen Partners", "Leeds"]


def test_drug_names_leave_out_what_is_also_a_persons_name_or_an_everyday_word():
    from core.vocabulary.drugs import is_drug_name

    assert is_drug_name("Zestril") and is_drug_name("AMOXICILLIN") and is_drug_name("warfarin")
    assert not is_drug_name("Kendrick")  # a brand, but also a given name
    assert not is_drug_name("caps") and not is_drug_name("Halvorsen")


def test_in_clinical_text_rare_and_lower_case_guesses_and_titles_stay_readable_but_names_do_not():
    note = ("ABG 7.38, CXR clear. Tolerating Vextrazol, art line intact, aline dampened. Dr Halvorsen aware. "
            "Pt Marguerite Quennell-Bray calm.")
    guesses = (_guesses(note, "Tolerating Vextrazol", detector="RareWordRecognizer")
               + _guesses(note, "art line", detector="LowercaseNameRecognizer")
               + _guesses(note, "aline", detector="SingleGivenNameRecognizer")
               + _guesses(note, "Halvorsen", detector="SpacyRecognizer")
               + [Detection("TITLE", note.index("Dr"), note.index("Dr") + 2, 0.6, "HonorificRecognizer")])
    guesses += _guesses(note, "Marguerite Quennell-Bray", detector="RareWordRecognizer", entity="PERSON")
    kept = drop_clinical_abbreviations([note], [guesses])[0]
    assert sorted(note[d.start:d.end] for d in kept) == ["Halvorsen", "Marguerite Quennell-Bray"]
    # after an honorific, even a rare word or the arterial line's spelling is a name
    cued = "ABG 7.38, CXR clear. Seen by Dr Aline; Dr Quennell aware."
    guesses = (_guesses(cued, "Aline", detector="SingleGivenNameRecognizer", entity="PERSON")
               + _guesses(cued, "Quennell", detector="RareWordRecognizer", entity="PERSON"))
    assert len(drop_clinical_abbreviations([cued], [guesses])[0]) == 2
    letter = "Dear Dr Halvorsen, thank you for the Quennell report."
    guesses = (_guesses(letter, "Quennell", detector="RareWordRecognizer")
               + [Detection("TITLE", 5, 7, 0.6, "HonorificRecognizer")])
    assert len(drop_clinical_abbreviations([letter], [guesses])[0]) == 2  # not a note: both stay


def test_a_care_facility_is_the_name_after_the_last_function_word_before_it():
    from redaction.recognizers.places import CareFacilityRecognizer

    recognizer = CareFacilityRecognizer()
    assert found(recognizer, "BRADYCARDIC EPISODES AT FENWOLD HOSPITAL NEEDING ATROPINE") == ["FENWOLD"]
    assert found(recognizer, "Pt was moved late last night from Larkmere-Ossory Hosp for a scan") == [
        "Larkmere-Ossory"]
    assert found(recognizer, "Pt now in hospice. Says she is in the hospital.") == []
    assert found(recognizer, "72 yo woman transferred from nursing home 3/9") == []
    assert found(recognizer, "seen at University of Velmora Medical Center") == ["Velmora"]


def test_where_a_patient_is_moved_hospital_initials_and_numbered_wards_are_places_but_units_are_not():
    from redaction.recognizers.places import TransferPlaceRecognizer

    recognizer = TransferPlaceRecognizer()
    places = {"Pt transfered to KMH for cath": ["KMH"], "sent to kmh for eval": ["kmh"], "sent to DGH": ["DGH"],
              "transferred to VMC ED": ["VMC"], "transfer to Fenwold 2 today": ["Fenwold"],
              "ADMITTED TO FENWOLD7 W/ CHF": ["FENWOLD7"], "? TRANSFER TO FENWOLD 2.": ["FENWOLD"]}
    for text, expected in places.items():
        assert found(recognizer, text) == expected, text
    # units, rooms, an outside hospital, a state, a date, a dose, initials with vowels, no movement
    for text in ["transferred to MICU 7", "transferred to CCU 4", "transfer to floor 2", "transferred to room 5",
                 "transferred from OSH", "transferred to NH", "admitted on May 5", "TRANSFERRED TO CATH LAB",
                 "transfer to fenwold 2/3", "transfer to room 2.5 mg", "the KMH team", "sent to ED"]:
        assert found(recognizer, text) == [], text


def test_of_after_a_capitalised_word_joins_one_name_and_a_provision_is_no_place():
    from redaction.recognizers.places import LocativePlaceRecognizer

    recognizer = LocativePlaceRecognizer()
    for text in ["He appealed to the Court of Audit.", "an official of the Ministry of Agriculture",
                 "a violation of Article 8 of the Convention", "as provided in Rule 52 of the Rules of Court"]:
        assert found(recognizer, text) == [], text
    assert found(recognizer, "as a native of Velmora, she moved to Castelmora") == ["Velmora", "Castelmora"]


def test_the_name_of_a_group_called_illegal_or_terrorist_is_redacted():
    from redaction.recognizers.organisations import NamedGroupRecognizer

    recognizer = NamedGroupRecognizer()
    assert found(recognizer, "membership of an illegal organisation, namely the KRV-A. The court") == ["KRV-A"]
    assert found(recognizer, "in 1990 he joined a terrorist group called Black Harrow Front") == ["Black Harrow Front"]
    assert found(recognizer, "accused of membership of an illegal organisation. The applicant denied it") == []


def test_a_place_takes_a_particle_only_before_another_capitalised_word():
    from redaction.recognizers.places import LocativePlaceRecognizer

    recognizer = LocativePlaceRecognizer()
    assert found(recognizer, "back in VT during the night, sent to Larkmere Rehab and home") == [
        "VT", "Larkmere Rehab"]  # not "VT du", "Larkmere Rehab an"
    assert found(recognizer, "she moved to Frankfurt am Main, then lived in Rio de Janeiro") == [
        "Frankfurt am Main", "Rio de Janeiro"]


def test_a_street_type_inside_a_word_or_an_english_via_starts_no_address():
    from redaction.recognizers.addresses import StreetAddressRecognizer

    assert found(StreetAddressRecognizer(), "GI: abd soft. ABG 7.38 at rest.") == []
    assert set(found(StreetAddressRecognizer(), "lives at rue des Lilas 14, Ardenvale")) == {"rue des Lilas 14, Ardenvale"}
    # "via" after a number is the preposition; an Italian address puts the number after the name
    assert found(StreetAddressRecognizer(), "O2 2L via nasal prongs; 40 via left femoral line") == []
    assert set(found(StreetAddressRecognizer(), "lives at via Lontara 12, Castelmora")) == {"via Lontara 12, Castelmora"}
    assert "2301 Via Quintessa" in found(StreetAddressRecognizer(), "Ship to 2301 Via Quintessa, Vellbrook")[0]


def _guesses(text, *values, detector="SpacyRecognizer", entity="ORGANIZATION"):
    spans = []
    for value in values:
        start = -1
        while (start := text.find(value, start + 1)) >= 0:
            spans.append(Detection(entity, start, start + len(value), 0.85, detector))
    return spans


def test_abbreviations_defined_from_lower_case_words_are_terms_not_names():
    text = ("Tumour necrosis factor (TNF) and interleukin-6 (IL-6) rose in mice given the vaccine. "
            "TNF-alpha and IL-6 stayed high; anti-TNF treatment lowered TNFs. NICE was not consulted.")
    assert defined_abbreviations(text) == {"TNF", "IL-6"}
    kept = drop_defined_abbreviations([text], [_guesses(text, "TNF", "IL-6", "NICE")])[0]
    assert [text[d.start:d.end] for d in kept] == ["NICE"]  # used, never defined: NER decides


def test_names_and_capitalised_long_forms_define_nothing_and_labels_stay():
    text = ("Jane Smith (JS) met the High Court (HC) clerk; the patient (PT) and his son (DS) came. "
            "JS and HC left. Signed by the data subject (DS).")
    assert defined_abbreviations(text) == {"PT", "DS"}  # "patient" spells PT, "his son" does not spell DS
    guesses = _guesses(text, "JS", "HC")
    labelled = [Detection("PERSON", s, s + 2, 1.0, "CuedNameRecognizer") for s in (text.index("DS"),)]
    kept = drop_defined_abbreviations([text], [guesses + labelled])[0]
    assert sorted(text[d.start:d.end] for d in kept) == ["DS", "HC", "HC", "JS", "JS"]


def test_in_an_upper_case_document_a_mixed_case_line_keeps_its_capitals():
    doc = ["DISCHARGE SUMMARY\nPT STABLE, ON LASIX.\nSpoke with Halvorsen Adeyemi-Cole at Quillmark today."]
    assert "Halvorsen Adeyemi-Cole at Quillmark" in normalise_document(doc)[0]


def test_time_word_check_stays_linear_on_hostile_input():
    import time

    from redaction.refine.time_words import dates_no_one

    started = time.perf_counter()
    assert not dates_no_one("day after " * 400 + "xyz")
    assert time.perf_counter() - started < 1.0


def test_cues_need_a_name_like_word_and_speakers_need_name_evidence():
    rec = CuedNameRecognizer()
    assert found(rec, "nurse notified. judge dismissed it. mother tongue. Miss lunch") == []
    assert found(rec, "Vitals 08:00\n14:30 Plan: wean") == []


def test_identifiers_written_in_capitals_are_found_in_an_upper_case_document():
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector
    from redaction.redactor import DocumentRedactor
    from redaction.transform.operators import ReplacementPolicy

    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    note = "CLAIM NOTE: INSURED VEHICLE LK19 XPT, NI NUMBER AB 12 34 56 C, POSTCODE CF14 6HG. DRIVER CALLED."
    text = redactor.redact([note])[0].text
    assert "LK19" not in text and "XPT" not in text and "AB 12" not in text and "CF14" not in text, text
    assert "CLAIM NOTE: INSURED VEHICLE" in text and "DRIVER CALLED." in text


def test_a_person_guess_after_an_honorific_stays_though_the_document_lower_cases_the_word():
    from redaction.refine.common_words import drop_common_words

    # a re-cased upper-case note: no cue stood beside the surname in the first line, so it was lower-cased
    texts = ["pcp: hideo nakamura, md", "f/u: pcp (Dr. Nakamura) in 1 wk", "Nakamura called"]
    dets = [[], [Detection("PERSON", 14, 22, 0.85, "SpacyRecognizer")],
            [Detection("PERSON", 0, 8, 0.85, "SpacyRecognizer")]]
    kept = drop_common_words(texts, dets, clinical=False)
    assert kept[1] == dets[1]
    assert kept[2] == []  # without the honorific the document's lower-case "nakamura" still overrules the guess


def test_upper_case_note_surnames_after_an_honorific_and_its_city_line_are_redacted():
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector
    from redaction.redactor import DocumentRedactor
    from redaction.transform.operators import ReplacementPolicy

    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    note = ["HOME ADDR: 4410 THISTLECOMBE BLVD APT 7, FRESNO CA 93720\n"
            "ATTENDING: DR. OTTILIE QUISTORP, MD      PCP: HIDEO NAKAMURA, MD",
            "F/U:\n- CARDIOLOGY CLINIC (DR. QUISTORP) IN 2 WKS\n- PCP (DR. NAKAMURA) IN 1 WK, BMP IN 1 WK"]
    text = "\n".join(r.text for r in redactor.redact(note))
    for value in ("QUISTORP", "NAKAMURA", "FRESNO", "93720", "THISTLECOMBE"):
        assert value not in text, text
    assert "CLINIC (" in text and "IN 2 WKS" in text and "BMP IN 1 WK" in text and "HOME ADDR:" in text


def _labelled(text, spans):
    return [Detection(label, text.index(value), text.index(value) + len(value), 0.85, detector)
            for label, value, detector in spans]


def test_the_state_and_its_organs_stay_readable_a_persons_nationality_does_not():
    text = ("An application against the Kingdom of Velmoria and Northern Ireland by a Danish national; "
            "the Danish military authorities replied under Danish law, and the Republic of Chile agreed.")
    dets = _labelled(text, [("LOCATION", "the Kingdom of Velmoria", "SpacyRecognizer"),
                           ("LOCATION", "Northern Ireland", "SpacyRecognizer"),
                           ("PERSON", "Northern", "NameListRecognizer"),
                           ("NRP", "Danish national", "NrpRecognizer"),
                           ("LOCATION", "Chile", "SpacyRecognizer")])
    dets += [Detection("NRP", text.index(organ), text.index(organ) + 6, 0.85, "SpacyRecognizer")
             for organ in ("Danish military", "Danish law")]
    kept = [text[d.start:d.end] for d in keep_institutions([text], [dets])[0]]
    # an invented kingdom is no state; "and Northern Ireland" joins nothing kept; Chile after "the Republic of" is the state
    assert kept == ["the Kingdom of Velmoria", "Northern Ireland", "Northern", "Danish national"]
    text = "against the United Kingdom of Great Britain and Northern Ireland, lodged"
    dets = _labelled(text, [("LOCATION", "the United Kingdom of Great Britain", "SpacyRecognizer"),
                           ("PERSON", "Britain", "NameListRecognizer"),
                           ("LOCATION", "Northern Ireland", "SpacyRecognizer")])
    assert keep_institutions([text], [dets])[0] == []


def test_an_office_and_a_body_named_in_a_name_guess_are_bodies():
    text = "On 11 May the Provincial Governor refused; the Velmora State Security Court and the Court of Cassation ruled."
    dets = _labelled(text, [("LOCATION", "Provincial", "SpacyRecognizer"),
                           ("PERSON", "Velmora State Security Court", "RareWordRecognizer"),
                           ("ORGANIZATION", "the Court of Cassation", "SpacyRecognizer"),
                           ("PERSON", "Cassation", "RareWordRecognizer")])
    kept = keep_institutions([text], [dets])[0]
    # the local court stays redacted, as an organisation: its last word is no surname to spread
    assert [(d.entity_type, text[d.start:d.end]) for d in kept] == [("ORGANIZATION", "Velmora State Security Court")]
    assert {text[d.start:d.end] for d in propagate([text], [kept])[0]} == {"Velmora State Security Court"}


def test_plural_words_pass_in_the_title_of_a_law_not_in_a_companys_name():
    text = "under the Convention on Fundamental Freedoms, said Silver Ladders Service staff"
    dets = _labelled(text, [("ORGANIZATION", "the Convention on Fundamental Freedoms", "SpacyRecognizer"),
                           ("ORGANIZATION", "Silver Ladders Service", "SpacyRecognizer")])
    assert [text[d.start:d.end] for d in keep_institutions([text], [dets])[0]] == ["Silver Ladders Service"]


def test_a_nickname_in_brackets_after_a_name_is_the_same_person():
    texts = ["Pt Helen Ellery (Nell), 94 yo. Nell slept well. Dr Arnott (Retired), Ann Vey (Claimant) and "
             "Robert Grell (“Bob”) called.", "Ask for Nell at the desk."]
    dets = [[Detection("PERSON", texts[0].index(v), texts[0].index(v) + len(v), 0.85, "SpacyRecognizer")
             for v in ("Helen Ellery", "Arnott", "Ann Vey", "Robert Grell")], []]
    spread = propagate(texts, dets)
    found = [sorted({t[d.start:d.end] for d in ds}) for t, ds in zip(texts, spread)]
    assert "Nell" in found[0] and "Bob" in found[0]
    assert "Retired" not in found[0] and "Claimant" not in found[0]
    assert found[1] == ["Nell"]


def test_people_named_like_bodies_places_before_bodies_and_state_employees_stay_masked():
    text = ("Helen Court and John Service met the Chicago Police Department; a Danish police officer "
            "and the Tamil authorities replied, as did Brannigan Law, for the Provincial Governor.")
    dets = _labelled(text, [("PERSON", "Helen Court", "SpacyRecognizer"),
                            ("PERSON", "John Service", "SpacyRecognizer"),
                            ("LOCATION", "Chicago", "SpacyRecognizer"),
                            ("NRP", "Danish", "SpacyRecognizer"),
                            ("NRP", "Tamil", "SpacyRecognizer"),
                            ("ORGANIZATION", "Brannigan Law", "SpacyRecognizer"),
                            ("LOCATION", "Provincial", "SpacyRecognizer")])
    kept = [(d.entity_type, text[d.start:d.end]) for d in keep_institutions([text], [dets])[0]]
    assert kept == [("PERSON", "Helen Court"), ("PERSON", "John Service"), ("LOCATION", "Chicago"),
                    ("NRP", "Danish"), ("NRP", "Tamil"), ("ORGANIZATION", "Brannigan Law")]
