"""Chat command handlers: neutral commands and their Telegram and Discord bindings."""
