import httpx


class CatalogClient:
    def __init__(self, base_url: str):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=10.0)  # expect: CTX3

    async def services_for(self, project_id: str):
        response = await self._client.get(f"/v0/projects/{project_id}/services")
        response.raise_for_status()
        return response.json()
