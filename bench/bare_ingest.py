"""The webhook ingest baseline: a bare aiohttp handler that checks the Shopify signature and
produces the body with its headers to Kafka (acks=all), answering 200 only after the broker's
acknowledgement.

    python -m bench.bare_ingest --port 8200 --bootstrap 127.0.0.1:9092 --topic t --secret s

It is what any receiver must do at the least; the engine's endpoint does the same plus its
integration lookup, the connector's checks and the stored Delivery record.
"""

from __future__ import annotations

import argparse
import asyncio

import orjson
from aiohttp import web
from aiokafka import AIOKafkaProducer

from connectors.shopify.webhooks import shopify_signature_valid

PRODUCER = web.AppKey("producer", AIOKafkaProducer)


def stored_record(request: web.Request, body: bytes) -> bytes:
    """The body with its headers as one JSON record: the size of the engine's stored Delivery
    (the body as a JSON string plus the headers), so both sides write the same bytes."""
    headers = {
        k.lower(): v for k, v in request.headers.items() if k.lower() != "x-shopify-hmac-sha256"
    }
    return orjson.dumps({"headers": headers, "body": body.decode(errors="replace")})


def ingest_app(bootstrap: str, topic: str, secret: str) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        if not shopify_signature_valid(
            [secret], body, request.headers.get("X-Shopify-Hmac-Sha256")
        ):
            return web.json_response({"error": "invalid_signature"}, status=401)
        key = request.headers.get("X-Shopify-Webhook-Id", "").encode()
        await (await request.app[PRODUCER].send(topic, stored_record(request, body), key=key))
        return web.json_response({"status": "accepted"})

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def producer(app: web.Application):  # type: ignore[no-untyped-def]
        app[PRODUCER] = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await app[PRODUCER].start()
        await app[PRODUCER].partitions_for(topic)
        yield
        await app[PRODUCER].stop()

    app = web.Application(client_max_size=2 << 20)
    app.cleanup_ctx.append(producer)
    app.router.add_post("/webhooks/shopify/{integration_id}", receive)
    app.router.add_get("/health", health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_ingest", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--secret", required=True)
    options = parser.parse_args()
    app = ingest_app(options.bootstrap, options.topic, options.secret)
    web.run_app(app, host="127.0.0.1", port=options.port, print=None, loop=asyncio.new_event_loop())


if __name__ == "__main__":
    main()
