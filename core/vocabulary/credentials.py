"""Degrees and licences written after a name ("<name>, MD", "<name> rrt"), as written."""

from __future__ import annotations

CREDENTIALS = frozenset(
    "MD DO RN NP PA PhD DDS DMD PharmD MBBS MBChB FRCP FRCS FACC FACS LPN CNA APRN DNP MPH MSN BSN "
    "Esq JD LLM CPA MSW LCSW PsyD RRT CRNA RPh PT OT SLP RD".split())
# Those that are hardly anything else, so they cue a name before them in any case (not "DO", "PT").
STRONG_CREDENTIALS = ("md", "rn", "rrt", "np", "lpn", "cna", "aprn", "crna", "phd", "dds", "dmd", "pharmd",
                      "mbbs", "frcp", "frcs", "msw", "lcsw", "psyd", "esq", "cpa")
