"""pytest plugin: collects ``*.scenario.yaml`` files as test items (see docs/pytest.md)."""
