from handouts.cli.app import main

main()
