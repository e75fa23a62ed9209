"""How people reach Veil: the `veil` CLI, the REST API, and the wiring that builds the object graph."""
