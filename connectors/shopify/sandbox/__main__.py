"""`python -m connectors.shopify.sandbox --port 8102 ...`"""

from connectors.shopify.sandbox.cli import main

main()
