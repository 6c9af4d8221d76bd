"""AMATO's models whose libraries live in Python, trained here and served from TypeScript."""
