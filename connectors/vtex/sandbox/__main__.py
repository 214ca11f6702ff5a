from connectors.vtex.sandbox.cli import main

main()
