"""One Plotly template and one colour per company, for every chart on every page.

A company keeps its colour wherever it appears, so an executive who learnt that
Apex is orange on the Overview reads the Competitors page without a legend hunt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import plotly.graph_objects as go

FONT = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"
OUR_COLOR = "#1f4e9c"  # our company, always, on every chart
OTHERS_COLOR = "#a3a7ad"  # the "Others" bucket recedes
TEXT_COLOR = "#1f2933"
GRID_COLOR = "#e4e7eb"

# Competitor colours: distinct from our blue and from each other, colour-blind aware.
COMPANY_PALETTE = (
    "#e0752d",  # orange
    "#2a9d8f",  # teal
    "#b5446e",  # raspberry
    "#8c6d1f",  # ochre
    "#6a4c93",  # purple
    "#3f8f3f",  # green
    "#c23b22",  # brick
    "#d162a4",  # pink (no blue: blue is ours)
    "#7f7f3f",  # olive
    "#d4a017",  # gold
)
# Segments, regions and other categories that are not companies.
CATEGORY_PALETTE = ("#355c7d", "#6c9a8b", "#c06c84", "#f8b195", "#8e7dbe", "#99b898", "#e8a87c")

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=13, color=TEXT_COLOR),
        title=dict(font=dict(size=17), x=0.0, xanchor="left", y=0.97),
        margin=dict(l=64, r=24, t=100, b=48),
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(CATEGORY_PALETTE),
        hovermode="x unified",
        hoverlabel=dict(font=dict(family=FONT, size=13)),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0.0, title=None),
        xaxis=dict(showgrid=False, linecolor=GRID_COLOR, ticks="outside", tickcolor=GRID_COLOR),
        yaxis=dict(gridcolor=GRID_COLOR, zeroline=False, rangemode="tozero"),
    )
)


def company_colors(companies: Iterable[str], ours: str | None) -> dict[str, str]:
    """A colour per company: ours the accent, "Others" grey, the rest by name.

    Each company's preferred colour comes from a hash of its name, so it does
    not depend on which other companies are in the data or which one is ours;
    a clash moves the later name (in sorted order) to the next free colour.
    """
    colors: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(companies)):
        if name.strip().lower() in {"others", "other", "rest of market"}:
            colors[name] = OTHERS_COLOR
            continue
        start = int(hashlib.md5(name.encode()).hexdigest(), 16) % len(COMPANY_PALETTE)
        for step in range(len(COMPANY_PALETTE)):
            candidate = COMPANY_PALETTE[(start + step) % len(COMPANY_PALETTE)]
            if candidate not in taken:
                break
        colors[name] = candidate
        taken.add(candidate)
    if ours in colors:
        colors[ours] = OUR_COLOR
    return colors
