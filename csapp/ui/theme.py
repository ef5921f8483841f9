"""Light and dark themes, Chinese-friendly fonts, and zoom.

Body text is 15 px by default (Ctrl+= / Ctrl+- / Ctrl+0 change it); every size in the style
sheet is derived from it so zoom scales the whole window, not just paragraphs.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

BASE_PX = 15
MIN_PX, MAX_PX = 12, 24

if sys.platform == "win32":
    FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "Segoe UI", "SimSun"]
elif sys.platform == "darwin":
    FAMILIES = ["PingFang SC", "Hiragino Sans GB", "Heiti SC", "Helvetica Neue"]
else:
    FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "DejaVu Sans"]


class Colors(NamedTuple):
    window: str
    surface: str
    alt_surface: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    accent_soft: str
    good: str
    bad: str
    warn: str
    dark: bool


LIGHT = Colors(
    window="#f4f5f7",
    surface="#ffffff",
    alt_surface="#f8f9fb",
    text="#1f2328",
    muted="#5f6670",
    border="#d9dde3",
    accent="#2b6cb0",
    accent_text="#ffffff",
    accent_soft="#e3edf8",
    good="#1f7a4d",
    bad="#b42318",
    warn="#9a6700",
    dark=False,
)
DARK = Colors(
    window="#1c1d20",
    surface="#26282c",
    alt_surface="#2d3035",
    text="#e7e9ec",
    muted="#a3a9b2",
    border="#3b3f46",
    accent="#6ea8fe",
    accent_text="#0d1b2e",
    accent_soft="#233449",
    good="#5cc98c",
    bad="#ff7b72",
    warn="#e3b341",
    dark=True,
)

_current = LIGHT


def colors() -> Colors:
    return _current


def font_px(settings: QSettings) -> int:
    try:
        px = int(settings.value("view/font_px", BASE_PX))
    except (TypeError, ValueError):
        px = BASE_PX
    return max(MIN_PX, min(MAX_PX, px))


def _wants_dark(app: QApplication, choice: str) -> bool:
    if choice == "dark":
        return True
    if choice == "light":
        return False
    if app.property("csapp_styled") is None:
        # Before the first frame: our palette is not set yet, so the platform's palette still
        # tells light from dark. Asking QStyleHints instead would build Python enums for the
        # whole Qt namespace (~20 ms, a sixth of a bare window's start).
        window = app.palette().color(QPalette.ColorRole.Window)
        return window.lightness() < 128
    from PySide6.QtCore import Qt

    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply(app: QApplication, settings: QSettings, override: str | None = None) -> None:
    """Apply the theme the settings (or ``--theme``) ask for and follow the system's."""
    global _current
    choice = override or str(settings.value("view/theme", "auto"))
    _current = DARK if _wants_dark(app, choice) else LIGHT
    if app.property("csapp_styled") is None:
        if app.property("csapp_fusion") is None:  # run_gui asks for Fusion on the command line
            app.setStyle("Fusion")
        app.setProperty("csapp_styled", True)
    app.setPalette(_palette(_current))
    px = font_px(settings)
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPixelSize(px)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    app.setStyleSheet(_stylesheet(_current, px))
    if choice == "auto" and not app.property("csapp_follow_scheme"):
        app.setProperty("csapp_follow_scheme", True)
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda _scheme: apply(app, settings, override)
        )


def zoom(app: QApplication, settings: QSettings, step: int) -> int:
    """Change the body size by ``step`` px (0 resets); returns the new size."""
    px = BASE_PX if step == 0 else font_px(settings) + step
    px = max(MIN_PX, min(MAX_PX, px))
    settings.setValue("view/font_px", px)
    apply(app, settings)
    return px


def _palette(c: Colors) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.surface),
        (role.AlternateBase, c.alt_surface),
        (role.Text, c.text),
        (role.Button, c.surface),
        (role.ButtonText, c.text),
        (role.Highlight, c.accent),
        (role.HighlightedText, c.accent_text),
        (role.ToolTipBase, c.surface),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Link, c.accent),
        (role.Mid, c.border),
    ):
        p.setColor(r, QColor(value))
    p.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(c.muted))
    return p


def _stylesheet(c: Colors, px: int) -> str:
    small = round(px * 0.87)
    h1 = round(px * 1.6)
    h2 = round(px * 1.2)
    figure = round(px * 2.0)
    pad = round(px * 0.6)
    ind = round(px * 0.95)  # check and radio indicators: visible on dark surfaces too
    return f"""
QWidget {{ font-size: {px}px; }}
QWidget#side {{ background: {c.surface}; border-right: 1px solid {c.border}; }}
QListView#nav {{ background: {c.surface}; border: none; padding: 0 0 {pad}px 0; outline: 0; }}
QListView#nav::item {{ padding: {pad}px {round(px * 1.2)}px; margin: 2px 8px; border-radius: 6px; }}
QListView#nav::item:selected {{ background: {c.accent_soft}; color: {c.text}; font-weight: 600; }}
QListView#nav::item:hover:!selected {{ background: {c.alt_surface}; }}
QLabel#appTitle {{ font-size: {h2}px; font-weight: 700; padding: {pad}px {round(px * 1.2)}px; }}
QLabel[role="h1"] {{ font-size: {h1}px; font-weight: 700; }}
QLabel[role="h2"] {{ font-size: {h2}px; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c.muted}; font-size: {small}px; }}
QLabel[role="figure"] {{ font-size: {figure}px; font-weight: 700; color: {c.accent}; }}
QLabel[role="bad"] {{ color: {c.bad}; }}
QFrame[card="true"] {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 10px;
}}
QPushButton {{
    padding: {round(px * 0.45)}px {round(px * 1.1)}px; border-radius: 6px;
    border: 1px solid {c.border}; background: {c.surface};
}}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton[primary="true"] {{
    background: {c.accent}; color: {c.accent_text}; border-color: {c.accent}; font-weight: 600;
}}
QPushButton:disabled {{ color: {c.muted}; }}
QPushButton[primary="true"]:disabled {{
    background: {c.alt_surface}; border-color: {c.border}; color: {c.muted};
}}
QTableView, QTreeView, QListView, QTextBrowser, QPlainTextEdit, QTextEdit {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 6px;
}}
QListView::item {{ padding: {round(px * 0.35)}px {pad}px; }}
QHeaderView::section {{
    background: {c.alt_surface}; border: none; border-bottom: 1px solid {c.border};
    padding: {round(px * 0.4)}px {pad}px; font-weight: 600;
}}
QScrollArea {{ border: none; background: transparent; }}
QRadioButton::indicator, QCheckBox::indicator {{
    width: {ind}px; height: {ind}px; border: 1px solid {c.muted}; background: {c.surface};
}}
QRadioButton::indicator {{ border-radius: {ind // 2 + 1}px; }}
QCheckBox::indicator {{ border-radius: 3px; }}
QRadioButton::indicator:checked {{
    background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5,
        stop:0 {c.accent}, stop:0.5 {c.accent}, stop:0.6 {c.surface}, stop:1 {c.surface});
    border-color: {c.accent};
}}
QCheckBox::indicator:checked {{ background: {c.accent}; border-color: {c.accent}; }}
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled {{ border-color: {c.border}; }}
QToolTip {{ padding: 4px 8px; }}
"""
