from fastapi import FastAPI
from flask import Flask

app = Flask(__name__)
internal = FastAPI()  # error: CTX302
