from api.cli import main

if __name__ == "__main__":  # parsing workers are spawned: they import this module without running it
    main()
