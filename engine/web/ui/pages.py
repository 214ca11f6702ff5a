"""What every page shares: templates, the signed-in operator, security headers; sign-in and out.

Pages need a session (the cookie set by POST /login); without one they redirect to the
sign-in form. State-changing form posts carry the session's CSRF token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, cast
from urllib.parse import parse_qs, quote

from aiohttp import web
from faust.web import Request, Response, View
from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.context import Engine
from engine.web.auth import SESSION_COOKIE, FailedSignIns, credentials_match, safe_next
from engine.web.sessions import end_every_session, end_session, keys_of, live_session
from engine.web.ui.words import API_ERRORS, FIELD_WORDS

HERE = Path(__file__).parent
TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.globals["api_errors"] = API_ERRORS
TEMPLATES.globals["field_words"] = FIELD_WORDS
SCRIPTS = ("ponte.js", "ponte-integracao.js")
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def secure_request(engine: Engine, request: Request) -> bool:
    """Served over https (directly, behind a proxy, or as the configured public URL)."""
    forwarded = str(request.headers.get("X-Forwarded-Proto", "")).lower()
    public = (engine.settings.public_url or "").startswith("https://")
    return bool(cast(web.Request, request).secure) or forwarded == "https" or public


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **PAGE_HEADERS})


async def form_of(request: Request) -> dict[str, str]:
    body = (await request.read()).decode(errors="replace")
    return {key: values[0] for key, values in parse_qs(body).items()}


class Page(View):
    """Base of every screen page: a signed-in operator or a redirect to /login."""

    ponte: ClassVar[Engine]

    async def dispatch(self, request: Any) -> Any:
        token = request.cookies.get(SESSION_COOKIE)
        session = await live_session(self.ponte, token)
        if session is None:
            return redirect(f"/login?next={quote(request.path_qs, safe='')}")
        request["ponte_user"] = session.user
        request["ponte_csrf"] = keys_of(self.ponte).csrf_for(str(token))
        return await super().dispatch(request)

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> Response:
        signed_in = cast(web.Request, request)
        html = TEMPLATES.get_template(template).render(
            user=signed_in.get("ponte_user"), csrf=signed_in.get("ponte_csrf"), **context
        )
        return self.html(html, status=status, headers=dict(PAGE_HEADERS))


def sign_in_views(engine: Engine) -> dict[str, type[View]]:
    """/login (form and post), /logout, and / (to Plataformas)."""
    failures = FailedSignIns()

    class SignIn(View):
        async def get(self, request: Request) -> Response:
            return self._form(request, str(request.query.get("next", "/")))

        async def post(self, request: Request) -> Response | web.Response:
            form = await form_of(request)
            address = str(cast(web.Request, request).remote or "?")
            keys = keys_of(engine)
            target = safe_next(form.get("next"))
            if failures.blocked(address):
                return self._form(
                    request, target, "Muitas tentativas. Aguarde alguns minutos.", 429
                )
            if not keys.login_token_valid(form.get("login_token")):
                return self._form(request, target, "O formulário expirou. Tente de novo.", 400)
            settings = engine.settings
            if not credentials_match(
                form.get("user", ""),
                form.get("password", ""),
                settings.admin_user,
                settings.admin_password_hash,
            ):
                failures.failed(address)
                return self._form(request, target, "Usuário ou senha incorretos.", 401)
            failures.succeeded(address)
            response = redirect(target)
            response.set_cookie(
                SESSION_COOKIE,
                keys.issue(settings.admin_user, settings.session_hours * 3600),
                max_age=int(settings.session_hours * 3600),
                httponly=True,
                samesite="Strict",
                secure=secure_request(engine, request),
                path="/",
            )
            return response

        def _form(
            self, request: Request, target: str, error: str = "", status: int = 200
        ) -> Response:
            html = TEMPLATES.get_template("login.html").render(
                user=None,
                csrf=None,
                error=error,
                next=safe_next(target),
                login_token=keys_of(engine).login_token(),
                configured=engine.settings.admin_password_hash is not None,
            )
            return self.html(html, status=status, headers=dict(PAGE_HEADERS))

    class SignOut(View):
        async def post(self, request: Request) -> Response | web.Response:
            form = await form_of(request)
            token = request.cookies.get(SESSION_COOKIE)
            session = keys_of(engine).session_of(token)
            if session is not None:
                if not keys_of(engine).csrf_matches(str(token), form.get("csrf")):
                    return self.html(
                        "Sessão alterada: recarregue a página e tente sair de novo.",
                        status=403,
                        headers=dict(PAGE_HEADERS),
                    )
                if form.get("everywhere"):
                    await end_every_session(engine)
                else:
                    await end_session(engine, session)
            response = redirect("/login")
            response.del_cookie(SESSION_COOKIE, path="/")
            return response

    class Home(View):
        async def get(self, request: Request) -> web.Response:
            return redirect("/plataformas")

    return {"/login": SignIn, "/logout": SignOut, "/": Home}


def static_view() -> type[View]:
    """The screen's CSS and JS (no data in them, so no session needed)."""
    files = {
        "ponte.css": ("text/css", (HERE / "static" / "ponte.css").read_bytes()),
        **{
            name: ("application/javascript", (HERE / "static" / name).read_bytes())
            for name in SCRIPTS
        },
    }

    class Static(View):
        async def get(self, request: Request, name: str) -> Response:
            if name not in files:
                return self.notfound()
            content_type, body = files[name]
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
            return self.bytes(body, content_type=content_type, headers=headers)

    return Static
