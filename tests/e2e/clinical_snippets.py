"""Short adversarial clinical snippets (issue 23): synthetic notes written for these tests, with
identifiers in the shapes real notes use and redactors miss — reformatted record numbers,
plus-addressed e-mails, ages over 89, nicknames, vehicle and health-plan numbers — beside the
clinical shorthand, drugs and doses a note must keep readable.

Each snippet marks its personal data as [[value|LABEL]]; `records()` turns them into gold records
(`redaction.evaluation.GoldRecord`). Every person, place, number and address here is invented.
"""

from __future__ import annotations

import re

from redaction.evaluation import GoldRecord

SNIPPETS = [
    "Pt [[Marguerite Okonkwo-Bell|NAME]], MRN [[00-482-117|ID]], [[93|AGE]] yo F admitted from "
    "[[St. Brennan's|LOCATION]] Hospital with CHF exacerbation. Lasix 40 mg IV given, CXR w/ b/l effusions.",
    "Daughter [[Lizzie|NAME]] ([[lizzie.vanterpool+careteam@fastmail.example|EMAIL]]) called at 1900, "
    "updated by RN. Pt on heparin gtt, PTT 68.",
    "[[97|AGE]]-year-old man, h/o CABG '04, AFib on apixaban. Lives with wife [[Dottie|NAME]] at "
    "[[4417 Larchmere Rd, Dunmore, PA 18512|ADDRESS]].",
    "Medicare ID [[1EG4-TE5-MK72|ID]]; secondary plan Aetna member # [[W238 441 907|ID]]. NPO after MN for cath.",
    "Seen by Dr [[Rashidi|NAME]] and NP [[Feeney|NAME]]. ABG 7.32/48/71. Cont BiPAP 12/5, FiO2 40%.",
    "Pt's son [[Bobby Castellanos|NAME]] drove her in; car plate [[7KXR 219|VEHICLE]] left in ED lot. "
    "Tele: NSR 70s, no ectopy.",
    "VIN on the crashed vehicle [[1HGCM82633A004352|VEHICLE]] per EMS report. GCS 14, C-collar on, CT head neg.",
    "Call back # [[(570) 555-0148|PHONE]] or cell [[570.555.0193|PHONE]]. Pt A&Ox3, MAE, PERRLA.",
    "SSN on file [[123 45 6789|ID]] (pt insists on it for billing). K 3.2, repleted 40 mEq KCl PO.",
    "[[101|AGE]] y/o woman from [[Maplewood Gardens|LOCATION]] nursing home, baseline dementia, DNR/DNI. "
    "Foley draining clear yellow urine.",
    "Admitted [[3/14/2024|DATE]]; transferred to [[MGH|LOCATION]] [[3/16|DATE]] for EP study. Amiodarone gtt d/c'd.",
    "Pt known as [[Peggy|NAME]] ([[Margaret Szymanska|NAME]]), uses walker. PT/OT eval today, ambulated 50 ft.",
    "Wife [[Antoinette|NAME]] reachable at [[antoinette.dubreuil@example.net|EMAIL]]. Pain 4/10, "
    "oxycodone 5 mg PO q4h prn.",
    "Health plan beneficiary no. [[HPB-88120477|ID]]. Insulin sliding scale, FS 212 at 1600, 4 u lispro given.",
    "Brother [[Teodor Lindqvist|NAME]] from [[Bemidji|LOCATION]] visiting this wk. Resp: LS coarse, sx for thick tan.",
    "Pt, age [[92|AGE]], fell at home on [[Jan 2|DATE]]; hip fx repaired by Dr [[Achterberg|NAME]] [[1/4|DATE]]. "
    "Hgb 8.1, 1 u PRBC.",
    "Old chart under MR# [[4 471 902|ID]] (prior admit [[2019|DATE]]). Cont vanc 1 g IV q12h, trough pending.",
    "Nephew [[Jimmy Oyelaran|NAME]] is HCP; phone [[+1 570 555 0172|PHONE]]. Plan: family mtg tomorrow re goals of care.",
    "Discharged to [[Quillfeather Rehab|LOCATION]] on [[5/22|DATE]] with PICC for 6 wks ceftriaxone.",
    "Email from pt [[w.abernathy+meds@example.org|EMAIL]] asking about Coumadin dose; INR 2.6, no change.",
    "Pt [[Hollis Venkataraman|NAME]] ([[Holly|NAME]]), [[95|AGE]] yo, on 2L NC, sats 94%. Lopressor 25 mg PO BID held for SBP 88.",
    "Member ID [[ZXQ901244718|ID]] verified w/ insurer. Echo: EF 35%, mod MR. Cardiology following.",
    "Spoke with pt's partner [[Reggie|NAME]] at [[570-555-0124|PHONE]]. Pt restless overnight, haldol 2 mg IV x1.",
    "Transferred from [[Larkfield General Hospital|LOCATION]] [[10/08|DATE]] for CVVHD. Cr 5.4, K 5.9, kayexalate given.",
]

_MARK = re.compile(r"\[\[(?P<value>[^|\]]+)\|(?P<label>[A-Z]+)\]\]")


def records() -> list[GoldRecord]:
    return [_record(f"snippet-{number}", marked) for number, marked in enumerate(SNIPPETS, start=1)]


def _record(record_id: str, marked: str) -> GoldRecord:
    text, spans, position = [], [], 0
    for match in _MARK.finditer(marked):
        text.append(marked[position:match.start()])
        start = sum(map(len, text))
        text.append(match["value"])
        spans.append((start, start + len(match["value"]), match["label"]))
        position = match.end()
    text.append(marked[position:])
    return GoldRecord(record_id, "".join(text), tuple(spans))
