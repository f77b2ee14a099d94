"""The staff user pool as `make serve` runs it (moto's Cognito), and the token check API
Gateway's JWT authorizer does in AWS: signature against the pool's keys, issuer, audience
(the app client), expiry.

The pool is made as infra/template.yaml makes it: accounts by a beheerder only, TOTP
required, the groups. Two local accounts are ready to sign in with, TOTP set up: moto gives
every account the same TOTP secret (`TOTP_SECRET`), which `make serve` prints for an
authenticator app.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import boto3
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET as TOTP_SECRET
from moto.cognitoidp.utils import TOTP_TIME_STEP, cognito_totp

__all__ = ["LOCAL_ACCOUNTS", "NEW_ACCOUNT", "TOTP_SECRET", "LocalStaffPool", "totp_code"]

# Local only: documented in the README, never in AWS.
LOCAL_ACCOUNTS = {
    "functionaris@klachtenportaal.local": ("Lokaal-Wachtwoord-1", ["klachtenfunctionaris"]),
    "beheerder@klachtenportaal.local": ("Lokaal-Wachtwoord-2",
                                        ["beheerder", "klachtenfunctionaris"]),
}
# Made as a beheerder makes an account: a temporary password, no TOTP yet. Its first sign-in
# asks for a new password and sets up TOTP (once per `make serve`).
NEW_ACCOUNT = ("nieuw@klachtenportaal.local", "Tijdelijk-Wachtwoord-9", ["klachtenfunctionaris"])
GROUPS = ("klachtenfunctionaris", "beheerder")

CODE_SECONDS_NEEDED = 5


def totp_code() -> str:
    """The code an authenticator app shows for the local accounts, with time left to use it.

    moto accepts a code only within its own 30-second step, so a code read in the step's last
    seconds may be refused on arrival; like a person watching the app's countdown, wait for
    the next code then.
    """
    seconds_left = TOTP_TIME_STEP - time.time() % TOTP_TIME_STEP
    if seconds_left < CODE_SECONDS_NEEDED:
        time.sleep(seconds_left)
    return cognito_totp(TOTP_SECRET).generate(int(time.time())).decode()


@dataclass(frozen=True)
class LocalStaffPool:
    pool_id: str
    client_id: str
    region: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @classmethod
    def create(cls) -> LocalStaffPool:
        """The pool, its client, groups and the local accounts (inside moto)."""
        region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")
        cognito = boto3.client("cognito-idp", region_name=region)
        pool_id = cognito.create_user_pool(
            PoolName="klachtenportaal-local-staff", MfaConfiguration="ON",
            UsernameAttributes=["email"],
            AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})["UserPool"]["Id"]
        cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                         SoftwareTokenMfaConfiguration={"Enabled": True})
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="behandelomgeving",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for group in GROUPS:
            cognito.create_group(UserPoolId=pool_id, GroupName=group)
        pool = cls(pool_id, client_id, region)
        for username, (password, groups) in LOCAL_ACCOUNTS.items():
            pool.add_account(username, password, groups)
        pool.add_account(*NEW_ACCOUNT, ready=False)
        return pool

    def add_account(self, username: str, password: str, groups: list[str], *,
                    ready: bool = True) -> None:
        """An account as a beheerder makes one; `ready`: also signed in once, with its own
        password and TOTP set up (else `password` is the temporary one)."""
        cognito = boto3.client("cognito-idp", region_name=self.region)
        cognito.admin_create_user(
            UserPoolId=self.pool_id, Username=username,
            UserAttributes=[{"Name": "email", "Value": username},
                            {"Name": "email_verified", "Value": "true"}],
            TemporaryPassword=password if not ready else password + "-tijdelijk",
            MessageAction="SUPPRESS")
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username,
                                            GroupName=group)
        if not ready:
            return
        cognito.admin_set_user_password(UserPoolId=self.pool_id, Username=username,
                                        Password=password, Permanent=True)
        access = cognito.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )["AuthenticationResult"]["AccessToken"]
        cognito.associate_software_token(AccessToken=access)
        cognito.verify_software_token(AccessToken=access, UserCode=totp_code())
        cognito.set_user_mfa_preference(
            AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    def claims(self, token: str, now: float | None = None) -> dict[str, Any] | None:
        """The claims of a valid ID token of this pool and client, or None."""
        # moto serves the pool's keys where Cognito does (no discovery document).
        keys = requests.get(f"{self.issuer}/.well-known/jwks.json", timeout=5).json()
        try:
            decoded = jwt.decode(token, KeySet.import_key_set(keys), algorithms=["RS256"])
        except (JoseError, ValueError):
            return None
        claims = dict(decoded.claims)
        valid = (claims.get("iss") == self.issuer and claims.get("aud") == self.client_id
                 and claims.get("token_use") == "id"
                 and float(claims.get("exp", 0)) > (now or time.time()))
        return claims if valid else None
