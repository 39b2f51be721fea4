"""Amazon Q in Connect / Wisdom backend (clients ``qconnect`` and ``wisdom``)."""

from importmock.services.wisdom.backend import WisdomBackend

__all__ = ["WisdomBackend"]
