"""`python -m connectors.nuvemshop.sandbox --port 8104 ...`"""

from connectors.nuvemshop.sandbox.cli import main

main()
