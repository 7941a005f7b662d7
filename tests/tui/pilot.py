"""Waiting on the app the way a user waits: until its work is done, never for a fixed time."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Wait until every worker has finished and every message they posted has been handled."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause()
        running = [worker for worker in app.workers if not worker.is_finished]
        if not running:
            return
        await app.workers.wait_for_complete(running)
    raise AssertionError(f"workers still running: {running}")


async def press(pilot, *keys: str) -> None:
    """Press keys as a user would, then wait until the app has finished what they started."""
    await pilot.press(*keys)
    await settle(pilot)


async def until(pilot, event, seconds: float = 30.0) -> None:
    """Wait for an asyncio.Event the app sets when something it waits on outside (a browser, a paste) is ready,
    then for the messages that came with it. For work that waits on the user, where `settle` would wait forever."""
    import asyncio

    await asyncio.wait_for(event.wait(), seconds)
    await pilot.pause()


def drawn(widget) -> str:
    """The widget's lines as the screen draws them inside its padding: what the user reads (wrapped, cut or not)."""
    region = widget.content_region
    strips = widget.screen._compositor.render_strips()[region.y : region.bottom]
    return "\n".join(strip.crop(region.x, region.right).text.rstrip() for strip in strips)
