"""newsbot: news alerts with outlet and denial context for Telegram and Discord."""

__version__ = "0.1.0"
