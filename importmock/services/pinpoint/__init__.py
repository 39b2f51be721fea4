"""Amazon Pinpoint backend (client ``pinpoint``): apps, endpoints, segments, import jobs."""

from importmock.services.pinpoint.backend import PinpointBackend

__all__ = ["PinpointBackend"]
