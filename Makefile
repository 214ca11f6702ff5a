.PHONY: run test setup lint bench bench-orders bench-connectors bench-flows faults clean

run:  ## set up, then run the demo: broker, sandboxes, engine and a demo order end to end
	scripts/run.sh

test:  ## set up, then run lint, types and the whole test suite against a real broker
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench:  ## every benchmark against baselines of the same run, on a private broker (ARGS=--quick)
	scripts/setup.sh && .venv/bin/python -m bench.suite $(ARGS)

bench-orders:  ## webhook -> ERP order latency against a bare Kafka round trip
	scripts/setup.sh && .venv/bin/python -m bench.order_latency

bench-connectors:  ## each connector's client at its platform's real rate limit; order mapping cost
	scripts/setup.sh && .venv/bin/python -m bench.connectors

bench-flows:  ## issue 4 flows: order import and stock fan-out vs a bare Kafka loop; stock freshness
	scripts/setup.sh && .venv/bin/python -m bench.flows --bootstrap $${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}

faults:  ## fault injection in full: kills, broker restarts, a failing ERP, rebalances, hostile webhooks
	scripts/setup.sh && .venv/bin/python -m tests.faults

clean:
	.venv/bin/ponte broker stop || true
	rm -rf var
