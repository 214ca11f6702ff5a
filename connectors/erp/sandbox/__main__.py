from connectors.erp.sandbox.server import main

main()
