from assistant.research import summarise


def main():
    summarise("a batch of documents")


if __name__ == "__main__":
    main()
