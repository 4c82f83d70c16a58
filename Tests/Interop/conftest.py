import pytest

import widget_browser
from box import Box
from fake_graph import FakeGraph
from fake_hubspot import TOKEN, FakeHubSpot


@pytest.fixture
def graph():
    fake = FakeGraph().start()
    yield fake
    fake.stop()


@pytest.fixture
def hubspot():
    """HubSpot's CRM API, faked; it accepts the box's `TOKEN` only."""
    fake = FakeHubSpot(token=TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def make_box(tmp_path, graph):
    boxes = []

    def make(**kwargs):
        box = Box(tmp_path / f"box{len(boxes)}", graph.url, **kwargs)
        boxes.append(box)
        return box.start()

    yield make
    for box in boxes:
        box.stop()


@pytest.fixture
def box(make_box):
    return make_box()


def pytest_terminal_summary(terminalreporter):
    """Where the widget's end-to-end tests saved their screenshots."""
    if widget_browser.SAVED_SCREENS:
        terminalreporter.write_line(f"widget screenshots ({len(widget_browser.SAVED_SCREENS)}): {widget_browser.SCREENS_DIR}")
