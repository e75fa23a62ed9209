#!/usr/bin/env python3
# Generator for Veil's bundled sample documents in examples/.
#
# Requires:  pip install fpdf2 python-docx
# Optional (extra verification, skipped when absent):  pip install pypdf phonenumbers
#
# Usage:  python scripts/make_samples.py
#
# Everything in these documents is FICTIONAL. Names, addresses, emails (only
# example.com / example.org / example.net), phone numbers (US 555-01xx and UK
# Ofcom drama ranges), SSNs and IBANs are made up for Veil's demo and for the
# end-to-end tests that assert no planted personal value leaks through
# redaction. IBANs carry valid mod-97 check digits so IBAN recognizers fire.
#
# Output is deterministic: fixed PDF creation date, fixed DOCX core
# properties and zip timestamps, fixed email Date/Message-ID.
"""Generate examples/ (six sample documents + planted.json + questions.json + README.md)."""

from __future__ import annotations

import datetime as _dt
import email
import email.policy
import io
import json
import re
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples"
DOCS = OUT / "documents"  # only the documents: `veil ingest examples/documents`

FIXED_DT = _dt.datetime(2024, 4, 22, 9, 0, 0, tzinfo=_dt.timezone.utc)

PERSON = "PERSON"
EMAIL = "EMAIL_ADDRESS"
PHONE = "PHONE_NUMBER"
IBAN = "IBAN_CODE"
SSN = "US_SSN"
ADDR = "STREET_ADDRESS"
LABELS = {PERSON, EMAIL, PHONE, IBAN, SSN, ADDR}


# --------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------

def iban_is_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check (spaces ignored)."""
    s = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def ssn_is_plausible(ssn: str) -> bool:
    m = re.fullmatch(r"(\d{3})-(\d{2})-(\d{4})", ssn)
    if not m:
        return False
    area, group, serial = m.groups()
    if area in ("000", "666") or area.startswith("9"):
        return False
    if group == "00" or serial == "0000":
        return False
    if ssn in ("123-45-6789", "078-05-1120", "219-09-9999"):
        return False
    return True


def email_is_reserved(addr: str) -> bool:
    return re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", addr) is not None


# --------------------------------------------------------------------------
# Document content
# --------------------------------------------------------------------------
# Each document: planted values (label, value) + content built from them.

# ---- 1. discharge_summary.pdf (health) -----------------------------------
DS = dict(
    patient="Eleanor Whitfield",
    patient_sur="Whitfield",
    doctor="Samuel Okafor",
    doctor_sur="Okafor",
    nurse="Priya Raman",
    ssn="512-48-3391",
    addr="1847 Larkspur Lane, Sacramento, CA 95818",
    phone="(916) 555-0132",
    phone_intl="+44 20 7946 0958",
    email="eleanor.whitfield@example.com",
    email2="p.raman@example.org",
    iban="GB82 WEST 1234 5698 7654 32",
)
DS_PLANTED = [
    (PERSON, DS["patient"]), (PERSON, DS["patient_sur"]),
    (PERSON, DS["doctor"]), (PERSON, DS["doctor_sur"]),
    (PERSON, DS["nurse"]),
    (EMAIL, DS["email"]), (EMAIL, DS["email2"]),
    (PHONE, DS["phone"]), (PHONE, DS["phone_intl"]),
    (IBAN, DS["iban"]), (SSN, DS["ssn"]), (ADDR, DS["addr"]),
]

# PDF content model: list of ("title"|"h"|"kv"|"p"|"li"|"pagebreak"|"gap", text)
DS_BLOCKS = [
    ("title", "RIVERSIDE MEMORIAL HOSPITAL"),
    ("subtitle", "Department of Cardiology - Inpatient Discharge Summary"),
    ("gap", ""),
    ("kv", f"Patient: {DS['patient']}        MRN: RMH-0048-2913        Age: 72"),
    ("kv", f"SSN: {DS['ssn']}"),
    ("kv", f"Home address: {DS['addr']}"),
    ("kv", f"Phone: {DS['phone']}        Email: {DS['email']}"),
    ("kv", "Admitted: 11 February 2024        Discharged: 16 February 2024"),
    ("kv", f"Attending physician: Dr. {DS['doctor']}, MD (Cardiology)"),
    ("kv", f"Case manager: {DS['nurse']}, RN ({DS['email2']})"),
    ("gap", ""),
    ("h", "Reason for Admission"),
    ("p", f"Ms. {DS['patient_sur']} is a 72-year-old retired schoolteacher who presented "
          "to the emergency department with three days of palpitations, shortness of "
          "breath on exertion and light-headedness. The electrocardiogram on arrival showed "
          "new-onset atrial fibrillation with rapid ventricular response at 148 beats per "
          "minute. She had no prior history of arrhythmia. Her past medical history is "
          "notable for hypertension, controlled on lisinopril, and mild osteoarthritis of "
          "both knees. She does not smoke and drinks alcohol rarely."),
    ("h", "Hospital Course"),
    ("p", f"Dr. {DS['doctor_sur']} started intravenous diltiazem in the emergency department, "
          "which brought the heart rate down to the 90s within four hours. A transthoracic "
          "echocardiogram on hospital day two showed a preserved left ventricular ejection "
          "fraction of 55 percent, mild left atrial enlargement and no significant valve "
          "disease. Thyroid-stimulating hormone, electrolytes and serial troponins were "
          "normal, making thyroid disease and acute coronary syndrome unlikely triggers. "
          "Her CHA2DS2-VASc score was 3 (age, female sex, hypertension), so long-term "
          f"anticoagulation was recommended and discussed at length with Ms. {DS['patient_sur']} "
          "and her daughter."),
    ("p", "On hospital day three she was switched to oral metoprolol succinate and apixaban "
          "was started. She converted spontaneously to normal sinus rhythm on the evening of "
          "day four and remained in sinus rhythm on telemetry for more than 36 hours before "
          "discharge. She walked the unit corridor without symptoms, and her oxygen "
          "saturation stayed above 95 percent on room air throughout the stay."),
    ("h", "Discharge Diagnoses"),
    ("li", "Paroxysmal atrial fibrillation with rapid ventricular response, resolved."),
    ("li", "Essential hypertension, stable."),
    ("pagebreak", ""),
    ("h", "Discharge Medications"),
    ("li", "Apixaban 5 mg twice daily (NEW) - anticoagulant to prevent stroke."),
    ("li", "Metoprolol succinate 50 mg once daily (NEW) - heart rate control."),
    ("li", "Lisinopril 10 mg once daily (CONTINUED)."),
    ("li", "Acetaminophen 650 mg every 6 hours as needed for knee pain."),
    ("p", "Ibuprofen, naproxen and other NSAIDs must be avoided while she is taking "
          "apixaban because of the increased bleeding risk."),
    ("h", "Follow-up Plan"),
    ("p", f"Ms. {DS['patient_sur']} will see Dr. {DS['doctor_sur']} in the cardiology clinic "
          "in 7 days and will wear a 14-day ambulatory Holter monitor fitted at that visit. "
          "A basic metabolic panel should be repeated in two weeks."),
    ("p", f"{DS['nurse']} will telephone the patient at {DS['phone']} within 48 hours "
          "of discharge to review the new medications and check for dizziness or bleeding."),
    ("p", "Her daughter, who lives in London, asked to be contacted on "
          f"{DS['phone_intl']} if her mother is readmitted."),
    ("h", "Return Precautions"),
    ("p", "Return to the emergency department for chest pain, fainting, palpitations lasting "
          "more than 30 minutes, sudden weakness or trouble speaking, or any sign of "
          "bleeding such as black stools or blood in the urine."),
    ("h", "Billing Note"),
    ("p", "The patient holds a UK travel health policy. At her request the refund of the "
          "co-payment will be sent to her account:"),
    ("kv", f"IBAN {DS['iban']}"),
    ("gap", ""),
    ("p", f"Electronically signed by {DS['doctor']}, MD, on 16 February 2024."),
]

# ---- 2. loan_review.docx (finance) ---------------------------------------
LR = dict(
    a1="Marcus Delgado", a1_sur="Delgado",
    a2="Linnea Brandt", a2_sur="Brandt",
    uw="Kenji Watanabe",
    ssn1="287-61-4409", ssn2="403-27-8815",
    phone1="(512) 555-0163", phone2="+49 30 5558 4127",
    email1="marcus.delgado@example.com", email2="linnea.brandt@example.net",
    email3="k.watanabe@example.org",
    addr_prop="2210 Cedar Hollow Drive, Austin, TX 78704",
    addr_cur="96 Quarry Ridge Road, Round Rock, TX 78664",
    iban="DE89 3704 0044 0532 0130 00",
)
LR_PLANTED = [
    (PERSON, LR["a1"]), (PERSON, LR["a1_sur"]),
    (PERSON, LR["a2"]), (PERSON, LR["a2_sur"]),
    (PERSON, LR["uw"]),
    (EMAIL, LR["email1"]), (EMAIL, LR["email2"]), (EMAIL, LR["email3"]),
    (PHONE, LR["phone1"]), (PHONE, LR["phone2"]),
    (IBAN, LR["iban"]),
    (SSN, LR["ssn1"]), (SSN, LR["ssn2"]),
    (ADDR, LR["addr_prop"]), (ADDR, LR["addr_cur"]),
]

# ---- 3. employment_agreement.html (legal) ---------------------------------
EA = dict(
    emp="Jonathan Prescott", emp_sur="Prescott",
    hr="Rebecca Lindqvist", hr_sur="Lindqvist",
    addr="58 Marlowe Street, Apt 4B, Portland, OR 97209",
    ssn="219-53-6174",
    phone="(503) 555-0125", phone_intl="+44 20 7946 0321",
    email="jonathan.prescott@example.com", email2="r.lindqvist@example.org",
    iban="GB02 BARC 2000 5873 0194 62",
)
EA_PLANTED = [
    (PERSON, EA["emp"]), (PERSON, EA["emp_sur"]),
    (PERSON, EA["hr"]), (PERSON, EA["hr_sur"]),
    (EMAIL, EA["email"]), (EMAIL, EA["email2"]),
    (PHONE, EA["phone"]), (PHONE, EA["phone_intl"]),
    (IBAN, EA["iban"]), (SSN, EA["ssn"]), (ADDR, EA["addr"]),
]

# ---- 4. incident_report.md (IT security) ----------------------------------
IR = dict(
    ic="Tomasz Kowalczyk", ic_sur="Kowalczyk",
    author="Grace Adeyemi",
    cust="Daniel Fairbanks", cust_sur="Fairbanks",
    ssn="358-92-0467",
    addr="4410 Juniper Crest Way, Bellevue, WA 98006",
    iban="NL71 RABO 0318 2645 07",
    phone_cust="(617) 555-0188", phone_author="(206) 555-0119",
    phone_ic="+44 117 496 0734",
    email_cust="dfairbanks@example.net", email_author="grace.adeyemi@example.org",
    email_ic="t.kowalczyk@example.org",
)
IR_PLANTED = [
    (PERSON, IR["ic"]), (PERSON, IR["ic_sur"]),
    (PERSON, IR["author"]),
    (PERSON, IR["cust"]), (PERSON, IR["cust_sur"]),
    (EMAIL, IR["email_cust"]), (EMAIL, IR["email_author"]), (EMAIL, IR["email_ic"]),
    (PHONE, IR["phone_cust"]), (PHONE, IR["phone_author"]), (PHONE, IR["phone_ic"]),
    (IBAN, IR["iban"]), (SSN, IR["ssn"]), (ADDR, IR["addr"]),
]

# ---- 5. insurance_claim.txt (car accident) --------------------------------
IC = dict(
    claimant="Rosalind Meyer",
    other="Victor Castellanos", other_sur="Castellanos",
    adjuster="Nadia Haddad", adjuster_sur="Haddad",
    addr="319 Birchwood Avenue, Columbus, OH 43214",
    phone="(614) 555-0156", phone_other="(614) 555-0191",
    phone_intl="+353 1 555 0198",
    email="rosalind.meyer@example.com", email_adj="n.haddad@example.org",
    ssn="461-08-2753",
    iban="IE14 BOFI 9000 1728 4639 15",
)
IC_PLANTED = [
    (PERSON, IC["claimant"]),
    (PERSON, IC["other"]), (PERSON, IC["other_sur"]),
    (PERSON, IC["adjuster"]), (PERSON, IC["adjuster_sur"]),
    (EMAIL, IC["email"]), (EMAIL, IC["email_adj"]),
    (PHONE, IC["phone"]), (PHONE, IC["phone_other"]), (PHONE, IC["phone_intl"]),
    (IBAN, IC["iban"]), (SSN, IC["ssn"]), (ADDR, IC["addr"]),
]

# ---- 6. wire_transfer.eml (supplier payment) ------------------------------
WT = dict(
    sender="Helena Voss",
    to="Oliver Brennan", to_sur="Brennan",
    cc="Farid Nasser", cc_sur="Nasser",
    email_sender="helena.voss@example.net",
    email_to="oliver.brennan@example.org",
    email_cc="farid.nasser@example.net",
    phone_sender="(312) 555-0147", phone_to="(646) 555-0172",
    phone_cc="+44 20 7946 0581",
    iban_payer="GB84 LOYD 3096 1845 2077 33",
    iban_payee="DE96 3702 0500 0008 0459 12",
    ssn="530-74-1926",
    addr="77 Harrow Court, Evanston, IL 60201",
)
WT_PLANTED = [
    (PERSON, WT["sender"]),
    (PERSON, WT["to"]), (PERSON, WT["to_sur"]),
    (PERSON, WT["cc"]), (PERSON, WT["cc_sur"]),
    (EMAIL, WT["email_sender"]), (EMAIL, WT["email_to"]), (EMAIL, WT["email_cc"]),
    (PHONE, WT["phone_sender"]), (PHONE, WT["phone_to"]), (PHONE, WT["phone_cc"]),
    (IBAN, WT["iban_payer"]), (IBAN, WT["iban_payee"]),
    (SSN, WT["ssn"]), (ADDR, WT["addr"]),
]

PLANTED = {
    "discharge_summary.pdf": DS_PLANTED,
    "loan_review.docx": LR_PLANTED,
    "employment_agreement.html": EA_PLANTED,
    "incident_report.md": IR_PLANTED,
    "insurance_claim.txt": IC_PLANTED,
    "wire_transfer.eml": WT_PLANTED,
}

QUESTIONS = [
    {"question": "What dose of the blood thinner was the patient sent home on after her "
                 "heart rhythm problem?",
     "file": "discharge_summary.pdf", "expected_phrase": "5 mg twice daily"},
    {"question": "How much money are the applicants asking the credit union to lend them "
                 "for the house purchase?",
     "file": "loan_review.docx", "expected_phrase": "$487,500"},
    {"question": "After leaving the company, for how long is the new hire barred from "
                 "working for a competitor?",
     "file": "employment_agreement.html", "expected_phrase": "12 months"},
    {"question": "What was the root cause that let an outsider get into the staging "
                 "customer database?",
     "file": "incident_report.md", "expected_phrase": "hard-coded service account key"},
    {"question": "What did the body shop estimate it would cost to fix the damaged car?",
     "file": "insurance_claim.txt", "expected_phrase": "$6,842.17"},
    {"question": "How much is actually being wired to the packaging supplier after the "
                 "discount?",
     "file": "wire_transfer.eml", "expected_phrase": "EUR 42,318.50"},
]


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def write_pdf(path: Path) -> None:
    from fpdf import FPDF

    protected = sorted({v for _, v in DS_PLANTED}, key=len, reverse=True)
    NBSP = "\x00"  # sentinel keeping planted values unbroken while wrapping

    class PDF(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, f"Riverside Memorial Hospital - Discharge Summary - "
                            f"Patient: {DS['patient']} - Page {self.page_no()} of {{nb}}",
                      align="C")

    pdf = PDF(format="Letter", unit="mm")
    pdf.set_creation_date(FIXED_DT)
    pdf.set_title("Discharge Summary")
    pdf.set_author("Riverside Memorial Hospital")
    pdf.set_creator("Veil make_samples.py")
    pdf.set_producer("Veil make_samples.py")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def wrap(text: str, indent: float = 0.0) -> list[str]:
        for v in protected:
            text = text.replace(v, v.replace(" ", NBSP))
        words = text.split(" ")
        lines, cur = [], ""
        for w in words:
            cand = w if not cur else cur + " " + w
            if pdf.get_string_width(cand.replace(NBSP, " ")) <= width - indent:
                cur = cand
            else:
                lines.append(cur)
                cur = w
        if cur:
            lines.append(cur)
        return [ln.replace(NBSP, " ") for ln in lines]

    lh = 5.6
    for kind, text in DS_BLOCKS:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
            pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT", align="C")
        elif kind == "subtitle":
            pdf.set_font("Helvetica", "", 11)
            pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="C")
        elif kind == "gap":
            pdf.ln(3)
        elif kind == "pagebreak":
            pdf.add_page()
        elif kind == "h":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "kv":
            pdf.set_font("Helvetica", "", 10.5)
            for ln in wrap(text):
                pdf.cell(0, lh, ln, new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10.5)
            for ln in wrap(text):
                pdf.cell(0, lh, ln, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "li":
            pdf.set_font("Helvetica", "", 10.5)
            for i, ln in enumerate(wrap(text, indent=6)):
                pdf.set_x(pdf.l_margin)
                pdf.cell(6, lh, "-" if i == 0 else "")
                pdf.cell(0, lh, ln, new_x="LMARGIN", new_y="NEXT")
        else:
            raise ValueError(kind)
    path.write_bytes(bytes(pdf.output()))


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the DOCX is byte-for-byte reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 4, 22, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def write_docx(path: Path) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    cp = d.core_properties
    cp.author = "Harbor Point Federal Credit Union"
    cp.title = "Mortgage Application Review HPF-2024-07731"
    cp.created = FIXED_DT.replace(tzinfo=None)
    cp.modified = FIXED_DT.replace(tzinfo=None)
    cp.last_modified_by = "Underwriting"
    cp.revision = 1
    d.styles["Normal"].font.size = Pt(10.5)

    d.add_heading("Mortgage Application Review", level=0)
    d.add_paragraph("Harbor Point Federal Credit Union - Residential Underwriting\n"
                    "File HPF-2024-07731 - Review date: 9 April 2024")

    d.add_heading("1. Summary", level=1)
    d.add_paragraph(
        f"This memo summarizes the underwriting review of the joint application submitted "
        f"by {LR['a1']} and {LR['a2']} for the purchase of a single-family home at "
        f"{LR['addr_prop']}. The applicants request a 30-year fixed-rate purchase loan of "
        f"$487,500 against a contract price of $650,000, a loan-to-value ratio of 75 percent. "
        f"Underwriter {LR['uw']} recommends approval subject to the conditions in section 6.")

    d.add_heading("2. Applicants", level=1)
    d.add_paragraph(
        f"Mr. {LR['a1_sur']} (SSN {LR['ssn1']}) is a senior civil engineer at a regional "
        f"transportation consultancy and has been with the same employer for eight years. "
        f"His verified base income is $11,250 per month. He can be reached at {LR['phone1']} "
        f"or {LR['email1']}.")
    d.add_paragraph(
        f"Ms. {LR['a2_sur']} (SSN {LR['ssn2']}) is a freelance technical translator who "
        f"relocated from Berlin in 2022. Her two-year average self-employment income, taken "
        f"from her 2022 and 2023 returns, is $5,900 per month. Her contact details are "
        f"{LR['email2']} and {LR['phone2']}, a German number she keeps for existing clients. "
        f"The couple currently rents at {LR['addr_cur']}.")

    t = d.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    for cell, txt in zip(t.rows[0].cells, ["Applicant", "Role", "Phone", "Email"]):
        cell.text = txt
    for row in [(LR["a1"], "Primary borrower", LR["phone1"], LR["email1"]),
                (LR["a2"], "Co-borrower", LR["phone2"], LR["email2"])]:
        cells = t.add_row().cells
        for cell, txt in zip(cells, row):
            cell.text = txt

    d.add_heading("3. Loan Terms", level=1)
    d.add_paragraph("The requested terms and the key ratios calculated during review are:")
    t2 = d.add_table(rows=1, cols=2)
    t2.style = "Table Grid"
    t2.rows[0].cells[0].text = "Item"
    t2.rows[0].cells[1].text = "Value"
    for k, v in [("Loan program", "30-year fixed, conventional"),
                 ("Loan amount", "$487,500"),
                 ("Interest rate", "6.125% (locked for 45 days)"),
                 ("Purchase price", "$650,000"),
                 ("Down payment", "$162,500 (25%)"),
                 ("Monthly principal and interest", "$2,962.10"),
                 ("Back-end debt-to-income", "36.4%"),
                 ("Middle credit scores", "748 / 731")]:
        cells = t2.add_row().cells
        cells[0].text = k
        cells[1].text = v

    d.add_heading("4. Assets and Down Payment", level=1)
    d.add_paragraph(
        f"The down payment is sourced from the applicants' joint savings ($104,000) and a "
        f"transfer of EUR 54,000 (about $58,500) from Ms. {LR['a2_sur']}'s German account "
        f"{LR['iban']}. Because these are foreign funds, the underwriter requires a "
        f"translated statement for the last two months and proof that the money has been "
        f"converted and deposited into a US account before closing. Reserves after closing "
        f"equal seven months of housing payments.")

    d.add_heading("5. Credit, Liabilities and Property", level=1)
    d.add_paragraph(
        "Existing obligations include a car loan with 22 payments of $412 remaining and "
        "student loans of $186 per month. The back-end debt-to-income ratio of 36.4 percent "
        "is within the 43 percent program limit. The appraisal dated 2 April 2024 values the "
        "property at $655,000, slightly above contract. The appraiser noted missing and "
        "curling shingles on the north slope of the roof, so a roof inspection is required.")

    d.add_heading("6. Conditions of Approval", level=1)
    for c in [f"Certified English translation of Ms. {LR['a2_sur']}'s German bank statements.",
              "Satisfactory roof inspection, with repairs completed before closing if needed.",
              "Signed 2023 federal tax return and year-to-date profit and loss statement "
              "for the co-borrower.",
              "Homeowner's insurance naming the credit union as mortgagee."]:
        d.add_paragraph(c, style="List Bullet")

    d.add_heading("7. Recommendation", level=1)
    d.add_paragraph(
        f"Approve with conditions. Questions about this file should be sent to {LR['uw']} "
        f"at {LR['email3']}.")

    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(_normalize_zip(buf.getvalue()))


def build_html() -> str:
    e = EA
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Employment Agreement - Northwind Analytics LLC</title>
</head>
<body>
<h1>Employment Agreement</h1>
<p>This Employment Agreement (the "Agreement") is made as of March 4, 2024, between
Northwind Analytics LLC, a Delaware limited liability company with its principal office in
Oakland, California (the "Company"), and {e['emp']}, residing at {e['addr']}
(the "Employee").</p>

<h2>1. Position and Duties</h2>
<p>The Company employs the Employee as Senior Data Engineer, reporting to the Director of
Data Platform. The Employee will work remotely from Oregon and travel to Oakland up to one
week per quarter. The first 90 days of employment are a probationary period during which
performance will be reviewed monthly.</p>

<h2>2. Compensation</h2>
<p>The Company will pay the Employee a base salary of $168,000 per year, paid semi-monthly
and reviewed each January. The Employee is eligible for an annual target bonus of 10 percent
of base salary. A signing bonus of $15,000 will be paid with the first paycheck and must be
repaid in full if the Employee resigns within the first year.</p>

<h2>3. Benefits</h2>
<p>The Employee may participate in the Company's benefit plans, currently including:</p>
<ul>
  <li>Medical, dental and vision coverage, with 90 percent of premiums paid by the Company;</li>
  <li>A 401(k) plan with a Company match of up to 4 percent of salary;</li>
  <li>20 days of paid time off per year plus Company holidays;</li>
  <li>An annual learning budget of $1,500 for courses and conferences.</li>
</ul>

<h2>4. London Secondment</h2>
<p>Beginning September 2024, the Employee will spend six months at the Company's London
office. During the secondment the salary will be paid in pounds sterling into the Employee's
UK account {e['iban']}, and the Employee can be reached locally at {e['phone_intl']}.</p>

<h2>5. Confidentiality and Inventions</h2>
<p>The Employee shall keep confidential all non-public information of the Company and its
clients, both during and after employment, and assigns to the Company all inventions,
code and models created within the scope of employment.</p>

<h2>6. Non-Competition and Non-Solicitation</h2>
<p>For 12 months following the end of employment for any reason, the Employee shall not
work for a direct competitor of the Company in the retail demand-forecasting market, and
shall not solicit any Company client or employee. The Company will pay the Employee
50 percent of base salary during any period in which it chooses to enforce the
non-competition restriction.</p>

<h2>7. Termination</h2>
<p>Either party may end this Agreement with 30 days' written notice. If the Company
terminates employment without cause, the Employee will receive eight weeks of base salary
as severance, conditioned on signing a release of claims.</p>

<h2>8. Payroll Information</h2>
<p>For payroll and Form I-9 purposes, the Employee has provided Social Security number
{e['ssn']}. Mr. {e['emp_sur']} confirms that this information is accurate and will notify
the Company of any change.</p>

<h2>9. Notices</h2>
<p>Notices to the Employee shall be sent to {e['email']} or to the residence address above,
with a copy by telephone at {e['phone']}. Notices to the Company shall be sent to
{e['hr']}, Vice President of People, at {e['email2']}. Ms. {e['hr_sur']} is the Company's
authorized signatory for this Agreement.</p>

<h2>Signatures</h2>
<p>For Northwind Analytics LLC: {e['hr']}, Vice President of People</p>
<p>Employee: {e['emp']}</p>
</body>
</html>
"""


def build_md() -> str:
    r = IR
    return f"""# Security Incident Postmortem: INC-2024-0419

- **Title:** Unauthorized access to the staging customer database
- **Severity:** SEV-1
- **Status:** Resolved, action items in progress
- **Incident commander:** {r['ic']}
- **Author:** {r['author']}
- **Date of incident:** 18 April 2024

## Summary

On 18 April 2024 between 02:14 and 05:56 UTC, an external actor used a leaked cloud
credential to read data from the staging customer database of the billing service. The
attacker exported 1,284 customer records before the credential was revoked. Total time
from first malicious request to containment was 3 hours 42 minutes. Production systems were
not accessed.

## Root Cause

The root cause was a hard-coded service account key committed to a public GitHub
repository on 9 April 2024. A contractor's load-testing script contained the JSON key for
the `stg-billing-reader` service account. The key had read access to the staging database,
and staging had been seeded with an unmasked production snapshot in March instead of the
usual synthetic data set. Automated secret scanning was enabled only for private
repositories, so the commit was not flagged.

## Timeline (UTC)

| Time | Event |
|------|-------|
| 9 Apr, 16:03 | Script containing the service account key pushed to a public repository |
| 18 Apr, 02:14 | First API call with the key from an unfamiliar IP range |
| 18 Apr, 04:31 | Anomaly alert on bulk reads fires; on-call engineer paged |
| 18 Apr, 05:09 | {r['ic']} declared SEV-1 and took command |
| 18 Apr, 05:56 | Key revoked and staging database network access closed |
| 19 Apr, 10:00 | Affected customers notified |

## Impact

- 1,284 customer records exposed, containing names, email addresses and billing history.
- 37 records also contained full bank and tax identifiers because of the unmasked snapshot.
- No evidence of access to production or of data modification.

The most heavily affected customer was {r['cust']}, whose record included SSN
{r['ssn']}, home address {r['addr']}, bank account {r['iban']},
phone {r['phone_cust']} and email {r['email_cust']}. {r['author']} called
Mr. {r['cust_sur']} on 19 April and offered two years of credit monitoring.

## Contributing Factors

- Secret scanning and push protection were not enabled on public repositories.
- Service account keys were long-lived (no rotation for 14 months) instead of short-lived
  workload identity tokens.
- The staging refresh job copied production data without running the masking step.
- The bulk-read alert threshold was tuned for production traffic and fired late.

## Action Items

| Owner | Action | Due |
|-------|--------|-----|
| {r['ic']} | Enable secret scanning and push protection on all repositories | 26 Apr 2024 |
| {r['ic']} | Replace service account keys with workload identity federation | 31 May 2024 |
| {r['author']} | Make the masking step mandatory in the staging refresh job | 3 May 2024 |
| {r['author']} | Lower the staging bulk-read alert threshold to 200 rows per minute | 26 Apr 2024 |

## Contacts

- Author: {r['author']}, {r['email_author']}, {r['phone_author']}
- Incident commander: {r['ic']}, {r['email_ic']}, {r['phone_ic']} (Bristol on-call)

Questions about this postmortem should go to Mr. {r['ic_sur']} or to the security team channel.
"""


def build_txt() -> str:
    c = IC
    return f"""{c['claimant']}
{c['addr']}
Phone: {c['phone']}
Email: {c['email']}

March 18, 2024

{c['adjuster']}, Claims Adjuster
Lakeshore Mutual Insurance Company
Auto Claims Department

Re: Claim No. LM-AU-558120, Policy No. LMA-7734019
Date of loss: March 7, 2024

Dear Ms. {c['adjuster_sur']},

I am writing to file a formal claim for the collision involving my 2019 Subaru Outback on
the evening of March 7, 2024. At about 5:40 pm I was driving north on North High Street in
Columbus and had entered the intersection with East Lane Avenue on a green light when a
pickup truck driven by {c['other']} ran the red light and struck the rear passenger
side of my car. Nobody else was in my vehicle. Columbus police attended the scene and
issued Mr. {c['other_sur']} a citation for failure to obey a traffic signal. The police
report number is CPD-24-031877.

Mr. {c['other_sur']} gave me his phone number, {c['phone_other']}, and told me he is
insured with Buckeye Auto Insurance. I understand you will pursue subrogation against his
carrier, but I would like my own collision coverage to pay for the repairs now so that I
can get my car back.

Kessler Auto Body inspected the vehicle on March 11 and estimated the repairs at $6,842.17.
The estimate covers replacing the rear passenger door, repairing and repainting the rear
quarter panel, replacing the rear bumper cover and a wheel alignment, since the impact bent
the rear suspension control arm. The shop expects the work to take nine business days once
parts arrive. I understand my collision deductible is $500.

While my car is being repaired I am renting a compact car at $45 per day, and my policy
includes rental reimbursement of up to $50 per day for 30 days. I also visited an urgent
care clinic the morning after the accident with neck pain; the bill was $310, and I am
claiming it under the medical payments coverage of my policy. For that part of the claim
your form asked for my Social Security number, which is {c['ssn']}.

Please note that I am relocating to Dublin, Ireland, for work at the end of April. I would
therefore prefer any reimbursement to be paid by international transfer to my Irish
account, IBAN {c['iban']}. After April 26 the best phone number to reach me is
{c['phone_intl']}; my email address will not change.

Enclosed are copies of the police report, the Kessler Auto Body estimate, photographs of
the damage, the rental agreement and the urgent care invoice. If anything else is needed,
please contact me at {c['email']} or copy your colleague at {c['email_adj']}.

Thank you for your help.

Sincerely,

{c['claimant']}
"""


MESSAGE_ID = "<20240312094107.4821@mail.example.net>"


def build_eml() -> bytes:
    w = WT
    from email.message import EmailMessage

    body = f"""Dear Mr. {w['to_sur']},

Brightwater Foods has approved invoice INV-88213 from Alpenkarton GmbH for
14,600 double-wall corrugated shipping cartons delivered to our Joliet
distribution center on 26 February. Because we are paying within ten days
of the invoice date, we have applied the 2% early-payment discount in your
terms, so the wire amount is EUR 42,318.50 instead of the invoiced
EUR 43,182.14.

Transfer details:

  Value date:     14 March 2024
  From account:   {w['iban_payer']} (Brightwater Foods, EUR payables)
  To account:     {w['iban_payee']} (Alpenkarton GmbH)
  Reference:      INV-88213 / PO 4500127765

The payment is sent with the SHA charge option, so each side pays its own
bank's fees. Our treasury system will email a remittance advice listing the
invoice, the discount taken and the net amount as soon as the payment is
released. If the credited amount differs, please tell us within five
business days so we can trace it with the bank.

Please note our new vendor-verification procedure: we will only accept
changes to bank details after a call-back to a number we already have on
file. If you ever receive an email asking us to pay a different account,
please call me directly at {w['phone_sender']} before acting on it.

Separately, for the sales commission we pay you as an independent agent,
our records show your SSN as {w['ssn']} and your mailing address as
{w['addr']}. Please confirm by phone at {w['phone_to']}
that these are correct for the 1099 form we will issue in January.

Our controller, {w['cc']}, is copied. Mr. {w['cc_sur']} is travelling this
week and can be reached at {w['phone_cc']} if the remittance advice
does not arrive by Friday.

Kind regards,

{w['sender']}
Accounts Payable Specialist
Brightwater Foods Inc.
{w['email_sender']}
"""
    msg = EmailMessage(policy=email.policy.default)
    msg["From"] = f"{w['sender']} <{w['email_sender']}>"
    msg["To"] = f"{w['to']} <{w['email_to']}>"
    msg["Cc"] = f"{w['cc']} <{w['email_cc']}>"
    msg["Subject"] = "Payment of invoice INV-88213 - wire transfer scheduled"
    msg["Date"] = "Tue, 12 Mar 2024 09:41:07 -0500"
    msg["Message-ID"] = MESSAGE_ID
    msg.set_content(body, charset="us-ascii", cte="7bit")
    return msg.as_bytes(policy=email.policy.default.clone(linesep="\n"))


README = """# Veil sample documents

**Everything in this folder is fictional.** The documents were written for Veil's
demo and end-to-end tests and contain *fake* personal data: invented names, street
addresses, US Social Security numbers, IBANs (with valid check digits), phone numbers
in reserved/fictional ranges (US 555-01xx, UK drama numbers) and email addresses on
the reserved `example.com` / `example.org` / `example.net` domains. Any resemblance to
real people is coincidental.

| File | Format | Topic |
|------|--------|-------|
| `discharge_summary.pdf` | PDF (text, 2 pages) | Hospital discharge summary (health) |
| `loan_review.docx` | Word | Mortgage application review (finance) |
| `employment_agreement.html` | HTML | Employment agreement (legal) |
| `incident_report.md` | Markdown | IT security incident postmortem |
| `insurance_claim.txt` | Plain text | Car accident insurance claim letter |
| `wire_transfer.eml` | Email (RFC 5322/MIME) | Supplier invoice wire transfer |

Support files:

- `planted.json` - every planted personal value: `{"file", "label", "value"}`, where
  `label` is one of PERSON, EMAIL_ADDRESS, PHONE_NUMBER, IBAN_CODE, US_SSN,
  STREET_ADDRESS and `value` appears verbatim in the document's extracted text.
  Tests assert none of these values leak into Veil's stored chunks or answers.
- `questions.json` - one natural-language question per document with a short,
  non-personal `expected_phrase` from that document that answers it.

Regenerate everything with `python scripts/make_samples.py`
(needs `pip install fpdf2 python-docx`).
"""


# --------------------------------------------------------------------------
# Text extraction (for verification)
# --------------------------------------------------------------------------

class _TextHTML(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def extract_text(path: Path) -> str | None:
    suf = path.suffix
    if suf == ".pdf":
        try:
            import pypdf
        except ImportError:
            return None
        return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(str(path)).pages)
    if suf == ".docx":
        import docx
        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                parts.extend(c.text for c in row.cells)
        return "\n".join(parts)
    if suf == ".html":
        p = _TextHTML()
        p.feed(path.read_text("utf-8"))
        return re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(p.parts))
    if suf == ".eml":
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        hdrs = "\n".join(f"{k}: {v}" for k, v in msg.items())
        return hdrs + "\n\n" + msg.get_body(preferencelist=("plain",)).get_content()
    return path.read_text("utf-8")


def body_text(path: Path, full: str) -> str:
    """Text without headers (for word counts)."""
    if path.suffix == ".eml":
        return full.split("\n\n", 1)[1]
    return full


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main() -> int:
    DOCS.mkdir(parents=True, exist_ok=True)

    # ---- static checks on planted values
    all_values: dict[str, str] = {}
    for fname, items in PLANTED.items():
        for label, value in items:
            assert label in LABELS, (fname, label)
            if label == IBAN:
                assert iban_is_valid(value), f"bad IBAN checksum: {value}"
            elif label == SSN:
                assert ssn_is_plausible(value), f"bad SSN: {value}"
            elif label == EMAIL:
                assert email_is_reserved(value), f"non-reserved email: {value}"
            # no value is shared between documents (keeps per-file tests clean)
            assert all_values.setdefault(value, fname) == fname, (value, fname)

    # ---- write documents
    write_pdf(DOCS / "discharge_summary.pdf")
    write_docx(DOCS / "loan_review.docx")
    (DOCS / "employment_agreement.html").write_text(build_html(), "utf-8")
    (DOCS / "incident_report.md").write_text(build_md(), "utf-8")
    (DOCS / "insurance_claim.txt").write_text(build_txt(), "utf-8")
    (DOCS / "wire_transfer.eml").write_bytes(build_eml())

    planted = [{"file": f, "label": lbl, "value": v}
               for f, items in PLANTED.items() for lbl, v in items]
    (OUT / "planted.json").write_text(json.dumps(planted, indent=2) + "\n", "utf-8")
    (OUT / "questions.json").write_text(json.dumps(QUESTIONS, indent=2) + "\n", "utf-8")
    (OUT / "README.md").write_text(README, "utf-8")

    # ---- verify generated files
    texts: dict[str, str] = {}
    for fname, items in PLANTED.items():
        path = DOCS / fname
        assert path.stat().st_size < 200_000, f"{fname} too large"
        text = extract_text(path)
        if text is None:
            print(f"note: pypdf not installed, skipped text checks for {fname}",
                  file=sys.stderr)
            continue
        texts[fname] = text
        for label, value in items:
            assert value in text, f"{fname}: planted {label} {value!r} not in extracted text"
        n_words = len(re.findall(r"[A-Za-z0-9$][\w$.,%'/-]*", body_text(path, text)))
        assert 250 <= n_words <= 600, f"{fname}: {n_words} words"
        print(f"{fname}: {path.stat().st_size} bytes, ~{n_words} words, "
              f"{len(items)} planted values OK")

        # every email / SSN-shaped / IBAN-shaped string in the text is planted
        vals = {v for _, v in items}
        # a first name or surname used on its own (outside the full name) must be
        # planted too; full names must appear at least twice (or once + surname alone)
        for label, value in items:
            if label != PERSON or " " not in value:
                continue
            rest = text.replace(value, "")
            for part in value.split():
                if re.search(rf"\b{re.escape(part)}\b", rest):
                    assert part in vals, f"{fname}: {part!r} appears alone but is not planted"
            sur = value.split()[-1]
            mentions = text.count(value) + (len(re.findall(rf"\b{sur}\b", rest)) if sur in vals else 0)
            assert mentions >= 2, f"{fname}: {value!r} mentioned only {mentions}x"
        for m in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            if m == MESSAGE_ID.strip("<>"):
                continue  # the eml's Message-ID header is not personal data
            assert m in vals, f"{fname}: unplanted email {m}"
        for m in re.findall(r"\b\d{3}-\d{2}-\d{4}\b", text):
            assert m in vals, f"{fname}: unplanted SSN-like {m}"
        for m in re.findall(r"\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?\b", text):
            assert m in vals, f"{fname}: unplanted IBAN-like {m}"
        try:
            import phonenumbers
        except ImportError:
            phonenumbers = None
        if phonenumbers is not None:
            for region in ("US", "GB", "DE", "IL", "IN", "CA", "BR"):
                for m in phonenumbers.PhoneNumberMatcher(text, region):
                    assert m.raw_string in vals, f"{fname}: unplanted phone {m.raw_string!r}"
            for label, value in items:
                if label == PHONE:
                    assert phonenumbers.is_valid_number(phonenumbers.parse(value, "US")), value

    # questions: expected phrase appears in its own file and in no other
    for q in QUESTIONS:
        if q["file"] not in texts:
            continue
        assert q["expected_phrase"] in texts[q["file"]], q
        for other, t in texts.items():
            if other != q["file"]:
                assert q["expected_phrase"] not in t, (q["expected_phrase"], other)
        for _, v in PLANTED[q["file"]]:
            assert v not in q["expected_phrase"] and v not in q["question"], q

    # docx opens, eml parses with required headers
    import docx
    docx.Document(str(DOCS / "loan_review.docx"))
    msg = email.message_from_bytes((DOCS / "wire_transfer.eml").read_bytes(),
                                   policy=email.policy.default)
    for h in ("From", "To", "Subject", "Date", "MIME-Version", "Message-ID"):
        assert msg[h], h
    assert msg.get_content_type() == "text/plain"
    if (DOCS / "discharge_summary.pdf").exists():
        try:
            import pypdf
            n = len(pypdf.PdfReader(str(DOCS / "discharge_summary.pdf")).pages)
            assert n == 2, f"PDF has {n} pages"
        except ImportError:
            pass
    print(f"wrote {len(PLANTED)} documents, {len(planted)} planted values, "
          f"{len(QUESTIONS)} questions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
