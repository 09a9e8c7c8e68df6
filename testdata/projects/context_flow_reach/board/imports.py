import threading


class Importer:
    def __init__(self, store, archive):
        self.store = store  # a store of unknown type
        self.archive = archive

    def import_cards(self, titles):
        def add_all():
            for title in titles:
                self.store.add_card(title)

        def save():
            self.store.save()

        def queue_all():
            for title in titles:
                self.store.put_nowait(title)

        def restore_all():
            for title in titles:
                self.archive.restore_card(title)

        # `add_card` is only `Store.add_card` and its implementation: that is what runs
        threading.Thread(target=add_all).start()  # error: CTX201
        # a one-word name, a standard library type's method, a name two unrelated classes
        # define: which method runs is not known
        threading.Thread(target=save).start()  # ok: `save` could be any object's
        threading.Thread(target=queue_all).start()  # ok: `put_nowait` is a queue's
        threading.Thread(target=restore_all).start()  # ok: `Archive` or `Trash`
