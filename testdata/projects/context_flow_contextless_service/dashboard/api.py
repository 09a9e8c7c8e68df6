from bottle import route

from dashboard.workers import start_thread


@route("/purge")
def purge():
    # a route registered by bottle's function decorator: the dashboard serves requests
    start_thread(print, "purging")
    return {"status": "purging"}
