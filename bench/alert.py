"""Duty alerts: how long from a report's filing (the HTTP response) until the fake Telegram receives
the alert for the officer on duty, and whether an escalation fires within one worker cycle of its
due time (docs/benchmarks.md, "Duty alerts").

The demo commune (`seed_demo`) on a throwaway database, served as `serve` serves it: one uvicorn
process, one task worker and the `deliver` loop; the fake providers run in this process and stamp
when each call arrives. Reports are filed one after another through Open311 (`POST /open311/v2/requests.json`), every
fourth one urgent (it also goes to the officer's Zalo). Escalation: the due time of fresh alerts is
moved a few seconds ahead (DUTY_ACK_MINUTES is minutes) and the benchmark waits for the backup's alert.
"""

import os
import statistics
import subprocess
import sys
import time

import httpx

from bench.inbox import free_port, wait_until_up
from bench.setup import ROOT, bench_database_url, configure_django
from bench.webhook import quantile

URGENT = "Có người cầm dao đang đánh nhau trước cổng chợ"
ORDINARY = "Mất trộm xe đạp trước nhà văn hóa ấp đêm qua"
DELIVER_INTERVAL = 2.0  # the `deliver` loop's sleep when idle, as `serve` runs it


def add_arguments(parser) -> None:
    from bench.fanout import default_database

    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_database())
    parser.add_argument("--reports", type=int, default=40, help="reports filed, one after another")
    parser.add_argument("--escalations", type=int, default=5, help="alerts left unacknowledged to escalate")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two filings")


def wait_for(found, timeout: float = 30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = found()
        if value is not None:
            return value
        time.sleep(0.01)
    return None


def run(options) -> dict:
    database_url = bench_database_url(options.database, "alert")
    configure_django(database_url)
    from django.core.management import call_command

    from api.models import ApiKey
    from channels.fake_providers import FakeProviders
    from demo import data
    from demo.channels_seed import DEMO_REFRESH_TOKEN
    from duty.models import Alert, AlertRecipient, Step
    from places.models import Unit

    fake = FakeProviders()
    fake.start()
    fake.live_refresh_tokens.add(DEMO_REFRESH_TOKEN)
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="canhgiac.settings", **fake.base_urls())
    env.pop("REDIS_URL", None)
    os.environ.update(fake.base_urls())
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    commune = Unit.objects.get(code=data.COMMUNE_CODE)
    hamlet = commune.children.order_by("code").first()
    assert hamlet is not None
    _key, secret = ApiKey.issue("bench-alert", unit=commune)

    port = free_port()
    web = [sys.executable, "-m", "uvicorn", "canhgiac.asgi:application", "--port", str(port), "--log-level", "warning"]
    worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]
    deliver = [sys.executable, "manage.py", "deliver", "--interval", str(DELIVER_INTERVAL)]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env) for command in (web, worker, deliver)]
    base = f"http://127.0.0.1:{port}"
    latencies: list[float] = []
    missing = 0
    lags: list[float] = []
    try:
        wait_until_up(f"{base}/healthz", timeout=180)  # three processes start at once on a busy machine
        with httpx.Client(timeout=30) as client:

            def file(text: str) -> tuple[str, float]:
                response = client.post(
                    f"{base}/open311/v2/requests.json",
                    data={
                        "api_key": secret,
                        "service_code": "assault" if text == URGENT else "theft",
                        "address_id": hamlet.code,
                        "description": text,
                    },
                )
                answered = time.time()
                if response.status_code != 201:
                    raise RuntimeError(f"filing answered {response.status_code}: {response.text[:200]}")
                return response.json()[0]["service_request_id"], answered

            def arrival(code: str):
                def found():
                    calls = [c for c in fake.received if c.route == "telegram.sendMessage"]
                    return next((c.at for c in calls if code in (c.json or {}).get("text", "")), None)

                return found

            file(ORDINARY)  # warm up: imports, connections, templates
            for index in range(options.reports):
                code, answered = file(URGENT if index % 4 == 0 else ORDINARY)
                at = wait_for(arrival(code))
                if at is None:
                    missing += 1
                else:
                    latencies.append(max(0.0, at - answered))
                time.sleep(options.pause)

            # Escalation: fresh urgent alerts due in a few seconds; when does the backup hear of them?
            for _ in range(options.escalations):
                code, _answered = file(URGENT)
                alert = wait_for(lambda code=code: Alert.objects.filter(subject__contains=code).first())
                due = time.time() + 3
                from datetime import UTC, datetime

                Alert.objects.filter(pk=alert.pk).update(escalate_at=datetime.fromtimestamp(due, tz=UTC))
                sent = wait_for(
                    lambda alert=alert: (
                        AlertRecipient.objects.filter(alert=alert, step=Step.BACKUP)
                        .values_list("sent_at", flat=True)
                        .first()
                    ),
                    timeout=60,
                )
                lags.append(sent.timestamp() - due if sent else float("inf"))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        fake.stop()
    return {
        "database": options.database,
        "reports": options.reports,
        "alerts_missing": missing,
        "alert_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "alert_p95_s": round(quantile(latencies, 0.95), 3) if latencies else None,
        "alert_max_s": round(max(latencies), 3) if latencies else None,
        "worker_cycle_s": DELIVER_INTERVAL,
        "escalations": options.escalations,
        "escalation_lag_max_s": round(max(lags), 3) if lags else None,
        "escalations_within_one_cycle": sum(1 for lag in lags if lag <= DELIVER_INTERVAL),
    }
