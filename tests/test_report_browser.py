"""report.html in a real browser: headless Chromium (Debian's package, `make browser`) driven over the Chrome
DevTools Protocol with websocket-client. It renders with no console error and no network request, the histogram
and the tables are visible, a side-by-side similarity view opens, and a screenshot is kept in test-artifacts/."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from classroom import LOOP_AT_CALL, PROBE_CLASS, make_class, probe_root
from helpers import REPO, judge

websocket = pytest.importorskip("websocket", reason="websocket-client is not installed (make install adds it)")
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
                None)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium here: run `make browser` (apt-get install "
                                 "chromium) to test report.html in a browser")]
ARTIFACTS = REPO / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", "--window-size=1280,900"]
# a verbose solution, copied with new names: the similarity report flags the pair
VERBOSE = '''import numpy as np


def causal_mask(seq_len):
    if not isinstance(seq_len, (int, np.integer)) or isinstance(seq_len, bool):
        raise TypeError("seq_len must be an int")
    if seq_len < 0:
        raise ValueError("seq_len must be >= 0")
    rows = []
    for i in range(seq_len):
        row = []
        for j in range(seq_len):
            row.append(j <= i)
        rows.append(row)
    return np.array(rows, dtype=bool).reshape(seq_len, seq_len)
'''
COPIED = VERBOSE.replace("rows", "lines").replace("row", "line").replace("i)", "a)").replace(" i ", " a ")


class DevTools:
    """One page of a headless Chromium over the DevTools Protocol; events are kept in ``events``."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:  # the local browser
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            assert time.monotonic() < deadline, f"no {method} within {timeout} s"
            self.events.append(json.loads(self.ws.recv()))

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    root = probe_root(tmp)
    subs = make_class(tmp / "class", {**PROBE_CLASS, "ivy": LOOP_AT_CALL, "jo": VERBOSE, "kim": COPIED})
    out = tmp / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--jobs", "2", "-q", "--allow-weak-sandbox", root=root)
    assert proc.returncode == 0, proc.stderr
    return out / "report.html"


@pytest.fixture
def browser():
    with tempfile.TemporaryDirectory(prefix="judge-chromium-") as profile:  # a new, empty profile every time
        tools = DevTools(Path(profile))
        try:
            yield tools
        finally:
            tools.close()


def test_report_renders_offline_without_errors(report, browser):
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.call(f"{domain}.enable")
    browser.call("Page.navigate", url=report.as_uri())
    browser.wait_for("Page.loadEventFired")
    # the histogram, the problem, student and similarity tables are laid out and visible
    visible = browser.js("""(() => {
        const seen = el => { if (!el) return false; const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
        return {
            histogram: seen(document.getElementById('histogram')),
            bars: [...document.querySelectorAll('#histogram rect.bar')].filter(b => +b.dataset.count > 0)
                  .every(seen),
            problems: seen(document.getElementById('problems')),
            students: seen(document.getElementById('students')),
            studentRows: document.querySelectorAll('#students tr[data-student]').length,
            similarity: seen(document.querySelector('table.similarity')),
            note: seen(document.getElementById('similarity-note')),
        };
    })()""")
    assert visible == {"histogram": True, "bars": True, "problems": True, "students": True,
                       "studentRows": len(PROBE_CLASS) + 3, "similarity": True, "note": True}
    flagged = browser.js("[...document.querySelectorAll('table.similarity tr[data-flagged=yes]')]"
                         ".map(r => r.dataset.a + '&' + r.dataset.b)")
    assert "jo&kim" in flagged and "ada&fay" in flagged  # the renamed copy, and two identical files
    # the side-by-side view opens from its link, with matched lines highlighted on both sides
    browser.js("document.querySelector('table.similarity a').click(); "
               "document.querySelector('details.side-by-side').open = true")
    sides = browser.js("""[...document.querySelectorAll('details.side-by-side')[0].querySelectorAll('pre')]
        .map(p => [p.getBoundingClientRect().width > 0, p.querySelectorAll('mark').length])""")
    assert len(sides) == 2 and all(w and marks > 0 for w, marks in sides)
    shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning"))
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"))]
    assert errors == []
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests and all(u.startswith("file://") for u in requests), requests  # only the page itself
