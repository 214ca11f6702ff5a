.PHONY: run test setup lint bench bench-connectors clean

run:  ## set up, then run the demo: broker, sandboxes, engine and a demo order end to end
	scripts/run.sh

test:  ## set up, then run lint, types and the whole test suite against a real broker
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench:  ## latency and throughput against baselines measured in the same run
	scripts/setup.sh && .venv/bin/python -m bench.order_latency

bench-connectors:  ## each connector's client at its platform's real rate limit; order mapping cost
	scripts/setup.sh && .venv/bin/python -m bench.connectors

clean:
	.venv/bin/ponte broker stop || true
	rm -rf var
