from connectors.tray.sandbox import main

main()
