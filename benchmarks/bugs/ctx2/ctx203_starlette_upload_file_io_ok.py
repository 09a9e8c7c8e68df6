# source: encode/starlette#192 (commit b686174d0e74fc1f0b61da231f062e50f8c39e68; the UploadFile code it touched)
# expect: none
# bug: Plain file I/O offloaded with run_in_executor in a request path: the work reads no context, so nothing needs copying.
import asyncio
import tempfile


class UploadFile:
    def __init__(self, filename):
        self.filename = filename
        self._file = None
        self._loop = asyncio.get_event_loop()

    def create_tempfile(self):
        self._file = tempfile.SpooledTemporaryFile()

    async def setup(self):
        await self._loop.run_in_executor(None, self.create_tempfile)

    async def write(self, data: bytes):
        await self._loop.run_in_executor(None, self._file.write, data)

    async def read(self, size: int = -1) -> bytes:
        return await self._loop.run_in_executor(None, self._file.read, size)

    async def seek(self, offset: int):
        await self._loop.run_in_executor(None, self._file.seek, offset)

    async def close(self):
        await self._loop.run_in_executor(None, self._file.close)
