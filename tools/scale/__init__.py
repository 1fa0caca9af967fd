"""The parts of `tools/scale_test.py` (`make test-scale`): the run's steps, watchdog and clean-up
(`run`), processes, databases and Redis (`common`), the seeded commune (`seeding`), the deployment's
processes started and broken while the bulletin is sent (`processes`), residents filing reports
and the delivery monitor (`traffic`), the final checks and the run's figures (`checks`)."""
