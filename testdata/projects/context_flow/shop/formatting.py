from shop.context import current_request


def format_line(text):
    return f"[{current_request()}] {text}"  # two calls deep: render_receipt -> format_line -> current_request
