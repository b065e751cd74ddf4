from qactl.cli import main

main()
