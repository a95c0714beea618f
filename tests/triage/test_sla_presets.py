"""The seven shipped presets give the deadlines their contracts promise.

Every expected value below was worked out by hand from the preset table of issue 3 (the
comment shows the arithmetic) and is written as a literal: none is computed by the code
under test. Calendar facts used:

* 2026-03-06, 03-13, 03-27, 10-23, 10-30, 11-27 are Fridays; 03-08, 03-29, 10-25, 11-01 Sundays.
* Europe/Bucharest is +02:00, and +03:00 from 2026-03-29 03:00 until 2026-10-25 04:00.
* America/New_York is -05:00, and -04:00 from 2026-03-08 02:00 until 2026-11-01 02:00.
* Europe/Berlin is +01:00, +02:00 from 2026-03-29. Asia/Shanghai +08:00, Asia/Kolkata +05:30,
  Asia/Tokyo +09:00, none with DST.
* Holidays: RO 2026-11-30 (St Andrew) and 12-01 (National Day); CN 10-01, 10-02, 10-05,
  10-06, 10-07 (National Day week, plus the weekend); US 11-26 (Thanksgiving); DE 04-03 (Good
  Friday) and 04-06 (Easter Monday).
* One business day: 8 h for 09:00-17:00, 9 h for 09:00-18:00, 24 h for 24x5 and 24x7.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from _pytest.mark import ParameterSet

from triage.sla_plans import SlaPlan, compute_deadlines

NY = ("America/New_York", "US")
BERLIN = ("Europe/Berlin", "DE")
TOKYO = ("Asia/Tokyo", "JP")


def case(
    plan: str,
    label: str,
    severity: str,
    start: str,
    first_response: str | None,
    workaround: str | None = None,
    resolution: str | None = None,
    *,
    customer: tuple[str, str] = NY,
) -> ParameterSet:
    """One row: the deadlines a plan must give; clocks left out must have no deadline."""
    expected = {
        "first_response": first_response,
        "workaround": workaround,
        "resolution": resolution,
    }
    return pytest.param(plan, severity, start, customer, expected, id=f"{plan}-{label}")


# fmt: off
CASES = [
    # ------------------------------------------------------------------ kubeark
    # mon-fri 09:00-17:00 Europe/Bucharest, RO holidays; first response 1h / 4h / 1bd / 1bd.
    # Tue 10:00 + 4h inside the window
    case("kubeark", "inside-hours", "high",
         "2026-03-10T10:00:00+02:00", "2026-03-10T14:00:00+02:00"),
    # Tue 15:00-17:00 = 2h, then Wed 09:00 + 2h
    case("kubeark", "spills-into-next-day", "high",
         "2026-03-10T15:00:00+02:00", "2026-03-11T11:00:00+02:00"),
    # before opening: starts Tue 09:00, + 1h
    case("kubeark", "before-opening", "critical",
         "2026-03-10T07:30:00+02:00", "2026-03-10T10:00:00+02:00"),
    # after closing: Wed 09:00 + 8h lands exactly on the close, so Wed 17:00 (not Thu 09:00)
    case("kubeark", "after-closing-ends-at-close", "medium",
         "2026-03-10T18:00:00+02:00", "2026-03-11T17:00:00+02:00"),
    # Fri 16:30-17:00 = 30m, weekend closed, Mon 09:00 + 3h30
    case("kubeark", "friday-evening", "high",
         "2026-03-06T16:30:00+02:00", "2026-03-09T12:30:00+02:00"),
    # Saturday: starts Mon 09:00, + 8h = Mon 17:00
    case("kubeark", "weekend", "low",
         "2026-03-07T12:00:00+02:00", "2026-03-09T17:00:00+02:00"),
    # Tue 1 Dec is National Day: starts Wed 2 Dec 09:00, + 4h
    case("kubeark", "holiday-1-december", "high",
         "2026-12-01T10:00:00+02:00", "2026-12-02T13:00:00+02:00"),
    # Fri 30m; Mon 30 Nov (St Andrew) and Tue 1 Dec closed; Wed 09:00 + 3h30
    case("kubeark", "friday-before-holidays", "high",
         "2026-11-27T16:30:00+02:00", "2026-12-02T12:30:00+02:00"),
    # Fri 16:00 + 1h = exactly the close: Fri 17:00
    case("kubeark", "exactly-at-close", "critical",
         "2026-11-27T16:00:00+02:00", "2026-11-27T17:00:00+02:00"),
    # a start at the closing instant is closed time: Mon 09:00 + 1h
    case("kubeark", "start-at-close", "critical",
         "2026-03-06T17:00:00+02:00", "2026-03-09T10:00:00+02:00"),
    # DST spring: Fri 13:00-17:00 = 4h (EET), Mon 09:00 EEST + 4h; still 09:00 local
    case("kubeark", "dst-spring-2026-03-29", "medium",
         "2026-03-27T13:00:00+02:00", "2026-03-30T13:00:00+03:00"),
    # Sunday, 30 min after the 03:00 -> 04:00 jump: Mon 09:00 (+03:00) + 1h
    case("kubeark", "start-on-dst-sunday", "critical",
         "2026-03-29T04:30:00+03:00", "2026-03-30T10:00:00+03:00"),
    # DST autumn: Fri 16:00-17:00 = 1h (EEST), Mon 09:00 EET + 7h
    case("kubeark", "dst-autumn-2026-10-25", "medium",
         "2026-10-23T16:00:00+03:00", "2026-10-26T16:00:00+02:00"),
    # ------------------------------------------------------------------ kyligence-standard
    # mon-fri 09:00-17:00 Asia/Shanghai, CN holidays; first response 4h / 24h / 2bd / 2bd.
    # Tue 10:00 + 4h
    case("kyligence-standard", "inside-hours", "critical",
         "2026-03-10T10:00:00+08:00", "2026-03-10T14:00:00+08:00"),
    # 24h of open time: Tue 7h (10-17), Wed 8h (15), Thu 8h (23), Fri 09:00 + 1h
    case("kyligence-standard", "24-business-hours", "high",
         "2026-03-10T10:00:00+08:00", "2026-03-13T10:00:00+08:00"),
    # before opening: Wed 09:00, 2bd = 16h: Wed 8h, Thu 8h -> Thu 17:00 (a close)
    case("kyligence-standard", "before-opening", "medium",
         "2026-03-11T08:00:00+08:00", "2026-03-12T17:00:00+08:00"),
    # after closing: Thu 09:00 + 4h
    case("kyligence-standard", "after-closing", "critical",
         "2026-03-11T20:00:00+08:00", "2026-03-12T13:00:00+08:00"),
    # Friday evening: Mon 8h + Tue 8h -> Tue 17:00
    case("kyligence-standard", "friday-evening", "low",
         "2026-03-13T18:30:00+08:00", "2026-03-17T17:00:00+08:00"),
    # Sunday: Mon 09:00 + 4h
    case("kyligence-standard", "weekend", "critical",
         "2026-03-15T10:00:00+08:00", "2026-03-16T13:00:00+08:00"),
    # Wed 15:00-17:00 = 2h; 1-7 Oct closed (holidays + weekend); Thu 8 Oct 09:00 + 2h
    case("kyligence-standard", "national-day-eve", "critical",
         "2026-09-30T15:00:00+08:00", "2026-10-08T11:00:00+08:00"),
    # 1 Oct holiday: starts Thu 8 Oct 09:00; 16h = Thu 8h + Fri 8h -> Fri 9 Oct 17:00
    case("kyligence-standard", "holiday-1-october", "medium",
         "2026-10-01T10:00:00+08:00", "2026-10-09T17:00:00+08:00"),
    # no DST in Shanghai on the EU switch weekend: Fri 1h, Mon 8h (9), Tue 8h (17),
    # Wed 09:00 + 7h
    case("kyligence-standard", "eu-dst-weekend-changes-nothing", "high",
         "2026-03-27T16:00:00+08:00", "2026-04-01T16:00:00+08:00"),
    # ------------------------------------------------------------------ kyligence-premium
    # 24x7, no zone (answers in the start's offset); first response 2h / 4h / 24h / 24h.
    # + 2h elapsed
    case("kyligence-premium", "inside", "critical",
         "2026-03-10T10:00:00+08:00", "2026-03-10T12:00:00+08:00"),
    # Friday evening, no closed time: + 4h -> Sat 02:00
    case("kyligence-premium", "friday-evening", "high",
         "2026-03-13T22:00:00+08:00", "2026-03-14T02:00:00+08:00"),
    # weekend counts: Sat + 24h
    case("kyligence-premium", "weekend", "medium",
         "2026-03-14T10:00:00+08:00", "2026-03-15T10:00:00+08:00"),
    # holidays and night are ignored by 24x7: + 24h
    case("kyligence-premium", "holiday-at-night", "low",
         "2026-10-01T03:00:00+08:00", "2026-10-02T03:00:00+08:00"),
    # across the NY spring-forward: 24h elapsed; the fixed start offset is kept
    case("kyligence-premium", "dst-start-offset-kept", "medium",
         "2026-03-07T12:00:00-05:00", "2026-03-08T12:00:00-05:00"),
    # ------------------------------------------------------------------ alauda-premium
    # 24x7; first response 1h / 2h / 4h / 8h.
    # Friday night + 8h
    case("alauda-premium", "friday-night", "low",
         "2026-03-27T23:30:00+02:00", "2026-03-28T07:30:00+02:00"),
    # RO holiday is irrelevant: + 2h
    case("alauda-premium", "holiday", "high",
         "2026-12-01T10:00:00+02:00", "2026-12-01T12:00:00+02:00"),
    # NY fall-back hour: 05:30Z + 1h = 06:30Z, written in the start's offset
    case("alauda-premium", "dst-autumn", "critical",
         "2026-11-01T01:30:00-04:00", "2026-11-01T02:30:00-04:00"),
    # ------------------------------------------------------------------ collibra-standard
    # mon-fri 09:00-18:00 in the customer's zone and holidays; first response 2h/4h/1bd(9h)/1bd.
    # Tue 10:00 EDT + 4h
    case("collibra-standard", "inside-hours", "high",
         "2026-03-10T10:00:00-04:00", "2026-03-10T14:00:00-04:00"),
    # before opening: 09:00 + 9h = exactly the 18:00 close
    case("collibra-standard", "before-opening-1bd-is-9h", "medium",
         "2026-03-10T07:00:00-04:00", "2026-03-10T18:00:00-04:00"),
    # after closing: Wed 09:00 + 2h
    case("collibra-standard", "after-closing", "critical",
         "2026-03-10T19:00:00-04:00", "2026-03-11T11:00:00-04:00"),
    # Friday 17:00-18:00 = 1h, Mon 09:00 + 3h
    case("collibra-standard", "friday-evening", "high",
         "2026-03-13T17:00:00-04:00", "2026-03-16T12:00:00-04:00"),
    # Sunday: Mon 09:00 + 9h
    case("collibra-standard", "weekend", "low",
         "2026-03-15T12:00:00-04:00", "2026-03-16T18:00:00-04:00"),
    # Wed 16:00-18:00 = 2h, Thanksgiving Thu closed, Fri 09:00 + 2h
    case("collibra-standard", "thanksgiving", "high",
         "2026-11-25T16:00:00-05:00", "2026-11-27T11:00:00-05:00"),
    # DST spring: Fri 15:00-18:00 EST = 3h, Mon 09:00 EDT + 6h
    case("collibra-standard", "dst-spring-2026-03-08", "medium",
         "2026-03-06T15:00:00-05:00", "2026-03-09T15:00:00-04:00"),
    # DST autumn: Fri 1h (EDT), Mon 09:00 EST + 3h
    case("collibra-standard", "dst-autumn-2026-11-01", "high",
         "2026-10-30T17:00:00-04:00", "2026-11-02T12:00:00-05:00"),
    # same instant, New York customer: 11:00 EDT + 4h
    case("collibra-standard", "customer-new-york", "high",
         "2026-03-10T15:00:00+00:00", "2026-03-10T15:00:00-04:00"),
    # same instant, Berlin customer: 16:00 CET, 2h to 18:00, Wed 09:00 + 2h
    case("collibra-standard", "customer-berlin", "high",
         "2026-03-10T15:00:00+00:00", "2026-03-11T11:00:00+01:00", customer=BERLIN),
    # Berlin 17:00 CEST: 1h Thu; Good Friday, weekend, Easter Monday closed; Tue 09:00 + 3h
    case("collibra-standard", "customer-berlin-easter", "high",
         "2026-04-02T15:00:00+00:00", "2026-04-07T12:00:00+02:00", customer=BERLIN),
    # same instant in New York (11:00 EDT, no US holiday): + 4h
    case("collibra-standard", "customer-new-york-easter", "high",
         "2026-04-02T15:00:00+00:00", "2026-04-02T15:00:00-04:00"),
    # ------------------------------------------------------------------ collibra-premium
    # 24x5 in the customer's zone and holidays; first response 15m/2h/4h/4h, resolution
    # critical 72h.
    # 15m; 72h: Tue 14h, Wed 24h (38), Thu 24h (62), Fri 00:00 + 10h
    case("collibra-premium", "inside", "critical",
         "2026-03-10T10:00:00-04:00",
         "2026-03-10T10:15:00-04:00", None, "2026-03-13T10:00:00-04:00"),
    # Friday evening: 1h to Sat 00:00, Mon 00:00 + 1h
    case("collibra-premium", "friday-evening", "high",
         "2026-03-13T23:00:00-04:00", "2026-03-16T01:00:00-04:00"),
    # Saturday: Mon 00:00 + 15m; Mon 00:00 + 72h = Thu 00:00
    case("collibra-premium", "weekend", "critical",
         "2026-03-14T12:00:00-04:00",
         "2026-03-16T00:15:00-04:00", None, "2026-03-19T00:00:00-04:00"),
    # 24x5 across a weekend: Thu 12h, Fri 24h (36), Mon 00:00 + 36h = Tue 12:00
    case("collibra-premium", "24x5-across-weekend", "critical",
         "2026-03-12T12:00:00-04:00",
         "2026-03-12T12:15:00-04:00", None, "2026-03-17T12:00:00-04:00"),
    # Wed 23:00-24:00 = 1h, Thanksgiving closed all day, Fri 00:00 + 3h
    case("collibra-premium", "thanksgiving", "medium",
         "2026-11-25T23:00:00-05:00", "2026-11-27T03:00:00-05:00"),
    # 15m on Wed; 72h: Wed 1h, Fri 24h (25), Mon 24h (49), Tue 00:00 + 23h
    case("collibra-premium", "thanksgiving-resolution", "critical",
         "2026-11-25T23:00:00-05:00",
         "2026-11-25T23:15:00-05:00", None, "2026-12-01T23:00:00-05:00"),
    # DST spring falls on the closed Sunday: Fri 30m, Mon 00:00 EDT + 1h30
    case("collibra-premium", "dst-spring", "high",
         "2026-03-06T23:30:00-05:00", "2026-03-09T01:30:00-04:00"),
    # DST autumn: 15m Fri; 72h: Fri 2h, Mon 00:00 EST + 70h = Wed 22:00
    case("collibra-premium", "dst-autumn", "critical",
         "2026-10-30T22:00:00-04:00",
         "2026-10-30T22:15:00-04:00", None, "2026-11-04T22:00:00-05:00"),
    # New York: Fri 16:00 EDT + 2h
    case("collibra-premium", "customer-new-york", "high",
         "2026-03-13T20:00:00+00:00", "2026-03-13T18:00:00-04:00"),
    # Berlin: Fri 21:00 CET + 2h, still before Sat 00:00
    case("collibra-premium", "customer-berlin", "high",
         "2026-03-13T20:00:00+00:00", "2026-03-13T23:00:00+01:00", customer=BERLIN),
    # Tokyo: already Sat 05:00, closed; Mon 00:00 + 2h
    case("collibra-premium", "customer-tokyo", "high",
         "2026-03-13T20:00:00+00:00", "2026-03-16T02:00:00+09:00", customer=TOKYO),
    # ------------------------------------------------------------------ kissflow
    # 24x5 Asia/Kolkata, no holidays; first response 4h/4h/8h/48h; workaround critical 4h,
    # high 24h, medium 3bd; resolution critical 48h, high 5bd.
    # +4h, +4h, +48h = Thu 10:00
    case("kissflow", "critical-inside", "critical",
         "2026-03-10T10:00:00+05:30",
         "2026-03-10T14:00:00+05:30", "2026-03-10T14:00:00+05:30", "2026-03-12T10:00:00+05:30"),
    # +4h; +24h = Wed 10:00; 5bd = 120h: Tue 14h, Wed-Fri 72h (86), Mon 00:00 + 34h
    case("kissflow", "high-inside", "high",
         "2026-03-10T10:00:00+05:30",
         "2026-03-10T14:00:00+05:30", "2026-03-11T10:00:00+05:30", "2026-03-17T10:00:00+05:30"),
    # +8h; 3bd = 72h: Thu 12h, Fri 24h (36), Mon 24h (60), Tue 00:00 + 12h; no resolution
    case("kissflow", "medium-across-weekend", "medium",
         "2026-03-12T12:00:00+05:30",
         "2026-03-12T20:00:00+05:30", "2026-03-17T12:00:00+05:30", None),
    # Friday evening, 48h: Fri 4h, Mon 24h (28), Tue 00:00 + 20h
    case("kissflow", "low-friday-evening", "low",
         "2026-03-13T20:00:00+05:30", "2026-03-17T20:00:00+05:30"),
    # Fri 20:00 + 4h = exactly Sat 00:00, the close; 48h: Fri 4h, Mon 24h, Tue 00:00 + 20h
    case("kissflow", "critical-ends-at-saturday-close", "critical",
         "2026-03-13T20:00:00+05:30",
         "2026-03-14T00:00:00+05:30", "2026-03-14T00:00:00+05:30", "2026-03-17T20:00:00+05:30"),
    # Sunday: Mon 00:00 + 4h; Mon 00:00 + 48h = Wed 00:00
    case("kissflow", "weekend", "critical",
         "2026-03-15T09:00:00+05:30",
         "2026-03-16T04:00:00+05:30", "2026-03-16T04:00:00+05:30", "2026-03-18T00:00:00+05:30"),
    # Republic Day is not skipped (the plan has no holidays): + 4h
    case("kissflow", "no-holidays", "critical",
         "2026-01-26T10:00:00+05:30",
         "2026-01-26T14:00:00+05:30", "2026-01-26T14:00:00+05:30", "2026-01-28T10:00:00+05:30"),
]
# fmt: on


@pytest.mark.parametrize(("plan_name", "severity", "start", "customer", "expected"), CASES)
def test_preset_deadlines_match_the_hand_worked_values(
    sla_presets: dict[str, SlaPlan],
    plan_name: str,
    severity: str,
    start: str,
    customer: tuple[str, str],
    expected: dict[str, str | None],
) -> None:
    deadlines = compute_deadlines(
        sla_presets[plan_name],
        severity,
        datetime.fromisoformat(start),
        customer_tz=customer[0],
        customer_country=customer[1],
    )
    assert deadlines.as_dict() == expected


def test_every_preset_is_shipped_under_its_name(sla_presets: dict[str, SlaPlan]) -> None:
    assert set(sla_presets) == {
        "kyligence-standard",
        "kyligence-premium",
        "alauda-premium",
        "collibra-standard",
        "collibra-premium",
        "kubeark",
        "kissflow",
    }


def test_every_preset_has_a_case_in_the_table(sla_presets: dict[str, SlaPlan]) -> None:
    covered = {row.values[0] for row in CASES}
    assert covered == set(sla_presets)


@pytest.mark.parametrize(
    ("plan_name", "names"),
    [
        ("collibra-standard", ("Critical", "Significant", "Normal", "Minor")),
        ("alauda-premium", ("Severity 1", "Severity 2", "Severity 3", "Severity 4")),
        ("kissflow", ("Urgent", "High", "Normal", "Low")),
        ("kyligence-standard", ("P1", "P2", "P3", "P4")),
    ],
)
def test_presets_carry_the_vendor_words_for_levels(
    sla_presets: dict[str, SlaPlan], plan_name: str, names: tuple[str, ...]
) -> None:
    plan = sla_presets[plan_name]
    levels = ("critical", "high", "medium", "low")
    assert tuple(plan.display_name(level) for level in levels) == names
    assert tuple(plan.severity_named(name) for name in names) == levels


def test_24x7_counts_elapsed_time_across_spring_forward(sla_presets: dict[str, SlaPlan]) -> None:
    # Start given in the NY zone itself: 24 elapsed hours from Sat 12:00 EST (17:00Z) is
    # 17:00Z Sunday = 13:00 EDT, not the wall-clock "same time tomorrow" (12:00 EDT).
    start = datetime(2026, 3, 7, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    deadlines = compute_deadlines(sla_presets["kyligence-premium"], "medium", start)
    assert deadlines.as_dict()["first_response"] == "2026-03-08T13:00:00-04:00"


def test_24x7_counts_elapsed_time_across_bucharest_spring_forward(
    sla_presets: dict[str, SlaPlan],
) -> None:
    # 01:30 EET (23:30Z Sat) + 8h = 07:30Z = 10:30 EEST; wall-clock would say 09:30.
    start = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Bucharest"))
    deadlines = compute_deadlines(sla_presets["alauda-premium"], "low", start)
    assert deadlines.as_dict()["first_response"] == "2026-03-29T10:30:00+03:00"


def test_customer_plans_default_to_new_york_and_us_holidays(
    sla_presets: dict[str, SlaPlan],
) -> None:
    # No customer zone given: Thanksgiving in New York applies (Wed 2h, Fri 09:00 + 2h).
    start = datetime.fromisoformat("2026-11-25T16:00:00-05:00")
    deadlines = compute_deadlines(sla_presets["collibra-standard"], "high", start)
    assert deadlines.as_dict()["first_response"] == "2026-11-27T11:00:00-05:00"
