"""Service backends. Importing this package registers each one by boto3 client name.

Adding a service is adding a sub-package here and one import below; the engine needs no
change.
"""

from importmock.services import lexv2, pinpoint, wisdom  # noqa: F401
