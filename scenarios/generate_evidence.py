"""Generate the example evidence of both example scenarios (seeded, reproducible).

    python scenarios/generate_evidence.py            # rewrites scenarios/*/evidence/ and
                                                     # scenarios/*/*_evidence.* files

For each example it writes, under ``scenarios/<name>/``:

- ``evidence/voc_export.csv`` — a Medallia/Qualtrics-style VoC export: one row per feedback
  item over 12 months (plus some rows just outside the window and some without a date), a
  long-tailed topic distribution, several topics in one cell (``;`` or ``,``), rows without a
  topic, repeat customers, segment, journey stage, channel and an effort score (CES 1-7,
  higher = more effort);
- ``evidence/survey.csv`` — survey responses: journey stage, the outcome (CES 1-7) and six
  driver ratings (1-5), the outcome built from known driver weights plus noise;
- ``evidence/maturity.csv`` — the maturity audit: customer and employee ratings of the six
  pillars, the 20 practices of the six competencies rated 1-5;
- ``evidence/benchmarks.csv`` — market scores per pillar (% of the scale maximum);
- ``initiatives_evidence.csv`` — the initiatives table with an ``addresses`` column (the
  topics each initiative fixes) and ``voc_volume`` left blank where it is derived;
- ``scenario_evidence.yaml`` — the scenario with the ``evidence:`` section.

The data are illustrative, not any real company's; the topic volumes follow the typed
``voc_volume`` of the base example (so the story stays the same) with a long tail of topics
no initiative addresses.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PILLARS = ("trust", "empathy", "delivery", "personalization", "ease", "responsiveness")
CHANNELS = (("app", 0.34), ("web", 0.18), ("phone", 0.26), ("branch", 0.10), ("email", 0.12))
DRIVERS = ("ease", "speed", "clarity", "empathy", "reliability", "personalization")
# known driver weights of the survey outcome (effort falls as ratings rise)
DRIVER_EFFECTS = (0.55, 0.45, 0.30, 0.20, 0.15, 0.05)

COMPETENCIES = {  # the XM Institute model's 6 competencies and 20 practices (domain.md)
    "Organization": ["Executive sponsorship", "CX governance", "Roles and skills"],
    "Planning": ["CX strategy", "Business case", "Prioritization on metrics"],
    "Activation": ["Employee engagement", "Training", "Recognition"],
    "Responding": ["Closed loop", "Root-cause fixing", "Service recovery", "Escalation"],
    "Improving": ["Journey mapping", "Metrics and targets", "Continuous improvement"],
    "Innovation": ["Customer co-creation", "Experimentation", "Design thinking", "Insight use"],
}

BANK = {
    "KYC-REFRESH": ["asked for documents again"],
    "COMPLAINT-HUB": ["complaint not resolved", "no update on complaint", "passed between teams"],
    "COMPLAINT-SLA": ["complaint not resolved", "complaint takes too long"],
    "GOODWILL-AUTO": ["compensation refused"],
    "ONB-DIGITAL": ["account opening takes too long", "paperwork at branch"],
    "ONB-VIDEO-ID": ["identification failed"],
    "ONB-EID": ["identification failed"],
    "ONB-WELCOME": ["no personal contact"],
    "CHATBOT-BUILD": ["cannot reach anyone", "simple question needs a call"],
    "CHATBOT-BUY": ["cannot reach anyone", "simple question needs a call"],
    "NBO-OFFERS": ["irrelevant offers"],
    "APP-PERSONAL": ["irrelevant offers", "app home cluttered"],
    "PREMIUM-TIER": ["advisor keeps changing"],
    "ADVISOR-VIDEO": ["no advice appointment"],
    "MORTGAGE-FAST": ["mortgage decision slow"],
    "CARD-FREEZE": ["lost card"],
    "FRAUD-ALERTS": ["fraud"],
    "FEE-CLARITY": ["unclear fees"],
    "IVR-REDESIGN": ["phone menu", "waiting time on phone"],
    "CC-EMPATHY": ["rude staff"],
    "FIRST-CONTACT": ["had to call several times", "passed between teams"],
    "PAY-REMINDERS": ["missed payment fee"],
    "RENEWAL-NUDGE": ["not contacted at renewal"],
    "BRANCH-BOOKING": ["branch appointment"],
    "APP-REBUILD": ["app crashes", "app slow", "login problems"],
    "STATUS-TRACKER": ["no status on application"],
    "DOC-UPLOAD": ["document upload", "paperwork at branch"],
    "CLOSED-LOOP": ["nobody followed up"],
    "SME-ONBOARD": ["business account opening"],
    "WEALTH-DASH": ["portfolio overview"],
    "ACCESSIBILITY": ["accessibility"],
    "DISPUTE-ONLINE": ["card dispute"],
    "OUTAGE-ALERTS": ["outage"],
    "LOAN-PREAPPROVE": ["loan application"],
    "PREMIUM-CALLBACK": ["callback not received", "waiting time on phone"],
    "BRANCH-QUEUE": ["branch queue"],
    "SAVINGS-GOALS": ["savings tools"],
    "ESTATE-DESK": ["bereavement"],
}
BANK_UNCOVERED = {
    "interest rate too low": 5200,
    "branch closed": 3900,
    "atm out of service": 2600,
    "overdraft limit": 1500,
    "foreign transfer fees": 1300,
    "card limit too low": 900,
    "paper statements": 600,
    "website down": 500,
}

TELECOM = {
    "EU-ROAMING-RULES": ["roaming charges"],
    "NUMBER-PORT-FAST": ["number porting delay"],
    "ESIM-ONBOARD": ["esim activation"],
    "SIM-DELIVERY": ["sim not delivered"],
    "WELCOME-JOURNEY": ["confused after joining"],
    "BIZ-ONBOARD": ["business setup slow"],
    "BILL-EXPLAIN": ["bill not understandable", "unexpected charges"],
    "BILL-SHOCK": ["unexpected charges", "data overage"],
    "AUTOPAY-NUDGE": ["late payment fee"],
    "PAYMENT-PLANS": ["cannot pay bill"],
    "REALTIME-USAGE": ["data overage", "usage not visible"],
    "CHATBOT-BUILD": ["cannot reach care", "simple question needs a call"],
    "CHATBOT-BUY": ["cannot reach care", "simple question needs a call"],
    "CALLBACK": ["waiting time on phone", "cannot reach care"],
    "FCR-PROGRAMME": ["had to call several times"],
    "AGENT-DESKTOP": ["had to repeat myself"],
    "NBA-ENGINE": ["irrelevant offers"],
    "RETENTION-DESK": ["leaving for competitor"],
    "LOYALTY-TIERS": ["loyalty not rewarded"],
    "RENEWAL-ONLINE": ["renewal hassle"],
    "FAIR-PRICE": ["new customers get better price", "loyalty not rewarded"],
    "OUTAGE-MAP": ["network outage", "no information on outage"],
    "OUTAGE-CREDIT": ["no compensation for outage"],
    "RURAL-COVERAGE": ["no coverage"],
    "INDOOR-BOOST": ["weak signal indoors"],
    "5G-PREMIUM": ["slow mobile data"],
    "WIFI-CALLING": ["weak signal indoors", "dropped calls"],
    "TECH-VISIT-SLOT": ["technician no-show"],
    "TECH-TRACKER": ["technician no-show"],
    "ROUTER-SELFFIX": ["router problems"],
    "STORE-APPOINT": ["store queue"],
    "STORE-TABLETS": ["store staff uninformed"],
    "CLICK-COLLECT": ["device delivery"],
    "DEVICE-TRADEIN": ["trade-in"],
    "FAMILY-PLANS": ["family plan"],
    "PREPAID-TOPUP": ["top-up failed"],
    "PREPAID-MIGRATE": ["upgrade offer"],
    "BIZ-PORTAL": ["business portal"],
    "BIZ-PORTAL-LITE": ["business portal"],
    "BIZ-SLA": ["business fault repair slow"],
    "COMPLAINT-CASE": ["complaint not resolved", "no update on complaint"],
    "COMPLAINT-48H": ["complaint not resolved", "complaint takes too long"],
    "OMBUDSMAN-PREVENT": ["escalation ignored"],
    "EMPATHY-TRAINING": ["rude staff"],
    "NPS-CLOSED-LOOP": ["nobody followed up"],
    "ACCESSIBLE-APP": ["accessibility"],
    "APP-REDESIGN": ["app confusing", "app crashes", "login problems"],
    "APP-LOGIN": ["login problems"],
    "SENIOR-LINE": ["senior help"],
    "MOVE-HOUSE": ["moving house"],
    "CONTRACT-CLARITY": ["contract unclear"],
    "FRAUD-SIMSWAP": ["sim swap fraud"],
    "SPAM-FILTER": ["spam calls"],
    "PREMIUM-CONCIERGE": ["premium line"],
    "DATA-ROLLOVER": ["data expires"],
    "CHURN-EXIT-SURVEY": ["leaving for competitor"],
}
TELECOM_UNCOVERED = {
    "price increase": 9800,
    "tv channel lineup": 4100,
    "handset repair": 2900,
    "invoice by post": 1600,
    "international calls": 1200,
    "porting out blocked": 900,
    "store closed": 700,
}
TAIL = [  # long tail, no initiative: small, many
    "parking at store",
    "hold music",
    "newsletter spam",
    "survey too long",
    "logo change",
    "password rules",
    "sms language",
    "cookie banner",
    "holiday opening hours",
    "email format",
    "letter tone",
    "queue music",
    "website colours",
    "chat emoji",
    "receipt layout",
    "gift card",
    "name spelling",
    "address change",
    "old phone number",
    "duplicate letter",
]


def topic_weights(addresses: dict[str, list[str]], table: pd.DataFrame, uncovered: dict[str, int]):
    """Yearly weight per topic: each initiative's typed voc_volume split over its topics;
    a topic shared by several initiatives gets their average."""
    sums: dict[str, list[float]] = {}
    volume = {i: float(v or 0) for i, v in zip(table["id"], table["voc_volume"], strict=True)}
    for ident, topics in addresses.items():
        for topic in topics:
            sums.setdefault(topic, []).append(float(volume[ident]) / len(topics))
    weights = {t: float(np.mean(v)) for t, v in sums.items()}
    weights.update({t: float(w) for t, w in uncovered.items()})
    for rank, topic in enumerate(TAIL, start=1):
        weights[topic] = 400.0 / rank  # Zipf tail
    return weights


def topic_stages(addresses: dict[str, list[str]], table: pd.DataFrame) -> dict[str, str]:
    stage = dict(zip(table["id"], table["journey_stage"], strict=True))
    out: dict[str, str] = {}
    for ident, topics in addresses.items():
        for topic in topics:
            out.setdefault(topic, stage[ident] or "support")
    return out


def voc_export(
    rng: np.random.Generator,
    weights: dict[str, float],
    stages: dict[str, str],
    segments: dict[str, float],
    rows: int,
    year: int,
) -> pd.DataFrame:
    topics = np.array(list(weights))
    p = np.array(list(weights.values()))
    p = p / p.sum()
    primary = rng.choice(len(topics), size=rows, p=p)
    # related second topic (same journey stage) for ~25% of rows, a third for ~5%
    stage_of = np.array([stages.get(t, "support") for t in topics])
    cells = []
    extra2 = rng.random(rows) < 0.25
    extra3 = rng.random(rows) < 0.01
    by_stage = {s: np.flatnonzero(stage_of == s) for s in set(stage_of)}
    for k in range(rows):
        names = [topics[primary[k]]]
        if extra2[k]:
            pool = by_stage[stage_of[primary[k]]]
            names.append(topics[rng.choice(pool)])
        if extra3[k]:  # an unrelated topic, now and then
            names.append(topics[rng.choice(len(topics), p=p)])
        if rng.random() < 0.1:
            names = [n.title() if rng.random() < 0.5 else f" {n} " for n in names]
        cells.append((";" if rng.random() < 0.7 else ", ").join(names))
    theme = np.array(cells, dtype=object)
    theme[rng.random(rows) < 0.03] = ""  # no topic
    start = dt.date(year, 1, 1)
    offsets = rng.integers(-45, 365 + 31, size=rows)  # ~20% just outside the 12 months
    inside = rng.random(rows) < 0.88
    offsets[inside] = rng.integers(0, 365, size=int(inside.sum()))
    dates = [
        (start + dt.timedelta(days=int(o))).isoformat()
        + (f" {rng.integers(8, 20):02d}:{rng.integers(0, 60):02d}:00" if o % 3 == 0 else "")
        for o in offsets
    ]
    dates = np.array(dates, dtype=object)
    dates[rng.random(rows) < 0.005] = ""  # missing date
    customers = rng.integers(1, int(rows * 4), size=rows)  # ~12% of rows: repeat customers
    seg_names = list(segments)
    seg_p = np.array(list(segments.values()), dtype=float)
    segment = rng.choice(seg_names, size=rows, p=seg_p / seg_p.sum())
    channel = rng.choice([c for c, _ in CHANNELS], size=rows, p=[w for _, w in CHANNELS])
    base_effort = 3.2 + 2.5 * rng.random(len(topics))
    ces = np.clip(np.round(base_effort[primary] + rng.normal(0, 1.0, rows)), 1, 7).astype(int)
    return pd.DataFrame(
        {
            "Feedback ID": [f"FB-{year}-{k + 1:06d}" for k in range(rows)],
            "Created": dates,
            "Customer ID": [f"C{c:07d}" for c in customers],
            "Channel": channel,
            "Segment": segment,
            "Journey Stage": stage_of[primary],
            "Theme": theme,
            "CES": ces,
        }
    )


def survey(rng: np.random.Generator, stages: list[str], rows: int, year: int) -> pd.DataFrame:
    ratings = rng.integers(1, 6, size=(rows, len(DRIVERS))).astype(float)
    # correlate drivers a little (a good experience is good on several counts)
    mood = rng.normal(0, 0.8, rows)
    offsets = np.array([-0.7, 0.4, -0.2, 0.3, 0.6, -0.4])  # how well each driver performs
    ratings = np.clip(np.round(ratings + mood[:, None] + offsets), 1, 5)
    stage = rng.choice(stages, size=rows)
    hardest = {"complaint handling": 0.9, "network": 0.7, "billing": 0.6, "onboarding": 0.5}
    stage_penalty = {s: hardest.get(s, 0.1 * k) for k, s in enumerate(stages)}
    effort = (
        7.2
        - ratings @ np.array(DRIVER_EFFECTS)
        + np.array([stage_penalty[s] for s in stage])
        + rng.normal(0, 0.7, rows)
    )
    ces = np.clip(np.round(effort), 1, 7).astype(int)
    frame = pd.DataFrame(
        {
            "Response ID": [f"R{k + 1:05d}" for k in range(rows)],
            "Date": [
                (dt.date(year, 1, 1) + dt.timedelta(days=int(d))).isoformat()
                for d in rng.integers(0, 365, rows)
            ],
            "Journey Stage": stage,
            "CES": ces,
        }
    )
    for k, name in enumerate(DRIVERS):
        frame[name.title()] = ratings[:, k].astype(int)
    return frame


def maturity(rng: np.random.Generator, level: float) -> pd.DataFrame:
    rows = []
    for k, pillar in enumerate(PILLARS):
        customer = np.clip(level + rng.normal(0, 0.5) - 0.15 * (k % 3), 1, 5)
        employee = np.clip(customer + 0.3 + rng.normal(0, 0.25), 1, 5)  # staff see it rosier
        rows.append(("pillar", "", pillar, "customer", round(float(customer), 2)))
        rows.append(("pillar", "", pillar, "employee", round(float(employee), 2)))
    for competency, practices in COMPETENCIES.items():
        for practice in practices:
            rating = int(np.clip(round(level - 0.5 + rng.normal(0, 0.8)), 1, 5))
            rows.append(("practice", competency, practice, "assessor", rating))
    return pd.DataFrame(rows, columns=["kind", "competency", "name", "rater", "rating"])


def benchmarks(rng: np.random.Generator, sector: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": list(PILLARS),
            "score": [round(float(60 + 15 * rng.random()), 1) for _ in PILLARS],
            "source": f"illustrative {sector} peer panel (% of the scale: 0 lowest, 100 highest)",
        }
    )


def write_example(
    name: str,
    addresses: dict[str, list[str]],
    uncovered: dict[str, int],
    *,
    seed: int,
    rows: int,
    survey_rows: int,
    level: float,
    sector: str,
) -> None:
    folder = HERE / name
    table = pd.read_csv(folder / "initiatives.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    weights = topic_weights(addresses, table, uncovered)
    stages = topic_stages(addresses, table)
    segments = {s: 1.0 for s in sorted(set(table["segment"]) - {"all", ""})}
    export = voc_export(rng, weights, stages, segments, rows, 2026)
    (folder / "evidence").mkdir(exist_ok=True)
    export.to_csv(folder / "evidence" / "voc_export.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    stage_list = sorted({s for s in table["journey_stage"] if s})
    survey(rng, stage_list, survey_rows, 2026).to_csv(
        folder / "evidence" / "survey.csv", index=False
    )
    maturity(rng, level).to_csv(folder / "evidence" / "maturity.csv", index=False)
    benchmarks(rng, sector).to_csv(folder / "evidence" / "benchmarks.csv", index=False)

    table["addresses"] = [";".join(addresses.get(i, [])) for i in table["id"]]
    derived = table["addresses"] != ""
    table.loc[derived, "voc_volume"] = ""
    for side in ("voc_volume_low", "voc_volume_high"):
        if side in table:
            table.loc[derived, side] = ""
    table.to_csv(folder / "initiatives_evidence.csv", index=False)

    base = (folder / "scenario.yaml").read_text(encoding="utf-8")
    base = base.replace("initiatives: initiatives.csv", "initiatives: initiatives_evidence.csv")
    base = base.replace('CX portfolio"', 'CX portfolio, evidence-based"', 1)
    base += (
        "evidence:                        # generated by scenarios/generate_evidence.py\n"
        "  voc:\n"
        "    file: evidence/voc_export.csv\n"
        "    columns: {topics: Theme, date: Created, customer: Customer ID, segment: Segment,\n"
        "              journey_stage: Journey Stage, channel: Channel, score: CES}\n"
        "    window: {from: 2026-01-01, to: 2026-12-31}\n"
        "    annualize: true\n"
        "  survey:\n"
        "    file: evidence/survey.csv\n"
        "    outcome: CES\n"
        f"    drivers: [{', '.join(d.title() for d in DRIVERS)}]\n"
        "    journey_stage: Journey Stage\n"
        "  maturity: {file: evidence/maturity.csv}\n"
        "  benchmarks: {file: evidence/benchmarks.csv}\n"
    )
    (folder / "scenario_evidence.yaml").write_text(base, encoding="utf-8")


def main() -> None:
    write_example(
        "retail_bank",
        BANK,
        BANK_UNCOVERED,
        seed=2027,
        rows=24_000,
        survey_rows=2_400,
        level=3.1,
        sector="retail banking",
    )
    write_example(
        "telecom",
        TELECOM,
        TELECOM_UNCOVERED,
        seed=2028,
        rows=30_000,
        survey_rows=3_000,
        level=2.7,
        sector="telecom",
    )


if __name__ == "__main__":
    main()
