from orders.service import serve

for order in (1, 2):
    serve(order)
