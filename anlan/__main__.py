"""`python -m anlan …` is the `anlan` command."""

from anlan.cli import main

main()
