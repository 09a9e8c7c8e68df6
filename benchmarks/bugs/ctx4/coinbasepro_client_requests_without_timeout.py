# source: danpaquin/coinbasepro-python#93 (fix: commit e44a415 "added timeout to authenticatedclient and publicclient")
# bug: the public and authenticated REST clients call requests.get/post without a timeout; a polling loop calling get_product_ticker() hangs forever on a stalled connection
# fix: pass timeout=30 to every request
import json

import requests


class PublicClient:
    def __init__(self, api_url: str = "https://api.exchange.example.com") -> None:
        self.url = api_url.rstrip("/")

    def get_product_ticker(self, product_id: str) -> dict:
        r = requests.get(self.url + "/products/{}/ticker".format(product_id))  # expect: CTX403
        return r.json()


class AuthenticatedClient(PublicClient):
    def __init__(self, auth, api_url: str = "https://api.exchange.example.com") -> None:
        super().__init__(api_url)
        self.auth = auth

    def get_account(self, account_id: str) -> dict:
        r = requests.get(self.url + "/accounts/" + account_id, auth=self.auth)  # expect: CTX403
        return r.json()

    def buy(self, **kwargs) -> dict:
        r = requests.post(self.url + "/orders", data=json.dumps(kwargs), auth=self.auth)  # expect: CTX403
        return r.json()
