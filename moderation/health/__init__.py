"""Health endpoints for load balancers: the process is up (``/healthz``), and it can serve (``/readyz``)."""
