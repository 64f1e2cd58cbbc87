"""Walking a page with the keyboard alone, and checking that every focus stop is visible."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# What the focused element looks like: its description, whether a focus indicator is drawn
# (an outline or a ring on it, or on its label when the control itself is visually hidden, as
# a styled file input is), and whether it is on screen.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const drawn = (e) => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
      && !/rgba\\(.*,\\s*0\\)$/.test(s.outlineColor) && s.outlineColor !== "transparent";
    const ring = s.boxShadow && s.boxShadow !== "none";
    return outline || ring;
  };
  const onScreen = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < innerHeight && r.left < innerWidth;
  };
  const box = el.getBoundingClientRect();
  const hidden = box.width <= 1 || box.height <= 1;
  const shown = hidden ? [...(el.labels || [])] : [el];
  const name = (el.getAttribute("aria-label") || (el.labels && el.labels[0] && el.labels[0].innerText)
    || el.innerText || el.value || el.id || "").trim().slice(0, 60);
  return {
    tag: el.tagName.toLowerCase(),
    name,
    keyboard: el.matches(":focus-visible"),
    focus: el.matches(":focus"),
    outline: ((s) => `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`)(getComputedStyle(el)),
    page_focus: document.hasFocus(),
    indicator: shown.some(drawn),
    visible: shown.some(onScreen),
  };
}"""

_IS_FOCUSED = "el => el === document.activeElement || el.contains(document.activeElement)"


@dataclass
class Keyboard:
    """Tab, Shift+Tab, Enter, Space and arrows on one page; every focus stop it passes is
    recorded, and a stop without a visible focus indicator fails the walk."""

    page: Page
    stops: list[dict[str, Any]] = field(default_factory=list)

    def focused(self) -> dict[str, Any] | None:
        """The focused element, as _FOCUS describes it."""
        info: dict[str, Any] | None = self.page.evaluate(_FOCUS)
        return info

    def check_focus(self) -> dict[str, Any]:
        """The focused control shows where the focus is, and is on screen."""
        info = self.focused()
        for _ in range(40):  # a focus style can land a frame after the key press (date fields)
            if info is None or info["indicator"]:
                break
            self.page.wait_for_timeout(50)
            info = self.focused()
        assert info is not None, "the focus was lost (it is on the page body)"
        self.stops.append(info)
        assert info["indicator"], f"no visible focus indicator on {info}"
        assert info["visible"], f"the focused control is off screen: {info}"
        return info

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        """Type into the focused control (newlines as Enter key presses)."""
        for n, line in enumerate(text.split("\n")):
            if n:
                self.page.keyboard.press("Enter")
            self.page.keyboard.type(line)

    def tab_to(self, target: Locator, *, backwards: bool = False, limit: int = 200) -> None:
        """Press Tab (or Shift+Tab) until ``target`` has the focus, checking each stop."""
        target.wait_for(state="attached")
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.focused() is None:
                continue  # passing through the page itself, as a wrap-around does
            self.check_focus()
            if target.evaluate(_IS_FOCUSED):
                return
        raise AssertionError(f"{limit} presses of {key} never reached {target}; stops: {self.stops[-8:]}")

    def choose_file(self, path: str, key: str = "Space") -> None:
        """Open the focused file input's chooser with ``key`` and pick ``path`` in it. Headless
        chromium now and then drops a chooser request that follows a screenshot closely, so the
        key is pressed again (at most three times) when no chooser opened."""
        for attempt in range(3):
            try:
                with self.page.expect_file_chooser(timeout=5_000) as chooser:
                    self.page.keyboard.press(key)
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise
                continue
            chooser.value.set_files(path)
            return

    def has_focus(self, target: Locator) -> bool:
        return bool(target.evaluate(_IS_FOCUSED))
