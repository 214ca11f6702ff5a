"""``/_sandbox/...``: what VTEX's own API cannot do here. Health, placing an order (VTEX has no
order-create API outside its checkout), forcing 429s and 423s, and the hook deliveries."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.vtex.sandbox.catalog import now_text
from connectors.vtex.sandbox.hooks import notify
from connectors.vtex.sandbox.state import STATE, SandboxState


def placed_order(state: SandboxState, spec: dict[str, Any]) -> dict[str, Any]:
    """An OMS order as VTEX shows it once paid: ``ready-for-handling``, amounts in cents."""
    store = state.store
    sequence = store.next_id("order-seq", 500_001)
    store.put("order-seq", str(sequence), {})
    order_id = f"v{sequence}{state.config.account[:4]}-01"
    lines = spec.get("items") or [{"sku": "1", "quantity": 1, "price": 1990}]
    items = []
    for index, line in enumerate(lines):
        sku = store.get("sku", str(line["sku"])) or {"Id": line["sku"], "ProductId": 1,
                                                     "RefId": f"REF-{line['sku']}", "Name": "Item"}  # fmt: skip
        price = int(line.get("price", 1990))
        items.append({
            "uniqueId": f"{order_id}-{index}", "id": str(sku["Id"]), "productId": str(sku["ProductId"]),
            "ean": None, "refId": sku["RefId"] or None, "name": sku["Name"], "quantity": int(line.get("quantity", 1)),
            "seller": "1", "price": price, "listPrice": price, "sellingPrice": int(line.get("selling_price", price)),
            "tax": 0, "measurementUnit": "un", "unitMultiplier": 1.0, "isGift": False,
        })  # fmt: skip
    items_total = sum(i["price"] * i["quantity"] for i in items)
    discounts = sum((i["sellingPrice"] - i["price"]) * i["quantity"] for i in items)
    shipping = int(spec.get("shipping", 1500))
    now = now_text() + "+00:00"
    customer = spec.get("customer") or {}
    return {
        "orderId": order_id, "sequence": str(sequence), "marketplaceOrderId": "", "origin": "Marketplace",
        "affiliateId": "", "salesChannel": "1", "merchantName": None, "status": "ready-for-handling",
        "statusDescription": "Pronto para o manuseio", "value": items_total + discounts + shipping,
        "creationDate": now, "lastChange": now, "authorizedDate": now, "invoicedDate": None,
        "orderGroup": str(sequence), "isCompleted": True, "allowCancellation": True,
        "cancelReason": None, "workflowIsInError": False,
        "totals": [
            {"id": "Items", "name": "Total dos Itens", "value": items_total},
            {"id": "Discounts", "name": "Total dos Descontos", "value": discounts},
            {"id": "Shipping", "name": "Total do Frete", "value": shipping},
            {"id": "Tax", "name": "Total da Taxa", "value": 0},
        ],
        "items": items,
        "clientProfileData": {
            "email": customer.get("email", "maria@example.com.br"), "firstName": customer.get("first_name", "Maria"),
            "lastName": customer.get("last_name", "Silva"), "documentType": "cpf",
            "document": customer.get("document", "52998224725"), "phone": "+5511987654321",
            "corporateName": None, "tradeName": None, "corporateDocument": None,
            "stateInscription": None, "corporatePhone": None, "isCorporate": False,
            "userProfileId": f"profile-{sequence}",
        },
        "shippingData": {
            "address": {
                "addressType": "residential", "receiverName": "Maria Silva", "postalCode": "01310-100",
                "city": "São Paulo", "state": "SP", "country": "BRA", "street": "Avenida Paulista",
                "number": "1000", "neighborhood": "Bela Vista", "complement": "ap 12", "reference": None,
            },
            "logisticsInfo": [{"itemIndex": i, "selectedSla": "Normal", "deliveryCompany": "Correios",
                               "price": shipping if i == 0 else 0} for i in range(len(items))],
        },
        "paymentData": {"transactions": [{"isActive": True, "payments": [
            {"paymentSystemName": "Pix", "group": "instantPayment", "value": items_total + discounts + shipping,
             "installments": 1}]}]},
        "packageAttachment": {"packages": []},
        "storePreferencesData": {"countryCode": "BRA", "currencyCode": "BRL"},
        "marketingData": None, "openTextField": None,
    }  # fmt: skip


async def place(request: web.Request) -> web.Response:
    state = request.app[STATE]
    spec = await request.json() if request.can_read_body else {}
    order = placed_order(state, spec if isinstance(spec, dict) else {})
    state.store.put("order", order["orderId"], order)
    notify(
        state,
        order["orderId"],
        order["status"],
        "window-to-cancel",
        order["creationDate"],
        order["lastChange"],
    )
    return web.json_response(order, status=201)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "account": request.app[STATE].config.account})


async def faults(request: web.Request) -> web.Response:
    """``{"rate_limited_calls": N, "retry_after": s, "locked_calls": M, "delay": s}``."""
    state = request.app[STATE]
    body = await request.json()
    if not isinstance(body, dict):
        return web.json_response({"error": "a JSON object"}, status=400)
    try:
        state.faults.rate_limited_calls = int(body.get("rate_limited_calls", 0))
        state.faults.retry_after = float(body.get("retry_after", 1.0))
        state.faults.locked_calls = int(body.get("locked_calls", 0))
        state.response_delay = float(body.get("delay", 0.0))
    except (TypeError, ValueError):
        return web.json_response({"error": "numbers expected"}, status=400)
    return web.json_response({"ok": True, "throttled": state.faults.throttled})


async def deliveries(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].store.deliveries())


def add_control_routes(app: web.Application) -> None:
    app.router.add_get("/_sandbox/health", health)
    app.router.add_post("/_sandbox/orders", place)
    app.router.add_post("/_sandbox/faults", faults)
    app.router.add_get("/_sandbox/deliveries", deliveries)
