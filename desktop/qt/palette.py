"""Colours and fonts for the caller card, derived from the system palette.

Everything here is computed from the QPalette the desktop hands us, so the card follows
light and dark mode instead of hard-coding white-on-black. Only the match-tier accents are
fixed hues, with one shade for light and one for dark backgrounds so they stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette

from desktop.core.card import MatchTier

# (light-mode hue, dark-mode hue) per tier: green exact, amber switchboard, grey otherwise.
_TIER_HUES: dict[MatchTier, tuple[str, str]] = {
    MatchTier.EXACT: ("#1a7f37", "#3fb950"),
    MatchTier.SWITCHBOARD: ("#9a6700", "#d29922"),
    MatchTier.NONE: ("#59636e", "#9198a1"),
    MatchTier.WITHHELD: ("#59636e", "#9198a1"),
}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def blend(front: QColor, back: QColor, amount: float) -> QColor:
    """`amount` of `front` over `back`, as an opaque colour (no compositor needed)."""
    return QColor.fromRgbF(
        front.redF() * amount + back.redF() * (1 - amount),
        front.greenF() * amount + back.greenF() * (1 - amount),
        front.blueF() * amount + back.blueF() * (1 - amount),
    )


@dataclass(frozen=True)
class CardTheme:
    background: QColor
    text: QColor
    muted: QColor  # secondary text: dates, labels, messages
    border: QColor
    opener_background: QColor
    link: QColor
    accents: dict[MatchTier, QColor]  # tier stripe and chip text
    chip_backgrounds: dict[MatchTier, QColor]
    dark: bool


def card_theme(palette: QPalette) -> CardTheme:
    dark = is_dark(palette)
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    accents = {tier: QColor(hues[1] if dark else hues[0]) for tier, hues in _TIER_HUES.items()}
    highlight = palette.color(QPalette.ColorRole.Highlight)
    return CardTheme(
        background=window,
        text=text,
        muted=blend(text, window, 0.62),
        border=blend(text, window, 0.28 if dark else 0.22),
        opener_background=blend(highlight, window, 0.16 if dark else 0.08),
        # Fusion's pure #0000ff link reads as a 1990s web page; a highlight tint follows the
        # desktop's accent and stays legible on both backgrounds.
        link=blend(highlight, text, 0.62 if dark else 0.78),
        accents=accents,
        chip_backgrounds={
            tier: blend(colour, window, 0.22 if dark else 0.13) for tier, colour in accents.items()
        },
        dark=dark,
    )


def stylesheet(theme: CardTheme) -> str:
    """One sheet for the whole card; the tier chip and stripe are painted by the card.

    Setting a style sheet re-polishes every child, so it is applied once at start-up and on
    palette changes only; a ring never touches it. The 5 px left border is where the card
    paints its tier stripe.
    """

    def rgb(colour: QColor) -> str:
        return colour.name(QColor.NameFormat.HexRgb)

    parts = [
        f"""
        #callerCard {{
            background: {rgb(theme.background)};
            border: 1px solid {rgb(theme.border)};
            border-left: 5px solid {rgb(theme.border)};
        }}
        #callerCard QLabel {{ color: {rgb(theme.text)}; background: transparent; }}
        #callerCard QLabel[muted="true"] {{ color: {rgb(theme.muted)}; }}
        #callerCard QLabel[section="true"] {{ color: {rgb(theme.muted)}; }}
        #openerBlock {{
            background: {rgb(theme.opener_background)};
            border: none;
            border-radius: 6px;
        }}
        #callerCard QPushButton[link="true"] {{
            color: {rgb(theme.link)};
            background: transparent;
            border: none;
            padding: 0px;
            text-align: left;
        }}
        #callerCard QPushButton[link="true"]:hover {{ text-decoration: underline; }}
        #callerCard QPushButton[link="true"]:focus {{ text-decoration: underline; }}
        """
    ]
    return "".join(parts)


@dataclass(frozen=True)
class CardFonts:
    name: QFont
    body: QFont
    strong: QFont
    small: QFont
    section: QFont
    chip: QFont


def card_fonts(base: QFont) -> CardFonts:
    """Sizes relative to the desktop font, so a user's larger font scales the whole card."""
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0

    def derive(scale: float, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
        font = QFont(base)
        font.setPointSizeF(round(size * scale, 1))
        font.setWeight(weight)
        return font

    section = derive(0.82, QFont.Weight.Bold)
    section.setCapitalization(QFont.Capitalization.AllUppercase)
    section.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    chip = derive(0.86, QFont.Weight.DemiBold)
    return CardFonts(
        name=derive(1.55, QFont.Weight.Bold),
        body=derive(1.0),
        strong=derive(1.0, QFont.Weight.DemiBold),
        small=derive(0.9),
        section=section,
        chip=chip,
    )
