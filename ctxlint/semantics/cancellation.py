"""Tasks, cancellation, timeouts and clients: the APIs behind the CTX4xx rules.

Facts from runtime-semantics.md §C (timeout defaults, `CancelledError` is a
`BaseException`, weakly referenced tasks) and §A.3.1 (which calls create tasks). Names
are resolved dotted paths; `()` means "an instance of".
"""

# ---------------------------------------------------------------- CTX401 tasks

# Module functions whose result is a task the event loop only weakly references.
TASK_FACTORIES = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
# `<loop>.create_task(...)` on a receiver resolved to one of these is a task factory too.
# (`TaskGroup().create_task` is not: the group holds its tasks.)
EVENT_LOOPS = frozenset(
    {
        "asyncio.get_running_loop()",
        "asyncio.get_event_loop()",
        "asyncio.new_event_loop()",
        "asyncio.AbstractEventLoop()",
        "asyncio.BaseEventLoop()",
    }
)
# Ownership (SPEC "Shared notions"): `task.cancel()` releases it, a done callback observes it.
TASK_RELEASE_METHODS = ("cancel",)
# Reading a task's outcome or state observes it too (the code keeps track of it).
TASK_HANDLING_METHODS = ("add_done_callback", "result", "exception", "done", "cancelled")
# `asyncio.wait(aws, *, timeout=None, return_when=ALL_COMPLETED)`: with a timeout or a
# `return_when` other than ALL_COMPLETED it can return while tasks are still pending, and
# hands them back in its second result; tasks created inline in its argument have no
# other owner (omnigent#1945). ruff's RUF006 fixture: the plain inline form is fine.
WAIT = "asyncio.wait"
WAIT_ALL_COMPLETED = "asyncio.ALL_COMPLETED"
# Loop methods that call a callback and discard what it returns: a task factory given as
# the callback (or a lambda returning a new task) leaves the task with no owner.
# name -> position of the callback argument.
CALLBACK_SCHEDULERS: dict[str, int] = {
    "call_soon": 0,
    "call_soon_threadsafe": 0,
    "call_later": 1,
    "call_at": 1,
    "add_signal_handler": 1,
    "add_reader": 1,
    "add_writer": 1,
    "add_done_callback": 0,
}
# `asyncio.TaskGroup` exists from this version on (runtime-semantics.md §A.3.1).
TASK_GROUP_SINCE = (3, 11)

# ---------------------------------------------------------------- CTX402 cancellation

# Exception classes whose `except` catches the current task's cancellation.
# `concurrent.futures.CancelledError` is a different class (an `Exception`) on 3.9-3.13
# [verified], so it is not here; neither is `Exception` (CancelledError is a BaseException
# since 3.8).
CANCELLATION_CATCHERS = frozenset(
    {
        "asyncio.CancelledError",
        "BaseException",
        "anyio.get_cancelled_exc_class()",
        "trio.Cancelled",
    }
)
# The classes only anyio/trio raise: catching one names the library's cancellation on purpose.
LIBRARY_CANCELLATION = frozenset({"anyio.get_cancelled_exc_class()", "trio.Cancelled"})
SUPPRESS = "contextlib.suppress"
# Awaitables that never complete on their own: a `try` whose body only awaits one of these
# waits for nothing but its own cancellation ("run until cancelled"), and its handler is
# the coroutine's designed way out (prefect's `run_services`, anyio's shutdown sentinel).
SLEEPS = frozenset({"asyncio.sleep", "anyio.sleep", "trio.sleep"})
SLEEP_FOREVER = frozenset({"anyio.sleep_forever", "trio.sleep_forever"})
INFINITIES = frozenset({"math.inf", "float('inf')", 'float("inf")', "float('infinity')", 'float("infinity")'})
# Objects whose `wait()` returns only once someone calls `set()` on them, and futures that
# complete only through `set_result`/`set_exception`.
EVENTS = frozenset({"Event", "Condition"})
FUTURE_FACTORIES = frozenset({"create_future", "Future"})
FUTURE_COMPLETERS = frozenset({"set", "set_result", "set_exception", "cancel", "notify", "notify_all"})
# A CLI command coroutine (`@app.command()` of click, typer, asyncclick, prefect's
# PrefectTyper) is the program's root coroutine: its only canceller is the runner at
# Ctrl-C, which wants it to stop, and nothing awaits it afterwards.
CLI_COMMAND_DECORATORS = frozenset({"command"})
# Calls that end the handler without returning (they raise SystemExit or never return).
TERMINATING_CALLS = frozenset({"sys.exit", "os._exit", "os.abort"})
# Return annotations of functions that never return (a call to one ends the handler).
NO_RETURN_ANNOTATIONS = frozenset(
    {"typing.NoReturn", "typing.Never", "typing_extensions.NoReturn", "typing_extensions.Never", "NoReturn", "Never"}
)
# Methods that hand a caught exception to someone who will raise it (a future, an outcome
# list, a queue, a generator): the cancellation is passed on, not swallowed.
EXCEPTION_HANDOFF_METHODS = frozenset(
    {
        "set_exception", "append", "appendleft", "add", "extend", "put", "put_nowait", "send",
        "send_nowait", "throw", "athrow",
    }
)
# A handler that cancels (or fails) a future it was given hands the cancellation on to the
# code waiting on that future: it is reported there, not swallowed here.
FUTURE_TYPES = frozenset({"concurrent.futures.Future()", "asyncio.Future()", "asyncio.futures.Future()"})
FUTURE_OUTCOME_METHODS = frozenset({"cancel", "set_exception"})
# A coroutine that is only ever run as its own task (SPEC CTX402 exemption, measured in
# benchmarks/PRECISION.md): its coroutine object is handed to a call, or the
# coroutine function itself to one of `TASK_SPAWNERS`, and never awaited directly. If such a
# task swallows its cancellation on the way out, it still stops; no caller's deadline waits on it.
# A call whose name is in `DEADLINE_WRAPPERS` awaits the coroutine under a deadline instead
# (`wait_for(coro, t)` returns the swallowed task's result rather than raising TimeoutError).
DEADLINE_WRAPPERS = frozenset({"wait_for", "timeout", "timeout_at", "fail_after", "move_on_after"})
# Callees that receive a coroutine object and whose await is still safe to swallow into:
# `gather` and `shield` raise the awaiting task's own CancelledError whatever the child does.
AWAITED_COMBINATORS = frozenset({"gather", "shield"})
# Methods and functions that take a coroutine *function* and run it as a new task
# (anyio/trio task groups and nurseries, `anyio.run`/`trio.run`).
TASK_SPAWNERS = frozenset({"start_soon", "start", "spawn_system_task", "run"})

# `asyncio.timeout()` exists from this version on; before it `asyncio.wait_for` is the deadline,
# and `asyncio.TimeoutError` is only `TimeoutError` from 3.11 (runtime-semantics.md §C.2).
ASYNCIO_TIMEOUT_SINCE = (3, 11)

# ---------------------------------------------------------------- CTX403 timeouts

REQUESTS_FUNCTIONS = frozenset(
    {
        "requests.get", "requests.options", "requests.head", "requests.post", "requests.put",
        "requests.patch", "requests.delete", "requests.request",
    }
)
# `requests.Session()` and the `requests.session()` factory: their request methods.
REQUESTS_SESSIONS = frozenset({"requests.Session()", "requests.session()"})
REQUESTS_SESSION_METHODS = frozenset(
    {"get", "options", "head", "post", "put", "patch", "delete", "request", "send"}
)
# `Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)`
SESSION_REQUEST_TIMEOUT_POSITION = 8

# Standard-library blocking connections: resolved name -> position of `timeout` (None:
# keyword only). Their default is `socket.getdefaulttimeout()`, None unless the program
# sets it (runtime-semantics.md §C.1). Positions are the 3.9-3.11 signatures; 3.12 made
# `timeout` keyword-only for the SSL variants.
STDLIB_CONNECTIONS: dict[str, int] = {
    "urllib.request.urlopen": 2,
    "http.client.HTTPConnection": 2,
    "http.client.HTTPSConnection": 4,
    "socket.create_connection": 1,
    "smtplib.SMTP": 3,
    "smtplib.SMTP_SSL": 5,
    "ftplib.FTP": 4,
}
# Constructors that connect only when given a host: `ftplib.FTP()` then
# `ftp.connect(host, port, timeout)` takes the timeout at connect time.
CONNECTS_ONLY_WITH_HOST = frozenset({"ftplib.FTP"})

# `socket.create_connection(listener.getsockname())`: connecting to a socket this process is
# listening on completes from the kernel's backlog (no `accept()` needed), so it cannot hang
# (distributed's IPv6 probe, socketpair emulations; benchmarks/PRECISION.md).
OWN_ADDRESS_METHOD = "getsockname"
CONNECTS_TO_AN_ADDRESS = frozenset({"socket.create_connection"})

# httpx defaults to 5 s everywhere; only an explicit `timeout=None` disables it.
HTTPX_CALLS = frozenset(
    {
        "httpx.get", "httpx.options", "httpx.head", "httpx.post", "httpx.put", "httpx.patch",
        "httpx.delete", "httpx.request", "httpx.stream", "httpx.Client", "httpx.AsyncClient",
    }
)
HTTPX_CLIENTS = frozenset({"httpx.Client()", "httpx.AsyncClient()"})
HTTPX_CLIENT_METHODS = frozenset(
    {"get", "options", "head", "post", "put", "patch", "delete", "request", "stream", "send"}
)
HTTPX_TIMEOUT = "httpx.Timeout"
HTTPX_TIMEOUT_LIMITS = ("connect", "read", "write", "pool")

# A bare `aiohttp.ClientTimeout()` has `total=None`: no limit at all [verified 3.14.5].
AIOHTTP_CLIENT_TIMEOUT = "aiohttp.ClientTimeout"
AIOHTTP_TIMEOUT_LIMITS = ("total", "connect", "sock_read", "sock_connect")  # positional order

# ---------------------------------------------------------------- CTX404 workers

# Methods that block forever when called without a timeout (runtime-semantics.md §C.1):
# Queue.get, Event/Condition.wait, Thread.join, Future.result, Lock/Semaphore.acquire,
# Connection.recv, socket.accept.
BLOCKING_METHODS = frozenset({"get", "wait", "join", "result", "acquire", "recv", "accept"})
# CTX408: what a worker waits on. `put()` blocks only on a bounded queue; these never bound.
QUEUE_TYPES = frozenset(
    {
        "queue.Queue()",
        "queue.LifoQueue()",
        "queue.PriorityQueue()",
        "queue.SimpleQueue()",
        "multiprocessing.Queue()",
        "multiprocessing.JoinableQueue()",
        "multiprocessing.queues.Queue()",
        "multiprocessing.queues.JoinableQueue()",
    }
)
UNBOUNDED_QUEUES = frozenset({"queue.SimpleQueue()"})
EVENT_TYPES = frozenset({"threading.Event()", "multiprocessing.Event()", "threading.Condition()"})
# Errors a blocking wait raises when its queue, pipe or socket is closed (a multiprocessing
# queue's `get()` raises EOFError/OSError), and broad classes: an exit in a handler for one
# of them is a real way out of a worker loop (CTX404).
WAIT_ERRORS = frozenset(
    {
        "OSError", "EOFError", "ConnectionError", "BrokenPipeError", "ConnectionResetError",
        "ConnectionAbortedError", "ValueError", "Exception", "BaseException", "error", "timeout", "Empty", "Full",
        "TimeoutError",
    }
)
# Helpers that run a callable in a worker thread, by resolved name -> position of the callable.
THREAD_RUNNERS: dict[str, int] = {"asyncio.to_thread": 0}

# ---------------------------------------------------------------- CTX406 clients

CLIENT_CONSTRUCTORS = frozenset(
    {
        "aiohttp.ClientSession",
        "httpx.Client",
        "httpx.AsyncClient",
        "requests.Session",
        "requests.session",
    }
)
CLIENT_RELEASE_METHODS = ("close", "aclose", "__exit__", "__aexit__")
# An httpx client built on a transport made elsewhere (`transport=shared_transport`) owns no
# connection pool: the pool is the transport's, and `aclose()` would close that shared
# transport for every other user [verified httpx 0.28.1: `AsyncClient.aclose()` calls
# `transport.aclose()`; an unclosed client logs nothing]. gradio's reverse proxy does this.
SHARED_POOL_KEYWORDS: dict[str, str] = {"httpx.Client": "transport", "httpx.AsyncClient": "transport"}
ASYNC_CLIENTS = frozenset({"aiohttp.ClientSession", "httpx.AsyncClient"})  # `async with` them

# ---------------------------------------------------------------- CTX407 futures

EXECUTORS = frozenset(
    {
        "concurrent.futures.ThreadPoolExecutor()",
        "concurrent.futures.ProcessPoolExecutor()",
        "concurrent.futures.Executor()",
    }
)
FUTURE_RELEASE_METHODS = ("cancel",)
FUTURE_HANDLING_METHODS = ("result", "exception", "add_done_callback")
# A submitted function that catches these around its whole body observes its own errors.
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
