"""``hanami_sdk.hanami_token``: request a token."""

from __future__ import annotations

from hanami_client._errors import HanamiError, ProtocolError
from hanami_client._http import Transport
from hanami_client._token import encode_passphrase
from hanami_client.sdk._shim import translate

__all__ = ["request_token"]


def request_token(
    address: str, user_id: str, passphrase: str, verify_connection: bool = True
) -> str | None:
    """POST /token with the clear passphrase (sent base64-encoded); returns the token string."""
    body = {"id": user_id, "passphrase": encode_passphrase(passphrase)}
    transport = Transport(address, verify=verify_connection)
    try:
        data = transport.send_json("POST", "/token", operation="sdk: POST /token", body=body)
    except HanamiError as error:
        translate(error)
        return None
    finally:
        transport.close()
    token = data.get("token")
    if not isinstance(token, str):
        raise ProtocolError("the reply holds no token", status=200, operation="sdk: POST /token")
    return token
