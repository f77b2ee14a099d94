"""The API function's entry point (the template's `Handler`, also what `make serve` runs):
the app, loaded with the garbage collector paused.

Loading the app makes some 90,000 objects (libraries, models, routes) that live as long as
the execution environment. With the collector on, the load triggers over a hundred
collections, one of them full, that walk those objects again and again: about 50 ms of a
0.3 s cold start on the bench's machine, and every later full collection would walk them
once more. So the collector is paused while the app loads, and what the load made is then
frozen (kept out of every later collection), as Python's `gc` documentation advises before
a fork or a snapshot (SnapStart). The cost: the 800 or so cyclic objects the load leaves
as garbage are never freed.
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
