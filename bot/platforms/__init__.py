"""Platforms: renderers and senders for Telegram, Discord and the console."""
