# source: AndyGrant/OpenBench#21 (fix: commit 2e82ea8 "timeout on .get() and .post() requests")
# bug: the benchmark worker polls the server for workloads and reports results with requests.get/post and no timeout; a half-open connection leaves the worker hanging forever
# fix: pass timeout=HTTP_TIMEOUT to every requests call
import time

import requests

SERVER = "https://bench.example.org"


def get_workload(postdata: dict) -> str:
    request = requests.post("{0}/getWorkload/".format(SERVER), data=postdata)  # expect: CTX403
    return request.content.decode("utf-8")


def download(source: str, outname: str) -> None:
    request = requests.get(url=source, stream=True)  # expect: CTX403
    with open(outname, "wb") as fout:
        for chunk in request.iter_content(chunk_size=1024):
            if chunk:
                fout.write(chunk)


def report_results(postdata: dict) -> str:
    return requests.post("{0}/submitResults/".format(SERVER), data=postdata).text  # expect: CTX403


def main(postdata: dict) -> None:
    while True:
        data = get_workload(postdata)
        if data == "None":
            time.sleep(60)
            continue
        report_results(postdata)
