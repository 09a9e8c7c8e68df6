from flask import Flask
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

flask_app = Flask(__name__)
flask_app.wsgi_app = OpenTelemetryMiddleware(flask_app.wsgi_app)
