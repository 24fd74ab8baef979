"""When we say it and what was sent: the planner, the outbox, messages, transports, the ticker."""
