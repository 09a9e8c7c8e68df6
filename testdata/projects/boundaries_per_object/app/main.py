from fastapi import FastAPI

app = FastAPI()
admin = FastAPI()  # error: CTX302
