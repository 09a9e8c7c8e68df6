import pika
from kafka import KafkaProducer

producer = KafkaProducer(bootstrap_servers="kafka:9092")


def order_placed(order_id):
    producer.send("orders", order_id.encode())


def job(body):
    channel = pika.BlockingConnection(pika.ConnectionParameters("rabbit")).channel()
    channel.basic_publish(exchange="", routing_key="jobs", body=body)  # error: CTX303
