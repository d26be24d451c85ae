"""The progress bars of long work (tqdm), made in one place."""

from __future__ import annotations


def progress_bar(iterable=None, **kwargs):
    """A ``tqdm.auto`` bar (``desc``, ``unit``, ``total`` …) that starts no monitor
    thread: a second thread makes a build start clean workers instead of forking
    (:func:`analysis.stages.run_local`)."""
    from tqdm.auto import tqdm

    tqdm.monitor_interval = 0
    return tqdm(iterable, **kwargs)
