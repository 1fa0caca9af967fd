"""Debian's Chromium, driven by Playwright: one place for the browser tests and benchmarks.

This machine's network is closed, so background networking is off; as root, the sandbox is too.
"""

import os
import shutil

from core.env import env_str

CHROMIUM = env_str("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
MISSING = f"Chromium not found at {CHROMIUM}: run tools/ensure-chromium"


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def launch(playwright):
    """A headless Chromium browser from a running `sync_playwright()`."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-background-networking"]
    )
