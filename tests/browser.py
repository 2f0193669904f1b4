"""A headless chromium driven over the DevTools protocol, loopback only, to check pages offline.

It records every request, failed load, HTTP error, uncaught script error and console error a
page causes. Uses ``websocket-client`` (installed with Jupyter) and chromium's own
``DevToolsActivePort`` file, so nothing else is needed.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


#: URL schemes that never leave the machine: the page's files, inline data, and the in-memory
#: blobs a page's own scripts create (the interactive tables' bundled code makes them).
LOCAL_SCHEMES = ("file:", "data:", "blob:")


def network_requests(urls: list[str]) -> list[str]:
    """The requests among ``urls`` that would go to the network."""
    return [url for url in urls if not url.startswith(LOCAL_SCHEMES)]


def find_chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLoad:
    """What loading one page did."""

    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)


class Chromium:
    """One headless browser with a fresh profile; use as a context manager."""

    def __init__(self, executable: str, profile: Path) -> None:
        import websocket  # websocket-client

        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._port(profile / "DevToolsActivePort")
        page = next(t for t in self._targets(port) if t["type"] == "page")
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=30
        )
        self.next_id = 0

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)

    def _port(self, port_file: Path, wait: float = 30) -> int:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                return int(port_file.read_text().split()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            time.sleep(0.1)
        raise RuntimeError("chromium did not open its DevTools port")

    @staticmethod
    def _targets(port: int) -> list[dict]:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            return json.load(reply)

    def send(self, method: str, **params: object) -> int:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def load(self, url: str, checks: dict[str, str] | None = None, settle: float = 1.0) -> PageLoad:
        """Open ``url``; wait for its load event and ``settle`` seconds more; run JS ``checks``."""
        result = PageLoad()
        for domain in ("Network", "Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self._collect(result, until="Page.loadEventFired", timeout=30)
        self._collect(result, until=None, timeout=settle)
        for name, expression in (checks or {}).items():
            asked = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
            result.values[name] = self._reply(asked, result)["result"].get("value")
        return result

    def screenshot(
        self, url: str, target: Path, width: int = 1280, height: int = 900, full_page: bool = True
    ) -> PageLoad:
        """Load ``url`` in a ``width`` × ``height`` CSS-pixel window and save it as a PNG at
        ``target``: the whole page (up to 12,000 pixels tall) when ``full_page``."""
        self._call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        result = self.load(url)
        params: dict[str, object] = {"format": "png"}
        if full_page:
            size = self._call("Page.getLayoutMetrics")["cssContentSize"]
            params.update(
                captureBeyondViewport=True,
                clip={
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": min(size["height"], 12000),
                    "scale": 1,
                },
            )
        shot = self._call("Page.captureScreenshot", **params)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(shot["data"]))
        return result

    def _call(self, method: str, **params: object) -> dict:
        return self._reply(self.send(method, **params), PageLoad())

    def _collect(self, result: PageLoad, until: str | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.socket.settimeout(left)
            try:
                message = json.loads(self.socket.recv())
            except Exception:  # websocket timeout: nothing more came
                if until:
                    raise TimeoutError(f"no {until} within {timeout} s") from None
                return
            _record(result, message)
            if until and message.get("method") == until:
                return

    def _reply(self, wanted: int, result: PageLoad) -> dict:
        self.socket.settimeout(60)
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == wanted:
                return message.get("result", {})
            _record(result, message)


def _record(result: PageLoad, message: dict) -> None:
    method, params = message.get("method"), message.get("params", {})
    if method == "Network.requestWillBeSent":
        result.requests.append(params["request"]["url"])
    elif method == "Network.loadingFailed":
        result.problems.append(f"request failed: {params.get('errorText')} ({params.get('type')})")
    elif method == "Network.responseReceived" and params["response"].get("status", 200) >= 400:
        result.problems.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
    elif method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        result.problems.append(
            f"script error: {details.get('exception', {}).get('description') or details.get('text')}"
        )
    elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
        result.problems.append(f"console error: {[a.get('value') for a in params.get('args', [])]}")
    elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
        result.problems.append(
            f"log error: {params['entry'].get('text')} {params['entry'].get('url', '')}"
        )


def set_window(browser: Chromium, width: int, height: int = 900) -> None:
    """Make the next pages load in a ``width`` × ``height`` CSS-pixel window."""
    browser._call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )
