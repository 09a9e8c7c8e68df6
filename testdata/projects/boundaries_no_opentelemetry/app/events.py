import httpx
from kafka import KafkaConsumer, KafkaProducer

producer = KafkaProducer(bootstrap_servers="kafka:9092")


def publish(event):
    producer.send("events", event)


def poll():
    with httpx.Client() as client:
        for message in KafkaConsumer("events"):
            client.post("https://sink", content=message.value)
