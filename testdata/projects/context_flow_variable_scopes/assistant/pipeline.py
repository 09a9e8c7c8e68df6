from assistant.research import outline


class Outliner:
    def __call__(self, text):
        return outline(text)


class Model:
    def outline_section(self, section):
        return outline(section)


class Bundle:
    def __init__(self):
        self.model = Model()


class Pipeline:
    def _text(self, document):
        return Outliner()(document)

    def _sections(self, document):
        return [Bundle().model.outline_section(part) for part in document.split("\n\n")]

    def run(self, kind, document):
        steps = {"text": self._text, "sections": self._sections}
        return run_step(steps[kind], document)


def run_step(step, document):
    return step(document)
