"""Development helpers: a throwaway local Synapse, a scriptable Matrix client for tests and benchmarks,
and ``lotsenbot demo``.

Kept apart from the runtime package so production never loads them (``tests/unit/test_layering.py``
checks that importing what ``lotsenbot run`` imports pulls in nothing from here).
"""
