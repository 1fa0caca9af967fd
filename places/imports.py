"""Import hamlets and residential groups under a commune from a CSV or XLSX file.

All or nothing: every row is checked first; if any row is wrong the result lists each bad row
with its number and reason (numbered as the spreadsheet shows them) and nothing is saved.
The file format is described in docs/places.md.
"""

import contextlib
import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import ActionError
from core.text import fold
from places.actions import MAX_DECLARED_HOUSEHOLDS, next_child_code, tier_of, validate_child
from places.models import Tier, Unit, UnitKind

HEADER_ALIASES = {
    "kind": {"kind", "loai", "loai don vi"},
    "name": {"name", "ten", "ten don vi"},
    "parent": {"parent", "thuoc", "truc thuoc", "don vi cha"},
    "code": {"code", "ma", "ma don vi"},
    "households": {"households", "so ho", "tong so ho", "so ho gia dinh"},
    "latitude": {"latitude", "lat", "vi do"},
    "longitude": {"longitude", "lon", "lng", "kinh do"},
    "position": {"coordinates", "position", "toa do", "vi tri"},
}

# Where a commune of Việt Nam can be (mainland and islands, with a margin): a point outside is
# most often latitude and longitude swapped, which a map would draw in another continent.
VIETNAM_LATITUDE, VIETNAM_LONGITUDE = (6.0, 24.0), (101.0, 118.0)

KIND_ALIASES = {
    UnitKind.HAMLET: {"hamlet", "ap"},
    UnitKind.NEIGHBOURHOOD: {"neighbourhood", "neighborhood", "khu pho"},
    UnitKind.VILLAGE: {"village", "thon", "ban", "lang"},
    UnitKind.RESIDENTIAL_GROUP: {
        "residential_group",
        "residential group",
        "to",
        "to dan cu",
        "to dan cu tu quan",
        "to dan pho",
    },
}


@dataclass
class ImportResult:
    created: list[Unit] = field(default_factory=list)
    declared: list[Unit] = field(default_factory=list)  # existing units whose total or place the file set
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _kind_from(text: str) -> str | None:
    folded = fold(text)
    for kind, aliases in KIND_ALIASES.items():
        if folded in aliases:
            return kind.value
    return None


def _number(text: str) -> float:
    """A coordinate as spreadsheets write it: "11.2905", or "11,2905" with a decimal comma."""
    return float(text.strip().replace(",", "."))


def in_viet_nam(lat: float, lon: float) -> bool:
    return VIETNAM_LATITUDE[0] <= lat <= VIETNAM_LATITUDE[1] and VIETNAM_LONGITUDE[0] <= lon <= VIETNAM_LONGITUDE[1]


def read_position(latitude: str, longitude: str, position: str) -> tuple[float, float] | None:
    """The unit's place from the file: two columns, or one "11.2905, 106.0562" as the site shows it.

    Raises ValueError with the reason, in the user's language."""
    if position.strip():
        parts = position.replace(";", ",").split(",") if position.count(",") == 1 or ";" in position else None
        if parts is None:  # "11,2905, 106,0562" or "11.2905 106.0562"
            parts = position.replace(", ", " ").split()
        if len(parts) != 2:
            raise ValueError(_("the coordinates “%(text)s” are not “latitude, longitude”") % {"text": position})
        latitude, longitude = parts
    if not latitude.strip() and not longitude.strip():
        return None
    if not latitude.strip() or not longitude.strip():
        raise ValueError(_("give both latitude and longitude, or neither"))
    try:
        lat, lon = _number(latitude), _number(longitude)
    except ValueError:
        given = {"lat": latitude.strip(), "lon": longitude.strip()}
        raise ValueError(_("the coordinates “%(lat)s, %(lon)s” are not numbers") % given) from None
    if not in_viet_nam(lat, lon):
        swapped = in_viet_nam(lon, lat)
        hint = _(" — latitude and longitude look swapped") if swapped else ""
        raise ValueError(
            _("the place %(lat)s, %(lon)s is not in Viet Nam%(hint)s") % {"lat": lat, "lon": lon, "hint": hint}
        )
    return lat, lon


def read_rows(filename: str, content: bytes) -> list[list[str]]:
    """Rows of cell strings from a CSV (UTF-8, with or without BOM) or XLSX file."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ActionError(_("The file is too large (over %(mb)d MB).") % {"mb": settings.IMPORT_MAX_BYTES // 2**20})
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(content)
    raise ActionError(_("Upload a .csv or .xlsx file."))


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(_("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    dialect: type[csv.Dialect] = csv.excel
    with contextlib.suppress(csv.Error):  # an undetectable dialect is read as plain comma-separated
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ActionError(_("This is not a readable .xlsx file.")) from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if cell is None else str(cell).strip() for cell in row])
    workbook.close()
    return rows


def import_units(actor, commune: Unit, filename: str, content: bytes) -> ImportResult:
    """Check every row, then create all units in one transaction, or none."""
    result = ImportResult()
    rows = read_rows(filename, content)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ActionError(_("The file is empty."))
    if len(rows) - 1 > settings.IMPORT_MAX_ROWS:
        raise ActionError(_("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS})

    columns: dict[str, int] = {}
    for index, title in enumerate(rows[0]):
        for key, aliases in HEADER_ALIASES.items():
            if fold(title).replace("_", " ") in aliases:
                columns[key] = index
    missing = [key for key in ("kind", "name") if key not in columns]
    if missing:
        raise ActionError(
            _("Row 1 must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join({"kind": "loai", "name": "ten"}[key] for key in missing)}
        )

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else ""

    # A parent is named by code, or by name when it is a hamlet-level unit (names of residential
    # groups such as "Tổ 1" repeat from hamlet to hamlet, so they are matched within a parent).
    existing: dict[str, Unit] = {u.code: u for u in commune.subtree()}
    existing.update({fold(u.name): u for u in commune.subtree().filter(tier=Tier.HAMLET)})
    taken = {(u.parent.code if u.parent else "", fold(u.name)): u for u in commune.subtree().select_related("parent")}
    parents_in_file: set[str] = set()
    rows_by_name: dict[tuple[str, str], int] = {}
    codes_in_file: set[str] = set()
    # row, name, kind, parent key, code, households, place
    planned: list[tuple[int, str, str, str, str, int | None, tuple[float, float] | None]] = []
    updates: list[tuple[Unit, int | None, tuple[float, float] | None]] = []  # existing units: total, place

    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        name, parent_ref, code = " ".join(cell(row, "name").split()), cell(row, "parent"), cell(row, "code")
        kind = _kind_from(cell(row, "kind"))
        if kind is None:
            result.errors.append(
                (
                    number,
                    _("unknown kind “%(kind)s” (use ấp, khu phố, thôn or tổ dân cư)") % {"kind": cell(row, "kind")},
                )
            )
            continue
        if not name:
            result.errors.append((number, _("the name is empty")))
            continue
        households: int | None = None
        if cell(row, "households"):
            try:
                households = int(cell(row, "households").replace(".", "").replace(",", ""))
            except ValueError:
                households = 0
            if Tier(tier_of(kind)) != Tier.RESIDENTIAL_GROUP:
                result.errors.append((number, _("only a residential group declares a household total")))
                continue
            if not 0 < households <= MAX_DECLARED_HOUSEHOLDS:
                result.errors.append(
                    (
                        number,
                        _("the household total “%(total)s” is not a number from 1 to %(max)d")
                        % {"total": cell(row, "households"), "max": MAX_DECLARED_HOUSEHOLDS},
                    )
                )
                continue
        try:
            place = read_position(cell(row, "latitude"), cell(row, "longitude"), cell(row, "position"))
        except ValueError as error:
            result.errors.append((number, str(error)))
            continue
        parent_key = commune.code
        if parent_ref:
            parent_key = parent_ref if parent_ref in existing or parent_ref in codes_in_file else fold(parent_ref)
            if parent_key not in existing and parent_key not in parents_in_file:
                result.errors.append(
                    (
                        number,
                        _("the parent “%(parent)s” is not in this commune or earlier in the file")
                        % {"parent": parent_ref},
                    )
                )
                continue
        if code:
            if code in codes_in_file:
                result.errors.append((number, _("the code “%(code)s” appears twice in the file") % {"code": code}))
                continue
            codes_in_file.add(code)
        parent_code = existing[parent_key].code if parent_key in existing else parent_key
        existing_unit = taken.get((parent_code, fold(name)))
        if existing_unit is not None and (households is not None or place is not None):
            if households is not None and existing_unit.tier != Tier.RESIDENTIAL_GROUP:
                result.errors.append((number, _("only a residential group declares a household total")))
                continue
            updates.append((existing_unit, households, place))
            continue
        if existing_unit is not None:
            result.errors.append((number, _("“%(name)s” already exists there") % {"name": name}))
            continue
        if (parent_key, fold(name)) in rows_by_name:
            result.errors.append(
                (
                    number,
                    _("“%(name)s” already appears in row %(row)d")
                    % {"name": name, "row": rows_by_name[(parent_key, fold(name))]},
                )
            )
            continue
        rows_by_name[(parent_key, fold(name))] = number
        if Tier(tier_of(kind)) == Tier.HAMLET:
            parents_in_file.add(fold(name))
            if code:
                parents_in_file.add(code)
        planned.append((number, name, kind, parent_key, code, households, place))

    if result.errors:
        return result

    try:
        with transaction.atomic():
            created_by_key: dict[str, Unit] = {}
            for number, name, kind, parent_key, code, households, place in planned:
                parent = created_by_key.get(parent_key) or existing.get(parent_key)
                assert parent is not None
                try:
                    name, code = validate_child(parent, name, kind, code)
                except ActionError as error:
                    result.errors.append((number, " ".join(error.messages)))
                    continue
                unit = Unit.objects.create(
                    name=name,
                    kind=kind,
                    parent=parent,
                    code=code or next_child_code(parent),
                    declared_households=households,
                    latitude=place[0] if place else None,
                    longitude=place[1] if place else None,
                )
                created_by_key[unit.code] = unit
                if unit.tier == Tier.HAMLET:
                    created_by_key[fold(name)] = unit
                result.created.append(unit)
            if result.errors:
                raise _Rollback
            for unit, households, place in updates:
                if households is not None:
                    unit.declared_households = households
                if place is not None:
                    unit.latitude, unit.longitude = place
                unit.save(update_fields=["declared_households", "latitude", "longitude", "updated_at"])
                result.declared.append(unit)
            record(
                actor,
                "unit.imported",
                commune,
                unit=commune,
                filename=filename,
                created=len(result.created),
                declared=len(result.declared),
            )
    except _Rollback:
        result.created = []
        result.declared = []
    return result


class _Rollback(Exception):
    pass
