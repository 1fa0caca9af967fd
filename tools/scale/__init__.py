"""The parts of `tools/scale_test.py` (`make test-scale`): processes, databases and Redis
(`common`), the seeded commune (`seeding`), residents filing reports and the delivery monitor
(`traffic`)."""
