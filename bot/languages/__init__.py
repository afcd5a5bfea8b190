"""Which language a customer message is in (offline, lingua-language-detector)."""
