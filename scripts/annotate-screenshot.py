"""Take docs/annotate.png, the README's picture of the coder: a copy of the seed debate with the
test draft beside the Eastern Daily Press article, and Andy Symonds's "would not necessarily"
statement taken out of the copy so that its words can be shown being coded again: selected,
with the statement form filled in.

    PYTHONPATH=. .venv/bin/python scripts/annotate-screenshot.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kg.ingest import edit
from kg.model.files import write_atomic
from kg.serve.annotate.app import Coder, make_app
from kg.serve.app import Server, listen, new_token

ROOT = Path(__file__).resolve().parent.parent
EDP = "004_d57e7b97e3561e93"
WORDS = "Mr Symonds insisted a roll-out of Taser would not necessarily lead to an increase in use of force."


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "tests" / "fixtures" / "seed" / "taser-uk", data / "taser-uk")
        shutil.copy(ROOT / "tests" / "fixtures" / "annotate" / f"{EDP}.draft.json", data / "taser-uk")
        text = (data / "taser-uk" / f"{EDP}.txt").read_text(encoding="utf-8")
        doc = edit.Document(data / "taser-uk" / f"{EDP}.yaml")
        coded = [s["quote"] for s in doc.entries("statements")]
        doc.delete("statements", coded.index(WORDS))
        write_atomic(doc.path, doc.dump().encode("utf-8"))
        start = text.index(WORDS)
        sock = listen("127.0.0.1", 0, 16)
        port = int(sock.getsockname()[1])
        token = new_token()
        server = Server(make_app(Coder(data, str(Path(tmp) / "store")), token, port), port=port, sock=sock)
        with server.running() as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
            page.goto(f"{base}/?token={token}#taser-uk/{EDP}")
            page.wait_for_selector("#text .seg")
            page.evaluate("""([start, end]) => {
              const segs = [...document.querySelectorAll('#text .seg')];
              const at = (n) => { const s = segs.find((x) => +x.dataset.start <= n && n <= +x.dataset.end);
                                  return [s.firstChild, n - +s.dataset.start]; };
              const range = document.createRange();
              range.setStart(...at(start)); range.setEnd(...at(end));
              const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
              range.startContainer.parentElement.scrollIntoView({block: 'center'});
              document.getElementById('text').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
            }""", [start, start + len(WORDS)])
            page.keyboard.press("s")
            page.select_option("#f-speaker", "andy-symonds")
            page.fill("#f-claim-search", "use force")
            page.select_option("#f-claim", "taser-carriers-more-likely-use-force")
            page.select_option("#f-stance", "disagree")
            page.select_option("#f-mode", "reported")
            page.screenshot(path=str(ROOT / "docs" / "annotate.png"))
            browser.close()


if __name__ == "__main__":
    main()
