"""The programme supports Chrome 95+ and Firefox 94+; older browsers get a notice (server-side,
from the User-Agent, so it shows even where scripts do not run)."""

from __future__ import annotations

import re

MINIMUM = {"Chrome": 95, "Firefox": 94}
_FIREFOX = re.compile(r"\bFirefox/(\d+)")
_CHROME = re.compile(r"\b(?:Chrome|Chromium|CriOS)/(\d+)")


def unsupported_browser(user_agent: str | None) -> str | None:
    """'Chrome 90' (name and major version) when the browser is older than the minimum, else None.
    Unknown browsers are given the benefit of the doubt, except Internet Explorer."""
    ua = user_agent or ""
    if "MSIE " in ua or "Trident/" in ua:
        return "Internet Explorer"
    m = _FIREFOX.search(ua)
    if m and int(m.group(1)) < MINIMUM["Firefox"]:
        return f"Firefox {m.group(1)}"
    m = _CHROME.search(ua)
    if m and not _FIREFOX.search(ua) and int(m.group(1)) < MINIMUM["Chrome"]:
        return f"Chrome {m.group(1)}"
    return None
