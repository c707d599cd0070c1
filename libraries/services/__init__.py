"""Library use-cases: the only place their logic lives (see ARCHITECTURE.md, "Flows")."""
