"""The API function's entry point (the template's `Handler`, also what `make serve` runs):
the app, loaded with the garbage collector paused.

Loading the app makes tens of thousands of objects (libraries, models, routes) that live as
long as the execution environment. With the collector on, the load runs many collections
that walk those objects again and again, and every later full collection would walk them
once more. So the collector is paused while the app loads, and what the load made is then
frozen (kept out of every later collection), as Python's `gc` documentation advises before a
fork or a snapshot (SnapStart). The cost: the few cyclic objects the load leaves as garbage
are never freed. bench/README.md measures the difference.
"""

from __future__ import annotations

import gc

gc.disable()
try:
    from complaint_form.app import lambda_handler
finally:
    gc.freeze()
    gc.enable()

__all__ = ["lambda_handler"]
