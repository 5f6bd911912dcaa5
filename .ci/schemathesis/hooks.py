"""Schemathesis hooks for the sandbox run: SCP Cloud Control requests are signed as the README describes.

String to sign: METHOD + the exact URL sent (query included when non-empty) + timestamp (ms) + access key +
account id + "Openapi"; the signature is base64(HMAC-SHA256(secret key, string to sign)). The signature is
computed on the prepared request, so it covers the URL byte for byte as it goes on the wire.
"""

import base64
import hashlib
import hmac
import os
import time

import requests
import schemathesis

ACCESS_KEY = os.environ.get("SCP_ACCESS_KEY", "")
SECRET_KEY = os.environ.get("SCP_SECRET_KEY", "")
ACCOUNT_ID = os.environ.get("SCP_ACCOUNT_ID", "")


class ScpSignature(requests.auth.AuthBase):
    """Adds the Scp-* headers to a prepared request."""

    def __call__(self, request):
        timestamp = str(int(time.time() * 1000))
        message = f"{request.method.upper()}{request.url}{timestamp}{ACCESS_KEY}{ACCOUNT_ID}Openapi"
        digest = hmac.new(SECRET_KEY.encode(), message.encode(), hashlib.sha256).digest()
        request.headers["Scp-AccessKey"] = ACCESS_KEY
        request.headers["Scp-Signature"] = base64.b64encode(digest).decode()
        request.headers["Scp-Timestamp"] = timestamp
        request.headers["Scp-ClientType"] = "Openapi"
        request.headers["Scp-AccountId"] = ACCOUNT_ID
        return request


# Placeholder the programmatic auth puts where the signature goes; `before_call` signs only requests that still
# carry it, so the `ignored_auth` probes (which strip or replace the credentials) go out unsigned, as they must.
PLACEHOLDER = "signed-when-sent"


@schemathesis.auth()
class ScpCredentials:
    """Marks SCP requests as authenticated with this run's keys (an explicit, not a generated, credential)."""

    def get(self, case, context):
        return ACCESS_KEY or None

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers.update(
            {
                "Scp-AccessKey": data,
                "Scp-AccountId": ACCOUNT_ID,
                "Scp-ClientType": "Openapi",
                "Scp-Timestamp": "0",
                "Scp-Signature": PLACEHOLDER,
            }
        )


@schemathesis.hook
def before_call(context, case, kwargs):
    if (case.headers or {}).get("Scp-Signature") == PLACEHOLDER:
        kwargs["auth"] = ScpSignature()
