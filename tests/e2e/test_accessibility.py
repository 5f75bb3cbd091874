"""Every page kind in a real browser, checked for WCAG 2.1 A and AA: axe-core, reflow, charts, keyboard.

axe-core (``tests/vendor/axe-core``, from the npm registry; see its README)
is injected into each page kind at a desktop and a phone width. A violation
of a WCAG 2.1 A/AA rule (tags ``wcag2a``, ``wcag2aa``, ``wcag21a``,
``wcag21aa``) fails; best-practice rules are reported at the end of the run,
and fail too unless listed in :data:`REPORTED_ONLY` (``landmark-unique``
and ``region`` never may be). What axe cannot see is
measured here: reflow at 320 and 390 px (WCAG 1.4.10), the size and the
clipping of chart text on phones, the contrast of chart marks (1.4.11), and a
keyboard walk through the query editor and an incident page (2.1.1, 2.1.2,
2.4.1, 2.4.7).

Skips like ``test_browser.py`` when Chromium or its driver is missing, and
fails instead when ``SAHEL_KG_REQUIRE_BROWSER`` is set (as in CI).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.browsers import headless_chromium, require_chromium
from support.page_kinds import PAGES
from support.servers import sahel_server

pytestmark = pytest.mark.browser

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Best-practice rules only reported, not failing the run. Every page kind passes all of them now, so none is
#: here; a rule may be put here, with the reason beside it, when a page needs what it warns of.
REPORTED_ONLY: dict[str, str] = {}
DESKTOP, PHONE = 1280, 390

#: Where the axe results go for the run's summary (and for a person to read).
RESULTS: dict[tuple[str, int], dict[str, object]] = {}


@pytest.fixture(scope="module")
def base_url(store_pointer: Path) -> Iterator[str]:
    """A uvicorn server over the test store on a free loopback port."""
    with sahel_server(store_pointer, ready_path="/") as (base, _):
        yield base


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium at one device pixel per CSS pixel, without scroll bars (widths are measured)."""
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=900,
                                flags=("--force-device-scale-factor=1", "--hide-scrollbars"))
    browser.set_script_timeout(60)
    yield browser
    browser.quit()


class _AxeSummary:
    """A plugin registered for the run: the axe findings by page kind and width, in the terminal summary."""

    def __init__(self, folder: Path):
        self.folder = folder

    def pytest_terminal_summary(self, terminalreporter: object) -> None:
        if not RESULTS:
            return
        path = self.folder / "axe-results.json"
        path.write_text(json.dumps({f"{k[0]} @ {k[1]}px": v for k, v in sorted(RESULTS.items())}, indent=1))
        write = terminalreporter.write_line  # type: ignore[attr-defined]
        terminalreporter.section(f"axe-core {AXE_VERSION} by page kind and width")  # type: ignore[attr-defined]
        for (name, width), found in sorted(RESULTS.items()):
            wcag, best = found["wcag"], found["best-practice"]
            write(f"{name} @ {width}px: WCAG A/AA {_counts(wcag) or 'none'}; best practice {_counts(best) or 'none'}")
        write(f"(the nodes of each in {path})")


def _counts(found: object) -> str:
    return ", ".join(f"{rule} ×{n}" for rule, n in sorted(found.items()))  # type: ignore[attr-defined]


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Register the summary of the axe findings (once a run)."""
    manager = request.config.pluginmanager
    if not manager.has_plugin("sahel-axe-summary"):
        manager.register(_AxeSummary(tmp_path_factory.mktemp("axe")), "sahel-axe-summary")


def resize(driver: object, width: int, height: int = 900) -> None:
    """The viewport ``width`` CSS pixels wide (headless: the window is the viewport)."""
    driver.set_window_size(width, height)  # type: ignore[attr-defined]
    inner = driver.execute_script("return window.innerWidth")  # type: ignore[attr-defined]
    if inner != width:  # a window manager's frame: grow the window by the difference
        driver.set_window_size(width + (width - inner), height)  # type: ignore[attr-defined]
    assert driver.execute_script("return window.innerWidth") == width  # type: ignore[attr-defined]


def open_page(driver: object, base_url: str, path: str, width: int) -> None:
    resize(driver, width)
    driver.get(base_url + path)  # type: ignore[attr-defined]
    driver.execute_script("return document.fonts.ready")  # type: ignore[attr-defined]


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
  .then(r => done(r.violations.map(v => ({id: v.id, tags: v.tags, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}))))
  .catch(e => done({error: String(e)}));
"""


def run_axe(driver: object) -> list[dict[str, object]]:
    """axe-core's violations on the page now shown (WCAG 2.x A/AA and best-practice rules)."""
    if not driver.execute_script("return !!window.axe"):  # type: ignore[attr-defined]
        driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = driver.execute_async_script(AXE_RUN, [*WCAG_TAGS, "best-practice"])  # type: ignore[attr-defined]
    assert not isinstance(found, dict), found
    return list(found)


def _describe(violations: list[dict[str, object]]) -> str:
    out = []
    for v in violations:
        nodes = v["nodes"]
        out.append(f"{v['id']} ({v['impact']}): {v['help']}")
        out += [f"    {n['target']}: {str(n['summary']).splitlines()[-1].strip()}" for n in nodes[:5]]  # type: ignore[index]
    return "\n".join(out)


def test_axe_is_the_vendored_release(driver: object, base_url: str) -> None:
    """The injected axe-core is the release the README names, and the held rules include those the issue named."""
    open_page(driver, base_url, "/", DESKTOP)
    run_axe(driver)
    assert driver.execute_script("return axe.version") == AXE_VERSION  # type: ignore[attr-defined]
    assert AXE_VERSION in (AXE.parent / "README.md").read_text(encoding="utf-8")
    assert not {"landmark-unique", "region"} & set(REPORTED_ONLY)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violation(driver: object, base_url: str, kind: str, width: int) -> None:
    """No WCAG 2.1 A/AA violation, and none of the held best-practice rules, on any page kind at either width."""
    open_page(driver, base_url, PAGES[kind], width)
    violations = run_axe(driver)
    wcag = [v for v in violations if set(v["tags"]) & set(WCAG_TAGS)]  # type: ignore[arg-type]
    best = [v for v in violations if v not in wcag]
    RESULTS[(kind, width)] = {"wcag": {v["id"]: len(v["nodes"]) for v in wcag},  # type: ignore[misc]
                              "best-practice": {v["id"]: len(v["nodes"]) for v in best},  # type: ignore[misc]
                              "nodes": {v["id"]: v["nodes"] for v in violations}}  # type: ignore[misc]
    failing = wcag + [v for v in best if v["id"] not in REPORTED_ONLY]
    assert not failing, f"{kind} at {width} px:\n{_describe(failing)}"


# ---------------------------------------------------------------- reflow and charts

@pytest.mark.parametrize("width", [320, PHONE])
@pytest.mark.parametrize("kind", list(PAGES))
def test_reflow(driver: object, base_url: str, kind: str, width: int) -> None:
    """WCAG 1.4.10: no page scrolls sideways at 320 or 390 px (a data table may scroll inside its own box)."""
    open_page(driver, base_url, PAGES[kind], width)
    wide = driver.execute_script("""  // type: ignore
        const out = [];
        for (const el of document.querySelectorAll("body *")) {
          const r = el.getBoundingClientRect();
          if (r.width && r.right > window.innerWidth + 1 && !el.closest(".table-wrap")) {
            out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                     (el.className && el.className.baseVal === undefined ? "." + el.className : "") + " " + Math.round(r.right));
          }
        }
        return [document.documentElement.scrollWidth, out.slice(0, 8)];
    """)  # type: ignore[attr-defined]
    assert wide[0] <= width, f"{kind} is {wide[0]} px wide at {width} px: {wide[1]}"


CHART_TEXT = """
const out = [];
for (const svg of document.querySelectorAll("figure svg")) {
  if (!svg.getClientRects().length) continue;  // not shown at this width
  const box = svg.getBoundingClientRect();
  for (const t of svg.querySelectorAll("text")) {
    const r = t.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
    out.push({text: t.textContent, size: size, inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5
              && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5});
  }
}
return out;
"""


@pytest.mark.parametrize("width", [320, PHONE, 800, DESKTOP])
@pytest.mark.parametrize("kind", ["home", "incident", "incident with an approximate figure"])
def test_chart_text_is_legible_and_whole(driver: object, base_url: str, kind: str, width: int) -> None:
    """Chart text is at least 12 CSS px as drawn, at every width, and no label is cut off by the chart's edge."""
    open_page(driver, base_url, PAGES[kind], width)
    texts = driver.execute_script(CHART_TEXT)  # type: ignore[attr-defined]
    assert texts, f"no chart shown on {kind} at {width} px"
    small = [(t["text"], round(t["size"], 1)) for t in texts if t["size"] < 12 - 0.05]
    assert not small, f"chart text under 12 px on {kind} at {width} px: {small}"
    clipped = [t["text"] for t in texts if not t["inside"]]
    assert not clipped, f"chart text cut off on {kind} at {width} px: {clipped}"


MARKS = """
function rgb(c) { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : null; }
function lum(c) {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function over(c, opacity, bg) {  // a colour with alpha over the chart's background
  const a = (c.length > 3 ? c[3] : 1) * opacity;
  return c.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));
}
function ratio(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
const out = [];
for (const svg of document.querySelectorAll("figure svg")) {
  if (!svg.getClientRects().length) continue;
  const bg = rgb(getComputedStyle(svg).backgroundColor) || [255, 255, 255];
  const background = bg.length > 3 && bg[3] === 0 ? [255, 255, 255] : bg.slice(0, 3);
  for (const mark of svg.querySelectorAll(".bar rect:not(.fade), .bar circle, .bar path, .bar line, .span rect")) {
    const s = getComputedStyle(mark);
    const opacity = parseFloat(s.opacity);
    const best = [];
    if (s.fill !== "none" && !s.fill.startsWith("url")) best.push(ratio(over(rgb(s.fill), parseFloat(s.fillOpacity) * opacity, background), background));
    if (s.stroke !== "none" && parseFloat(s.strokeWidth) >= 1) best.push(ratio(over(rgb(s.stroke), parseFloat(s.strokeOpacity) * opacity, background), background));
    out.push({mark: mark.tagName + "." + (mark.getAttribute("class") || "") + " in " + mark.closest("g").getAttribute("class"),
              ratio: Math.max(0, ...best)});
  }
}
return out;
"""


@pytest.mark.parametrize("kind", ["home", "incident", "incident with an approximate figure"])
def test_chart_marks_have_contrast(driver: object, base_url: str, kind: str) -> None:
    """WCAG 1.4.11: every mark of a chart, open bounds included, has a fill or an outline at 3:1 against the chart."""
    open_page(driver, base_url, PAGES[kind], DESKTOP)
    marks = driver.execute_script(MARKS)  # type: ignore[attr-defined]
    assert marks
    faint = [(m["mark"], round(m["ratio"], 2)) for m in marks if m["ratio"] < 3]
    assert not faint, f"chart marks under 3:1 on {kind}: {faint}"


# ---------------------------------------------------------------- keyboard

TABBABLE = """
const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
const all = [...document.querySelectorAll(sel)].filter(el => {
  if (el.tabIndex < 0 || el.disabled || el.closest("[inert]")) return false;
  if (el.tagName === "SUMMARY" && el.parentElement.tagName !== "DETAILS") return false;
  const closed = el.closest("details:not([open])");
  if (closed && !(el.tagName === "SUMMARY" && el.parentElement === closed)) return false;
  return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
});
all.forEach((el, i) => el.setAttribute("data-kbd", String(i)));
return all.length;
"""
FOCUS = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const s = getComputedStyle(el);
return {id: el.getAttribute("data-kbd"), tag: el.tagName.toLowerCase(),
        query_box: el.id === "query" || el.classList.contains("cm-content"), text: (el.textContent || el.value || "").trim().slice(0, 40),
        visible: el.matches(":focus-visible"), outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
        shadow: s.boxShadow};
"""


def tab_walk(driver: object, limit: int) -> list[dict[str, object]]:
    """Press Tab from the top of the page until focus leaves the page or comes back round; where it stopped."""
    stops: list[dict[str, object]] = []
    body = driver.find_element(By.TAG_NAME, "body")  # type: ignore[attr-defined]
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    for _ in range(limit):
        target = driver.switch_to.active_element  # type: ignore[attr-defined]
        (target if target else body).send_keys(Keys.TAB)
        now = driver.execute_script(FOCUS)  # type: ignore[attr-defined]
        if now is None or (stops and now["id"] == stops[0]["id"]):
            break
        stops.append(now)
    return stops


def assert_focus_styled(stops: list[dict[str, object]]) -> None:
    """Each stop shows the site's own focus style (a :focus-visible outline at least 2 px wide), not only the default."""
    unstyled = [s for s in stops if not (s["visible"] and s["outline"] not in ("none", "hidden")
                                         and float(s["width"]) >= 2 and "rgba(0, 0, 0, 0)" not in str(s["color"]))]  # type: ignore[arg-type]
    assert not unstyled, f"focus not visibly styled at: {unstyled[:5]}"
    assert {str(s["color"]) for s in stops} == {"rgb(23, 78, 166)"}, "the site's :focus-visible outline colour"


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_keyboard_query_page(driver: object, base_url: str, width: int) -> None:
    """/query: Tab leaves the query box, every control is reached, focus is visible, and the editor still indents on request."""
    open_page(driver, base_url, PAGES["query results"], width)
    count = driver.execute_script(TABBABLE)  # type: ignore[attr-defined]
    stops = tab_walk(driver, count + 10)
    reached = {s["id"] for s in stops}
    missing = driver.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('[data-kbd]')].filter(e => !arguments[0].includes(e.getAttribute('data-kbd')))"
        ".map(e => e.outerHTML.slice(0, 120))", sorted(x for x in reached if x is not None))
    assert not missing, f"not reachable by Tab on /query: {missing}"
    assert_focus_styled(stops)
    boxes = [i for i, s in enumerate(stops) if s["query_box"]]
    assert len(boxes) == 1, "the query box (the editor's text, or the plain box) is one Tab stop"
    assert boxes[0] + 1 < len(stops) and not stops[boxes[0] + 1]["query_box"], "Tab leaves the query box"

    # the editor's text takes the keys; the textarea it replaces keeps the query for the form
    area = driver.find_element(By.CSS_SELECTOR, ".cm-content")  # type: ignore[attr-defined]
    source = driver.find_element(By.ID, "query")  # type: ignore[attr-defined]
    before = source.get_attribute("value")
    area.click()
    area.send_keys(Keys.TAB)
    assert "cm-content" not in driver.switch_to.active_element.get_attribute("class")  # type: ignore[attr-defined]
    assert source.get_attribute("value") == before, "Tab moved focus without typing into the query"
    # the documented toggle: with "Tab key indents" on, Tab indents; Escape then Tab leaves the box
    toggle = driver.find_element(By.ID, "tab-indents")  # type: ignore[attr-defined]
    assert toggle.is_displayed() and not toggle.is_selected()
    label = driver.find_element(By.CSS_SELECTOR, "label[for=tab-indents]")  # type: ignore[attr-defined]
    label.click()
    assert toggle.is_selected()
    driver.execute_script(  # type: ignore[attr-defined]
        "const v = SahelSparqlEditor.editors[0].view; v.focus(); v.dispatch({selection: {anchor: 0}})")
    area.send_keys(Keys.TAB)
    assert "cm-content" in driver.switch_to.active_element.get_attribute("class")  # type: ignore[attr-defined]
    assert source.get_attribute("value") == "  " + before
    area.send_keys(Keys.ESCAPE, Keys.TAB)
    assert "cm-content" not in driver.switch_to.active_element.get_attribute("class"), "Escape, then Tab, leaves"  # type: ignore[attr-defined]
    assert source.get_attribute("value") == "  " + before
    area.send_keys(Keys.SHIFT, Keys.TAB)  # Shift+Tab always leaves
    hint = driver.find_element(By.ID, "query-keys").text  # type: ignore[attr-defined]
    assert "Escape" in hint and "Tab" in hint
    label.click()  # off again, for the next test


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_keyboard_incident_page(driver: object, base_url: str, width: int) -> None:
    """An incident page: the skip link comes first and lands in main; every control is reached; focus is visible."""
    open_page(driver, base_url, PAGES["incident"], width)
    count = driver.execute_script(TABBABLE)  # type: ignore[attr-defined]
    stops = tab_walk(driver, count + 10)
    first = stops[0]
    assert first["tag"] == "a" and "skip" in str(first["text"]).lower(), stops[:3]
    skip = driver.switch_to.active_element  # type: ignore[attr-defined]
    driver.execute_script("document.activeElement.blur()")  # type: ignore[attr-defined]
    skip = driver.find_element(By.CSS_SELECTOR, "a.skip-link")  # type: ignore[attr-defined]
    assert not skip.is_displayed() or skip.size["height"] <= 1, "the skip link shows only when focused"
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # type: ignore[attr-defined]
    skip = driver.switch_to.active_element  # type: ignore[attr-defined]
    assert skip.get_attribute("class") == "skip-link" and skip.size["height"] > 10, "visible when focused"
    skip.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.tag_name == "main"  # type: ignore[attr-defined]
    reached = {s["id"] for s in stops}
    missing = driver.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('[data-kbd]')].filter(e => !arguments[0].includes(e.getAttribute('data-kbd')))"
        ".map(e => e.outerHTML.slice(0, 120))", sorted(x for x in reached if x is not None))
    assert not missing, f"not reachable by Tab on an incident page: {missing}"
    assert_focus_styled(stops)
    chart_links = driver.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('figure svg a')].filter(a => a.tabIndex >= 0).length")
    assert chart_links == 0, "the chart's links are not tab stops: the same links follow in the table"


# ---------------------------------------------------------------- what a screen reader reads

COLUMN_NAMES = {"Speaking as", "Stance", "Killed (total)", "Victims", "Alleged perpetrators · method", "Exact words",
                "Source"}


def test_phone_cards_show_column_names_without_reading_them_twice(driver: object, base_url: str) -> None:
    """On a phone each claim is a card whose cells show their column's name; the accessibility tree has each name
    once (the column header), not again in every cell; and every row header is short."""
    open_page(driver, base_url, PAGES["incident"], PHONE)
    shown = driver.execute_script("""  // the names drawn in the cells, and whether they are hidden from assistive technology
        return [...document.querySelectorAll("table.claims td .cell-label")].map(s => [
            getComputedStyle(s, "::before").content.replace(/^"|"$/g, ""),
            s.getClientRects().length > 0 || s.closest("td").getClientRects().length === 0,  // shown, or its cell is not
            s.closest("[aria-hidden=true]") !== null]);
    """)  # type: ignore[attr-defined]
    assert shown and all(visible and hidden for _, visible, hidden in shown)
    assert {name for name, _, _ in shown} == COLUMN_NAMES
    driver.execute_cdp_cmd("Accessibility.enable", {})  # type: ignore[attr-defined]
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]  # type: ignore[attr-defined]
    texts = [str(n.get("name", {}).get("value", "")).strip().casefold() for n in nodes
             if not n.get("ignored") and n.get("role", {}).get("value") == "StaticText"]
    repeated = {name: texts.count(name.casefold()) for name in COLUMN_NAMES if texts.count(name.casefold()) > 1}
    assert not repeated, f"column names read again inside cells: {repeated}"
    headers = [str(n.get("name", {}).get("value", "")) for n in nodes
               if not n.get("ignored") and n.get("role", {}).get("value") == "rowheader"]
    assert headers and max(len(h) for h in headers) <= 80, headers
