# Not reported: `begin_job` is a factory whose name the file gate cannot see.
from app.telemetry import begin_job


def run():
    begin_job()
