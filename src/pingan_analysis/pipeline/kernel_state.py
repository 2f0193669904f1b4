"""Inside a warm kernel: put it back, between notebooks, to the state a fresh kernel starts in.

The notebook runner (:mod:`pingan_analysis.pipeline.notebooks`) calls :func:`remember` silently
in a new kernel before its first notebook, and :func:`reset` before each later one. A reset
clears the notebook's namespace with IPython's own reset (which also restarts the execution
count at 1, so the executed notebook numbers its cells as a fresh kernel does), and puts back
the process-wide state a notebook may change: working directory, ``sys.path``, environment,
warnings filters (their once-only registries emptied), the root logger, matplotlib's figures and
``rcParams`` (a notebook may switch to a CJK font), pandas' options (notebook 03 widens columns).
Modules stay imported: that is what makes the kernel warm. Stdlib at import; matplotlib and
pandas are imported by :func:`remember`, as any notebook here would import them.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Any, cast


@dataclass(frozen=True)
class _Start:
    cwd: str
    path: list[str]
    environ: dict[str, str]
    filters: list[Any]
    root_level: int
    root_handlers: list[logging.Handler]
    rc: Any


_start: _Start | None = None


def remember() -> None:
    """Record the kernel's state before its first notebook."""
    global _start
    import matplotlib
    import matplotlib.pyplot
    import pandas  # noqa: F401

    root = logging.getLogger()
    _start = _Start(
        os.getcwd(),
        list(sys.path),
        dict(os.environ),
        list(warnings.filters),
        root.level,
        list(root.handlers),
        matplotlib.rcParams.copy(),
    )


def reset(cwd: str) -> None:
    """Give the next notebook, run in ``cwd``, a fresh kernel's state."""
    if _start is None:
        raise RuntimeError("kernel_state.reset before remember: the kernel was not prepared")
    import matplotlib
    import matplotlib.pyplot as plt
    import pandas
    from IPython import get_ipython

    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated rcParams and options warn when set
        matplotlib.rcParams.update({k: v for k, v in _start.rc.items() if k != "backend"})
        pandas.reset_option("all")
    warnings.resetwarnings()  # also empties every module's record of warnings shown once
    # a list at run time; the stubs declare a read-only Sequence
    cast("list[Any]", warnings.filters)[:] = _start.filters
    root = logging.getLogger()
    root.setLevel(_start.root_level)
    root.handlers[:] = _start.root_handlers
    os.environ.clear()
    os.environ.update(_start.environ)
    os.chdir(cwd)
    # The kernel's start directory heads sys.path, as a fresh kernel's own directory would.
    sys.path[:] = [cwd if entry == _start.cwd else entry for entry in _start.path]
    get_ipython().reset(new_session=True)
