"""The name gazetteer: US census given names and surnames (the `names` package's lists, with each
name's share of the population), names-dataset's ranks of first and last names in 105 countries
(extracted once into a cache file, `core.vocabulary.name_ranks`), and the census names that are
also everyday words. Lower case."""

from __future__ import annotations

from functools import cache
from importlib import resources

from core.vocabulary.calendar_words import calendar_words
from core.vocabulary.name_ranks import load_or_build

WORLD_RANK_CAP = 1000  # a name among the 1,000 most borne in one of names-dataset's 105 countries

# Given names that are also everyday capitalised words: only a known surname after them counts.
AMBIGUOUS_GIVEN_NAMES = frozenset({
    "will", "bill", "mark", "rose", "lane", "dean", "major", "page",
    "art", "sunny", "joy", "hope", "faith", "summer", "dawn", "crystal", "amber", "ruby", "chase",
    "grant", "drew", "miles", "lee", "long", "king", "young", "rich", "price", "chance", "guy",
    "christian", "virginia", "georgia", "carolina", "dakota", "florence", "paris", "sydney", "austin",
    "houston", "charlotte", "phoenix", "madison", "jackson", "lincoln", "washington", "china", "iris",
    "misty", "golden", "precious", "sterling", "royal", "penny", "ginger", "sandy", "holly", "ivy",
    "rocky", "stormy", "an", "in", "my", "so", "ok", "al", "ed", "con", "don", "van", "von",
}) | calendar_words(abbreviated=False)


# The roles a form or a note names a person by ("Patient Nguyen", "Claimant Okafor"): words before a
# name, never part of it.
PERSON_ROLES = frozenset("""
    patient pt client customer applicant claimant complainant tenant landlord employee employer student pupil
    driver witness nurse doctor physician resident member beneficiary borrower guarantor insured
    policyholder plaintiff defendant appellant respondent petitioner caller sender recipient baby infant
    """.split())


@cache
def role_words() -> frozenset[str]:
    """The roles and the relatives (`core.vocabulary.kin`) that stand before a name, one word each."""
    from core.vocabulary.kin import KIN_WORDS

    return PERSON_ROLES | frozenset(w for w in KIN_WORDS if " " not in w)


# Particles that open a surname in many languages ("de Vries", "van der Berg", "ten Bosch", "di Matteo",
# "da Silva", "von Humboldt", "bin Salman"), written in lower case between a given name or initial
# and the rest of the surname.
# An elided prefix written before a surname ("O'<Surname>", "D'<Surname>").
ELIDED_SURNAME_PREFIX = r"[OD]['’]"

SURNAME_PARTICLES = frozenset({
    "de", "da", "di", "do", "dos", "das", "du", "del", "della", "dei", "der", "den", "des", "la", "le", "lo",
    "van", "von", "ten", "ter", "te", "zu", "zum", "zur", "af", "av", "op", "bin", "ibn", "bint", "al", "el",
})


# Verbs of speaking, writing and calling, whose subject is a person: what makes a month's name that is
# also a given name one ("<month> called").
PERSON_VERBS = frozenset("""
    called calls phoned phones rang rings said says wrote writes emailed emails e-mailed texted texts
    messaged asked asks told tells replied replies answered mentioned explained complained confirmed
    agreed insisted admitted denied stated signed visited""".split())


# Census given names/surnames that are everyday English words (lower-case text needs this check).
COMMON_WORD_NAMES = frozenset("""
    art bill bob can car case chance chase cook day dean dell dew don dot drew else era fay gay
    gene hall hill hope ivy jack joy king lane lee long love major mark miles new
    norman page park pat penny price rich rose ross sale see sky son star sue summer tad
    tom van von ward way white will wood young green brown black gray grey ash bell best
    camp carpenter clay cross dale field fisher ford fox glass gold hunter justice key lord
    lovely mason miller money moon north page pay piper porter post power reed rice rock
    rush sharp short small snow stone street strong sweet taylor tucker turner walker
    west wise worth wright case christmas easter else
    age aide air alpha ample angel autumn baker bank banks berry bird
    blue bond branch brook brooks burns bush butler card carter chambers church clark
    coffee cole colt cotton craft crane crown cash dawn deal dear diamond dixon drake
    early east eve faith fair fall ferry fine fish flower forest foster free friend gain
    game gates gil grace grant guy hale hand happy hardy hart heart holiday holly home
    honey house howard hurt iris jewel jewell judge just kind lake land law little
    lucky marsh martin master meadow mercy merry middle mill mills moore more
    morning nice noble oak ocean ok pace paris pearl person pink place pool pope potter
    queen rain ray read ready river robin rose royal ruby sage salt sandy sea season
    shadow shell silver sing sky smith spring stamp still stroud summer sunny swift
    tailor tea temple thorn true union vale valley vine wall walls war waters weaver
    well wells will winter wolf wren yard princess prince duke earl baron""".split()) | calendar_words(abbreviated=False)


@cache
def _census(name: str) -> frozenset[str]:
    text = resources.files("names").joinpath(name).read_text()
    return frozenset(line.split()[0].lower() for line in text.splitlines() if line.strip())


@cache
def given_names() -> frozenset[str]:
    return _census("dist.female.first") | _census("dist.male.first")


def surnames() -> frozenset[str]:
    return _census("dist.all.last")


@cache
def census_shares(name: str) -> dict[str, float]:
    """name -> percent of the 1990 US population bearing it (the census lists' second column)."""
    text = resources.files("names").joinpath(name).read_text()
    return {parts[0].lower(): float(parts[1]) for parts in map(str.split, text.splitlines()) if parts}


@cache
def world_name_ranks() -> dict[str, int]:
    """name -> its best rank among the first and last names of names-dataset's 105 countries.

    The package ships 2 GB of pickles (10 s to load); the ranks Veil uses are extracted once into a
    small cache file beside the other local caches and read from there afterwards.
    """
    return load_or_build(WORLD_RANK_CAP)
