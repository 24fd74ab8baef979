from observances.cli import main

main()
