"""Currencies as documents quote them: symbols, ISO 4217 codes and names."""

from __future__ import annotations

CURRENCY_SYMBOLS = "$€£¥"
# ISO 4217 codes of the currencies documents quote most ("USD 1,350", "fees of GBP 45.00"), lower case.
CURRENCY_CODES = frozenset("""
    usd eur gbp jpy chf cad aud nzd cny rmb hkd sgd inr sek nok dkk pln czk huf ron bgn hrk rub uah try
    ils aed sar qar kwd bhd omr egp zar ngn kes ghs mad tnd brl mxn ars clp cop pen krw twd thb myr idr
    php vnd pkr bdt lkr isk dem frf itl esp nlg bef ats xof xaf
    """.split())
# The codes quoted most that are no English word or name ("try", "pen", "ron" are).
COMMON_CURRENCY_CODES = frozenset("usd eur gbp jpy chf cad aud cny inr sek nok dkk pln czk huf".split())
CURRENCY_NAMES = ("dollar", "euro", "pound")
