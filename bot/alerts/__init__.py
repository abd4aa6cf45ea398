"""Alerts: platform-neutral views, fan-out to subscriptions, and the durable outbox."""
