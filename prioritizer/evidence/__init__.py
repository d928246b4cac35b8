"""Evidence: the customer's own voice (VoC exports, surveys, maturity, benchmarks) -> numbers.

Configuration models are in :mod:`.spec`; counting a VoC export in :mod:`.voc`; the
no-double-counting rule and uncovered pain points in :mod:`.coverage`.
"""
