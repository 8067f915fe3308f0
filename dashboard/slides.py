"""Presentation mode, paged: one section per screen, moved with ← / → or Previous / Next, bound to `?slide=N`.

Outside presentation mode every section shows, one under the other. In it,
a page draws only the current slide's section; the slide number is in the
link, so a copied address reopens the same slide. The two buttons carry the
arrow keys as Streamlit shortcuts and are the only controls presentation mode
leaves visible (see `sharing.presentation_mode`).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from dashboard.sharing import PRESENT_KEY

SLIDE_KEY = "slide"
NAV_KEY = "slide_nav"  # the container presentation mode leaves visible
SLIDE_CHART_HEIGHT = 620  # px: below the title and the slide controls on a 1080p (or 1440×900) screen


class Deck:
    """The sections of a page as slides; `shows(i)` says whether section i is drawn in this run."""

    def __init__(self, titles: Sequence[str]) -> None:
        self.titles = list(titles)
        self.paged = st.query_params.get(PRESENT_KEY) == "1"
        self.current = _number(st.query_params.get(SLIDE_KEY), len(self.titles)) if self.paged else None

    def shows(self, index: int) -> bool:
        return not self.paged or index == self.current

    def fit(self, fig: go.Figure) -> go.Figure:
        """A chart alone on its slide fills the screen's height (a copy: figures may be shared)."""
        return go.Figure(fig).update_layout(height=SLIDE_CHART_HEIGHT) if self.paged else fig

    def controls(self) -> None:
        """Previous, where we are, Next; the arrow keys press the buttons."""
        if not self.paged:
            return
        count, now = len(self.titles), self.current
        with st.container(horizontal=True, vertical_alignment="center", key=NAV_KEY):
            st.button("Previous", icon=":material/arrow_back:", key="slide_previous", disabled=now == 0,
                      shortcut="Left", on_click=_go, args=(now - 1,))
            st.markdown(f"**{now + 1} / {count}** · {self.titles[now]}", width="content")
            st.button("Next", icon=":material/arrow_forward:", icon_position="right", key="slide_next",
                      disabled=now == count - 1, shortcut="Right", on_click=_go, args=(now + 1,))


def _number(value: str | None, count: int) -> int:
    """The slide a link asks for, from 1, as an index; anything unusable is the first, past the end the last."""
    try:
        wanted = int(value) if value is not None else 1
    except ValueError:
        return 0
    return min(max(wanted, 1), count) - 1


def _go(index: int) -> None:
    st.query_params[SLIDE_KEY] = str(index + 1)
