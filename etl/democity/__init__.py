"""The fictional demo city 云溪市 and its generator: monthly exports that look and misbehave like real
hotline exports (``python -m etl demo``, ``etl.democity.generate``), its outline map (``map``) and the
measure of the problem finders against its planted truth (``python -m etl.democity.eval``).

A package of its own because it is test and demo equipment, not part of loading a real export: the
loader never imports it.
"""
