from fastapi import FastAPI

app = FastAPI()
admin = FastAPI()  # the admin port: apps are instrumented one by one, this one is left out
