"""Veil's recognizers, one module per family, registered beside (or instead of) Presidio's stock ones.

Every module's docstring says what justifies its rule: a CHECKSUM (cards, IBANs, VINs), a FORMAT
(e-mail, dates, phone numbers as `phonenumbers` parses them), a LABEL or CUE ("MRN:", "policy no.",
"aged 42") or a principled LEXICON (census names, word frequencies, country names, occupations).
None is fitted to a dataset's templates or values.
"""

from __future__ import annotations

# Stock recognizers that Veil's own versions supersede (broader formats, checksums, fewer false hits).
REPLACED_STOCK_RECOGNIZERS = {"CreditCardRecognizer", "IbanRecognizer", "PhoneRecognizer", "DateRecognizer",
                              "EmailRecognizer", "UrlRecognizer"}


# Recognizers that guess proper nouns from capitals, rarity or a lexicon (and spaCy's NER): the
# document pass may overrule them; labelled, cued and checksum finds it leaves alone.
GUESSING_DETECTORS = frozenset({"SpacyRecognizer", "RareWordRecognizer", "LocativePlaceRecognizer",
                                "GazetteerNameRecognizer", "SingleGivenNameRecognizer", "NameListRecognizer",
                                "LowercaseNameRecognizer", "CountryRecognizer", "VocativeNameRecognizer"})
# Recognizers whose formats are written in capitals ("LK19 XPT", "QQ 12 34 56 C", "CF14 6HG"): on text
# analysed as a re-cased copy (redaction.casing) they also read the original.
CAPITALISED_FORMATS = frozenset({"NationalPlateRecognizer", "LicencePlateRecognizer", "UkNationalInsuranceRecognizer",
                                 "UkIrishPostcodeRecognizer", "CanadianPostalCodeRecognizer", "ZipCodeRecognizer", "VinRecognizer", "TransferPlaceRecognizer"})


def veil_recognizers(language: str | None = None) -> list:
    """Every Veil recognizer, serving `language` (redaction.language; English by default). The imports
    are here so that importing this package (for its name sets) loads no Presidio."""
    from redaction.recognizers.base import DEFAULT_LANGUAGE
    from redaction.recognizers.addresses import StreetAddressRecognizer
    from redaction.recognizers.ages import AgeRecognizer
    from redaction.recognizers.dates import VeilDateRecognizer
    from redaction.recognizers.emails import email_recognizers
    from redaction.recognizers.financial import LuhnCardRecognizer, VeilIbanRecognizer
    from redaction.recognizers.government import (DashedSsnRecognizer, UkNationalInsuranceRecognizer,
                                                  checksummed_national_ids)
    from redaction.recognizers.cued_names import CuedNameRecognizer
    from redaction.recognizers.names import (GazetteerNameRecognizer, LabelledNameRecognizer, LowercaseNameRecognizer,
                                             MonthNamedPersonRecognizer, NameCueRecognizer, NameListRecognizer,
                                             ParticleNameRecognizer, SingleGivenNameRecognizer, SurnameFirstRecognizer,
                                             VocativeNameRecognizer)
    from redaction.recognizers.organisations import CompanySuffixRecognizer, NamedGroupRecognizer, PartnershipRecognizer
    from redaction.recognizers.phones import phone_recognizers
    from redaction.recognizers.places import (AdministrativeAreaRecognizer, CareFacilityRecognizer, CountryRecognizer,
                                              LabelledPlaceRecognizer, LocativePlaceRecognizer, ResidencePlaceRecognizer,
                                              TransferPlaceRecognizer)
    from redaction.recognizers.postcodes import (CanadianPostalCodeRecognizer, PlaceThenPostcodeRecognizer,
                                                 PostcodeThenPlaceRecognizer, UkIrishPostcodeRecognizer, ZipCodeRecognizer)
    from redaction.recognizers.rare import RareWordRecognizer
    from redaction.recognizers.records import record_recognizers
    from redaction.recognizers.vehicles import vehicle_recognizers
    from redaction.recognizers.cases import CaseNumberRecognizer
    from redaction.recognizers.convictions import CustodialSentenceRecognizer
    from redaction.recognizers.urls import WebAddressRecognizer
    from redaction.recognizers.handles import HandleRecognizer
    from redaction.recognizers.titles import HonorificRecognizer, JobTitleRecognizer, NrpRecognizer, RaceRecognizer

    recognizers = [StreetAddressRecognizer(), LuhnCardRecognizer(), VeilIbanRecognizer(), *phone_recognizers(),
            DashedSsnRecognizer(), UkNationalInsuranceRecognizer(), *checksummed_national_ids(), AgeRecognizer(), VeilDateRecognizer(),
            ZipCodeRecognizer(), UkIrishPostcodeRecognizer(), CanadianPostalCodeRecognizer(), PostcodeThenPlaceRecognizer(),
            PlaceThenPostcodeRecognizer(),
            *email_recognizers(), WebAddressRecognizer(), HandleRecognizer(), *record_recognizers(), *vehicle_recognizers(), CaseNumberRecognizer(), CustodialSentenceRecognizer(),
            GazetteerNameRecognizer(), CuedNameRecognizer(), LabelledNameRecognizer(),
            LowercaseNameRecognizer(), SingleGivenNameRecognizer(), NameCueRecognizer(), NameListRecognizer(),
            VocativeNameRecognizer(), ParticleNameRecognizer(), MonthNamedPersonRecognizer(),
            SurnameFirstRecognizer(),
            HonorificRecognizer(), JobTitleRecognizer(), NrpRecognizer(), RaceRecognizer(), CompanySuffixRecognizer(),
            PartnershipRecognizer(), NamedGroupRecognizer(), CountryRecognizer(), LocativePlaceRecognizer(), CareFacilityRecognizer(), TransferPlaceRecognizer(),
            AdministrativeAreaRecognizer(), LabelledPlaceRecognizer(), ResidencePlaceRecognizer(), RareWordRecognizer()]
    for recognizer in recognizers:  # Presidio's pattern recognizers take it as an attribute too
        recognizer.supported_language = language or DEFAULT_LANGUAGE
    return recognizers
