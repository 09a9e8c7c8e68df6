import cmd

from assistant.research import outline


class Shell(cmd.Cmd):
    """An interactive shell: its command loop runs each command for the user."""

    def do_outline(self, line):
        print(outline(line))


if __name__ == "__main__":
    Shell().cmdloop()
