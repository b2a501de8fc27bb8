"""The placed layouts (:mod:`kg.render.layout`): positions worked out by hand on small graphs."""

from __future__ import annotations

import pytest

from kg.render import layout
from kg.render.layout import ROW_HEIGHT, SLOT_WIDTH


@pytest.mark.parametrize(("wanted", "gaps", "placed"), [
    ([0.0, 100.0], [10.0], [0.0, 100.0]),  # already far enough apart: left where they want to be
    ([0.0, 0.0, 0.0], [10.0, 10.0], [-10.0, 0.0, 10.0]),  # all want one place: centred on it
    ([5.0, 0.0, 50.0], [10.0, 10.0], [-2.5, 7.5, 50.0]),  # the first two crowd, the third is free
    ([30.0, 0.0], [20.0], [5.0, 25.0]),  # out of order: kept in order, as near as can be
])
def test_nodes_on_a_level_sit_as_near_their_wish_as_order_and_gaps_allow(
        wanted: list[float], gaps: list[float], placed: list[float]) -> None:
    assert layout._nearest_in_order(wanted, gaps) == pytest.approx(placed)


def test_a_conclusion_sits_over_the_mean_of_its_premises() -> None:
    """A ← P1, P2, P3 and B ← P3, P4, and L linked to nothing. Packed, B sat beside A (over
    P3 alone); placed by its premises, it sits between P3 and P4 (worked by hand: see the
    steps in :func:`kg.render.layout._place_rows`)."""
    edges = [("P1", "A"), ("P2", "A"), ("P3", "A"), ("P3", "B"), ("P4", "B")]
    placed = layout.layered(["A", "B", "P1", "P2", "P3", "P4", "L"], edges, lambda n: True, lambda n: 0.0)
    half = SLOT_WIDTH / 2
    expected = {
        "P1": (half, ROW_HEIGHT), "P2": (3 * half, ROW_HEIGHT), "P3": (5 * half, ROW_HEIGHT),
        "P4": (7 * half, ROW_HEIGHT),
        "A": (3 * half, 0.0),  # over P2, the mean of P1, P2 and P3
        "B": (6 * half, 0.0),  # between P3 and P4
        "L": (4 * SLOT_WIDTH + 2 * layout.COMPONENT_GAP + half, 0.0),  # the block to the right
    }
    assert placed.positions == {node: pytest.approx(at) for node, at in expected.items()}
    assert placed.loners == ["L"]
    assert placed.heading == pytest.approx((4 * SLOT_WIDTH + 2 * layout.COMPONENT_GAP + SLOT_WIDTH,
                                            -ROW_HEIGHT / 2))
    # the page opens on the conclusion with the most premises, not on the heaviest node
    assert placed.focus == pytest.approx((3 * half, 0.0))


def test_a_graph_of_loners_has_no_focus() -> None:
    placed = layout.layered(["A", "B"], [], lambda n: True, lambda n: 0.0)
    assert placed.focus is None and placed.loners == ["A", "B"]
