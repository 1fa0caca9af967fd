"""The periodic report a steering committee sends upward: a unit, a month, quarter or year.

Figures come from the same metric providers as the dashboards, measured at the start and at the
end of the period (`measure(as_of=…)`), so a report of a past period stays what it was. Sections
the reports and bulletins apps fill are listed with a note while their providers are not
registered. Providers may also list rows for the period (`listings`, e.g. notable cases).

The report goes out as an administrative document in the form of Decree 30/2020/NĐ-CP (national
title and motto, issuing body, number and symbol, place and date, type and title, body,
recipients, signature): `Letterhead` holds those parts, `steering/exports.py` lays them out.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ActionError
from places.models import Tier, Unit
from steering import compliance, metrics
from steering.dashboards import directives_for
from steering.models import Responsibility

PERIOD_KINDS = {"month": gettext_lazy("Month"), "quarter": gettext_lazy("Quarter"), "year": gettext_lazy("Year")}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# Sections that later providers fill (docs/steering.md); shown as "not available yet" until then.
PLANNED_SECTIONS = {
    "reports": gettext_lazy("Reports received and handled, forwarded, overdue, notable cases"),
    "bulletins": gettext_lazy("Bulletins and their reach by channel"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # month 1-12, quarter 1-4, 1 for a year

    @classmethod
    def parse(cls, kind: str, year: str | int, number: str | int = 1) -> "Period":
        try:
            year, number = int(year), int(number or 1)
        except (TypeError, ValueError):
            raise ActionError(gettext_lazy("Choose a valid period."), code="period") from None
        limits = {"month": 12, "quarter": 4, "year": 1}
        if kind not in limits or not 1 <= number <= limits[kind] or not 2000 <= year <= 2100:
            raise ActionError(gettext_lazy("Choose a valid period."), code="period")
        period = cls(kind, year, number)
        if period.start > timezone.localdate():
            raise ActionError(gettext_lazy("This period has not started yet."), code="future")
        return period

    @property
    def start(self) -> date:
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        month_index = self.start.month - 1 + months
        return date(self.year + month_index // 12, month_index % 12 + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Month %(month)02d/%(year)d") % {"month": self.number, "year": self.year}
        if self.kind == "quarter":
            return _("Quarter %(quarter)s/%(year)d") % {"quarter": ROMAN[self.number], "year": self.year}
        return _("Year %(year)d") % {"year": self.year}

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.kind}-{self.number:02d}" if self.kind != "year" else f"{self.year}"


def moment(day: date, *, end: bool) -> datetime | None:
    """The end of a day (or the start), None when that is still ahead (then figures are live)."""
    if end:
        at = timezone.make_aware(datetime.combine(day, datetime.max.time()))
    else:
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return None if at >= timezone.now() else at


def period_start(period: Period) -> datetime:
    return timezone.make_aware(datetime.combine(period.start, datetime.min.time()))


@dataclass
class Line:
    label: str
    start: float | int | None
    end: float | int | None
    percent: bool = False

    @property
    def change(self) -> float | int | None:
        if self.start is None or self.end is None:
            return None
        return round(self.end - self.start, 1)


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)
    note: str = ""


NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # Decree 30/2020, appendix I: never translated
MOTTO = "Độc lập - Tự do - Hạnh phúc"
UNIT_PREFIXES = ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Thị trấn ", "Đặc khu ", "Ấp ", "Khu phố ", "Thôn ")


def place_name(unit: Unit) -> str:
    """The place written before the date: the unit's name without its kind ("Cầu Khởi", "Tây Ninh")."""
    for prefix in UNIT_PREFIXES:
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def vietnamese_date(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2026": a zero before days under 10 and months 1 and 2 (Decree 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class Letterhead:
    """The parts of the document around the figures, editable when downloading."""

    parent_body: str  # the body above the issuer, e.g. "UBND XÃ CẦU KHỞI"
    issuing_body: str
    number: str  # empty: left blank for the clerk to number on issue
    symbol: str  # "BC-BCĐ": report (BC) of the steering committee (BCĐ)
    place: str
    signed_on: date
    authority: str  # "TM. BAN CHỈ ĐẠO"
    signer_title: str
    signer_name: str
    recipients: list[str]

    @property
    def number_line(self) -> str:
        return f"Số: {self.number or ' ' * 8}/{self.symbol}"

    @property
    def place_date_line(self) -> str:
        return f"{self.place}, {vietnamese_date(self.signed_on)}"


def default_letterhead(unit: Unit, default_signer: str = "", **overrides: object) -> Letterhead:
    parent = unit.parent
    # The committee reports from its own level to the one above; the People's Committee of its unit heads it.
    parent_body = _("PEOPLE'S COMMITTEE OF %(unit)s") % {"unit": unit.name.upper()}
    recipients = [_("Steering committee of %(unit)s (to report)") % {"unit": parent.name}] if parent else []
    recipients += [_("Members of the steering committee"), _("Commune and ward police"), _("Filed: archive")]
    fields: dict[str, object] = {
        "parent_body": parent_body,
        "issuing_body": _(
            "STEERING COMMITTEE FOR CRIME PREVENTION AND THE ALL PEOPLE PROTECT NATIONAL SECURITY MOVEMENT"
        ),
        "number": "",
        "symbol": "BC-BCĐ",
        "place": place_name(unit),
        "signed_on": timezone.localdate(),
        "authority": _("ON BEHALF OF THE STEERING COMMITTEE"),
        "signer_title": _("HEAD"),
        "signer_name": default_signer,
        "recipients": recipients,
    }
    fields.update({key: value for key, value in overrides.items() if value not in ("", None, [])})
    return Letterhead(**fields)  # type: ignore[arg-type]


@dataclass
class PeriodicReport:
    unit: Unit
    period: Period
    generated_at: datetime
    sections: list[Section]
    listings: list[metrics.Listing]
    child_columns: list[str]
    children: list[tuple[str, list[metrics.Figure]]]
    directives: list[tuple[str, date, compliance.Tally]]
    counted_to: datetime  # the moment the end figures count to: the end of the period, or when generated
    letterhead: Letterhead | None = None

    @property
    def still_running(self) -> bool:
        """The period has not ended: its figures are those of the moment the report was made."""
        return self.counted_to == self.generated_at

    @property
    def title(self) -> str:
        return _("Results of the crime-prevention groups model, %(period)s") % {
            "period": self.period.label[:1].lower() + self.period.label[1:]
        }

    @property
    def filename(self) -> str:
        return f"bao-cao-{self.unit.code}-{self.period.slug}"


def values_of(measured: metrics.Values, path: str) -> dict[str, int]:
    return {metric: value for (unit_path, metric), value in measured.items() if unit_path == path}


RESPONSIBILITIES_LISTED = 100


def responsibilities_listing(unit: Unit, at: datetime) -> metrics.Listing:
    """Who answered for what at the end of the period: people and organisations (with their contact)."""
    held = (
        Responsibility.objects.filter(
            Q(unit__path__startswith=unit.path) | Q(group__unit__path__startswith=unit.path),
            Q(ended_at__isnull=True) | Q(ended_at__gt=at),
            assigned_at__lte=at,
        )
        .select_related("person", "organisation__contact", "unit", "group")
        .order_by("organisation__name", "person__full_name", "pk")
    )
    rows = [
        [
            str(r.assignee),
            r.organisation.contact_label if r.organisation else _("steering committee member or officer"),
            r.unit.name if r.unit else r.group.name,  # type: ignore[union-attr]
            r.duty,
        ]
        for r in held[:RESPONSIBILITIES_LISTED]
    ]
    return metrics.Listing(
        title=_("Responsibilities"),
        rule=_("Open at the end of the period: steering committee members, officers and organisations."),
        columns=[_("Assigned to"), _("Contact"), _("Responsible for"), _("Duty")],
        rows=rows,
        total=held.count() if len(rows) == RESPONSIBILITIES_LISTED else len(rows),
        widths=(34, 30, 30, 46),
    )


def build(unit: Unit, period: Period, letterhead: Letterhead | None = None) -> PeriodicReport:
    generated_at = timezone.now()
    children = list(unit.children.order_by("name")) if unit.tier < Tier.RESIDENTIAL_GROUP else []
    units = [unit, *children]
    start_at, end_at = moment(period.start, end=False), moment(period.end, end=True)
    sections = []
    listings: list[metrics.Listing] = []
    child_values: dict[str, dict[str, int]] = {child.path: {} for child in children}
    for provider in metrics.providers():
        at_start = values_of(provider.measure(unit, units, start_at), unit.path) if start_at else {}
        measured_end = provider.measure(unit, units, end_at)
        at_end = values_of(measured_end, unit.path)
        for child in children:
            child_values[child.path].update(values_of(measured_end, child.path))
        section = Section(str(provider.title))
        for figure_end, figure_start in zip(
            provider.summary(at_end) + provider.details(at_end),
            provider.summary(at_start) + provider.details(at_start),
            strict=True,
        ):
            section.lines.append(
                Line(
                    str(figure_end.label),
                    figure_start.value if start_at else None,
                    figure_end.value,
                    figure_end.percent,
                )
            )
        sections.append(section)
        listings += provider.listings(unit, start_at or period_start(period), end_at)
    listings.append(responsibilities_listing(unit, end_at or generated_at))
    registered = {provider.slug for provider in metrics.providers()}
    for slug, title in PLANNED_SECTIONS.items():
        if slug not in registered:
            sections.append(Section(str(title), note=_("Not available yet: this module is not installed.")))

    providers = metrics.providers()
    child_rows = [
        (child.name, [figure for provider in providers for figure in provider.summary(child_values[child.path])])
        for child in children
    ]
    columns = [figure.heading for figure in child_rows[0][1]] if child_rows else []
    directives = []
    for directive in directives_for(unit):
        if directive.issued_at.date() > period.end:
            continue
        scope = unit if unit.path.startswith(directive.unit.path) else directive.unit
        today = min(period.end, timezone.localdate())
        tally = compliance.Tally()
        for item in compliance.evaluate(directive, scope, today=today, as_of=end_at):
            tally.add(item.status)
        directives.append((directive.title, directive.deadline, tally))
    counted_to = end_at or generated_at
    return PeriodicReport(
        unit, period, generated_at, sections, listings, columns, child_rows, directives, counted_to, letterhead
    )
