"""Residents filing reports through both web processes, and the monitor of the sending."""

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

from scale.common import Failed
from scale.seeding import World


@dataclass
class Filings:
    accepted: list[tuple[str, str]] = field(default_factory=list)  # (web, receipt code)
    refused: list[str] = field(default_factory=list)  # answers other than 200/201
    broken: Counter = field(default_factory=Counter)  # connections refused/broken, by web
    lock: threading.Lock = field(default_factory=threading.Lock)


def report_payload(unit_code: str, visibility: str, n: int) -> dict:
    return {
        "category": "suspicious_person",
        "description": f"Người lạ đi xe máy không biển số dò xét nhà số {n} lúc nửa đêm",
        "unit_code": unit_code,
        "visibility": visibility,
        "behaviour": "Đi chậm qua từng nhà, nhìn vào sân",
        "place_text": "Gần cổng ấp Phước Hội",
        "confirm_warnings": True,
    }


def file_report(client: httpx.Client, web: str, payload: dict, record: Filings, give_up: threading.Event) -> str | None:
    """File once; when the connection breaks, file again with the same Idempotency-Key (the server
    may have stored it), until answered or told to give up. Returns the receipt code."""
    key = uuid.uuid4().hex
    csrf = next(value for name, value in client.cookies.items() if "csrf" in name.lower())
    while not give_up.is_set():
        try:
            response = client.post("/api/reports", json=payload, headers={"Idempotency-Key": key, "X-CSRFToken": csrf})
        except httpx.TransportError:
            with record.lock:
                record.broken[web] += 1
            time.sleep(0.3)
            continue
        if response.status_code in (200, 201):
            code = response.json()["report"]["receipt_code"]
            with record.lock:
                record.accepted.append((web, code))
            return code
        with record.lock:
            record.refused.append(f"{web}: HTTP {response.status_code} {response.text[:200]}")
        return None
    return None


def filer(base: str, web: str, cookies: dict, visibility: str, unit_code: str, record: Filings, stop, give_up):
    """One resident filing one report after another until `stop`."""
    if visibility == "anonymous":  # only the CSRF cookie a page sets
        cookies = {name: value for name, value in cookies.items() if "csrf" in name.lower()}
    with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
        n = 0
        while not stop.is_set():
            file_report(client, web, report_payload(unit_code, visibility, n), record, give_up)
            n += 1
            time.sleep(0.25)


def live_check(base_a: str, base_b: str, world: World, record: Filings, give_up) -> float:
    """A live queue open on web A sees a report filed through web B; returns the seconds from
    sending the filing to web B until the event arrived on web A."""
    with (
        httpx.Client(base_url=base_a, cookies=world.officer_cookies, timeout=httpx.Timeout(30)) as queue,
        queue.stream("GET", "/reports/queue/stream/") as stream,
    ):
        if stream.status_code != 200:
            raise Failed(f"the live queue on web A answered HTTP {stream.status_code}")
        lines = stream.iter_lines()
        first = next(lines)  # sent once the stream has subscribed
        if not first.startswith("retry:"):
            raise Failed(f"the live queue on web A began with {first!r}")
        asked = time.monotonic()
        with httpx.Client(base_url=base_b, cookies=world.resident_cookies[0], timeout=60) as client:
            code = file_report(client, "B", report_payload(world.group_code, "named", -1), record, give_up)
        if code is None:
            raise Failed("the report for the live queue was not accepted by web B")
        for line in lines:
            if line.startswith("data:") and json.loads(line[5:]).get("code") == code:
                return time.monotonic() - asked
            if time.monotonic() - asked > 20:
                break
    raise Failed(f"the live queue on web A did not show report {code}, filed through web B, within 20 s")


class Monitor(threading.Thread):
    """Samples the sending twice a second (its own database connection): how many sends are done,
    and when another worker first claims (or sends) a delivery the killed worker held."""

    def __init__(self, sending, victim_id: str):
        super().__init__(daemon=True)
        self.sending, self.victim_id = sending, victim_id
        self.started = time.monotonic()
        self.samples: list[tuple[float, int]] = []
        self.held: list[int] = []
        self.reclaimed_at: float | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from delivery.models import DeliveryStatus

        try:
            while not self.stopping.wait(0.5):
                now = time.monotonic() - self.started
                self.samples.append((now, self.sending.filter(status=DeliveryStatus.DELIVERED).count()))
                if self.held and self.reclaimed_at is None:
                    taken = self.sending.filter(pk__in=self.held).exclude(
                        status=DeliveryStatus.QUEUED, claimed_by=self.victim_id
                    )
                    if taken.exists():
                        self.reclaimed_at = now
        finally:
            connection.close()

    def since(self, instant: float) -> float:
        return round(instant - self.started, 1)

    def per_interval(self, seconds: float = 10) -> list[int]:
        """Sends done in each `seconds` since the publish."""
        counts, edge, last = [], seconds, 0
        for at, done in self.samples:
            if at >= edge:
                counts.append(done - last)
                last, edge = done, edge + seconds
        if self.samples and self.samples[-1][1] > last:
            counts.append(self.samples[-1][1] - last)
        return counts
