def chunk(blob):
    return blob.split(b"\n")
