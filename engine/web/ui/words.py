"""The screen's words in Brazilian Portuguese: labels, explanations and answers.

Data only. Field names missing here fall back to the model's own title.
"""

from __future__ import annotations

from connectors.contract import CheckOutcome
from schemas.automation import Automation
from schemas.integration import IntegrationStatus

STATUS = {
    IntegrationStatus.ACTIVE: "ativa",
    IntegrationStatus.PAUSED: "pausada",
    IntegrationStatus.ERROR: "com erro",
}

CHECK_ANSWERS = {
    CheckOutcome.OK: "Conexão estabelecida com sucesso.",
    CheckOutcome.BAD_CREDENTIALS: (
        "A plataforma recusou as credenciais. Confira o token / chave de API e tente de novo."
    ),
    CheckOutcome.MISSING_PERMISSION: (
        "As credenciais valem, mas faltam permissões ao aplicativo. Conceda os escopos "
        "de produtos, pedidos e estoque na plataforma."
    ),
    CheckOutcome.UNKNOWN_STORE: "A loja não foi encontrada. Confira a URL ou o identificador.",
    CheckOutcome.UNREACHABLE: "Não foi possível alcançar a plataforma. Confira a URL da loja.",
    CheckOutcome.TIMEOUT: "A plataforma demorou demais para responder. Tente de novo.",
}

AUTOMATIONS = {
    Automation.PRODUCT_EXPORT: (
        "Exportar produtos",
        "Envia à plataforma os produtos cadastrados ou alterados no ERP.",
    ),
    Automation.PRICE_EXPORT: (
        "Exportar preços",
        "Envia os preços da lista de preços escolhida, com as promoções e suas datas.",
    ),
    Automation.PRODUCT_IMPORT: (
        "Importar produtos",
        "Traz para o ERP os produtos criados ou alterados na plataforma.",
    ),
    Automation.STOCK_EXPORT: (
        "Enviar estoque",
        "Envia à plataforma o saldo de estoque do ERP (descontado o estoque de segurança).",
    ),
    Automation.ORDER_IMPORT: (
        "Importar pedidos de venda",
        "Cria no ERP cada pedido feito na loja, assim que a plataforma avisa.",
    ),
    Automation.ORDER_POLLING: (
        "Buscar pedidos periodicamente",
        "Também procura pedidos novos a cada intervalo, caso algum aviso se perca "
        "(sem duplicar pedidos).",
    ),
    Automation.ORDER_STATUS_EXPORT: (
        "Enviar situação dos pedidos",
        "Envia à plataforma a situação, a NF-e, o rastreio e o cancelamento feitos no ERP.",
    ),
    Automation.ORDER_PLATFORM_UPDATES: (
        "Receber pagamentos e cancelamentos",
        "Aplica no pedido do ERP o pagamento ou o cancelamento feito na plataforma.",
    ),
    Automation.RECONCILIATION: (
        "Conferência",
        "Compara periodicamente pedidos e estoque recentes e reenvia o que faltar.",
    ),
    Automation.WEBHOOKS: (
        "Manter webhooks cadastrados",
        "Cadastra e mantém na plataforma os avisos (webhooks) que trazem os pedidos.",
    ),
}

FIELDS = {
    # access fields of the connectors
    "shop_domain": "Domínio da loja (.myshopify.com)",
    "admin_api_token": "Token de acesso (Admin API)",
    "webhook_secret": "Chave secreta do aplicativo (webhooks)",
    "previous_webhook_secret": "Chave secreta anterior",
    "client_id": "Client ID do aplicativo",
    "client_secret": "Client secret do aplicativo",
    "refresh_token": "Refresh token",
    "access_token": "Token de acesso",
    "access_token_expires_at": "Validade do token de acesso",
    "refresh_token_expires_at": "Validade do refresh token",
    "api_version": "Versão da API",
    "requests_per_second": "Requisições por segundo",
    "bucket_size": "Tamanho do balde de requisições",
    "request_timeout": "Tempo limite por requisição (s)",
    "timeout": "Tempo limite por requisição (s)",
    "timeout_seconds": "Tempo limite por requisição (s)",
    "base_url": "URL da API",
    "pricing_base_url": "URL da API de preços",
    "api_address": "URL da API da loja",
    "consumer_key": "Consumer key",
    "consumer_secret": "Consumer secret",
    "code": "Código de autorização",
    "notification_secret": "Chave das notificações",
    "store_id": "Identificador da loja",
    "rate_per_minute": "Requisições por minuto",
    "daily_cap": "Limite diário de requisições",
    "app_secret": "Chave secreta do aplicativo",
    "user_agent": "User-Agent (aplicativo e contato)",
    "account": "Nome da conta VTEX",
    "environment": "Ambiente",
    "app_key": "App key",
    "app_token": "App token",
    "hook_secret": "Chave do hook de pedidos",
    "hook_secret_header": "Cabeçalho da chave do hook",
    "warehouse_id": "Depósito (warehouse)",
    "location_id": "Local de estoque (location)",
    "trade_policy": "Política comercial",
    "availability_days": "Prazo de disponibilidade (dias)",
    # Configurações
    "sync_images": "Enviar imagens dos produtos",
    "description_source": "Texto usado como descrição",
    "price_list": "Lista de preços",
    "send_promotional_price": "Enviar preço promocional",
    "price_drop_guard_percent": "Segurar quedas de preço acima de (%)",
    "stock_warehouses": "Depósitos do estoque (separados por vírgula; vazio: todos)",
    "stock_buffer": "Estoque de segurança",
    "stock_max_listed": "Quantidade máxima anunciada",
    "order_import_since": "Importar pedidos a partir de",
    "erp_order_status": "Situação dos pedidos novos no ERP",
    "sales_channel": "Canal de venda",
    "platform_extras": "Opções da plataforma",
    # Incluir uma Plataforma, Acesso and the jobs' forms
    "id": "Identificador",
    "name": "Nome",
    "platform": "Plataforma",
    "access": "Dados de acesso",
    "entity": "Tipo de cadastro",
    "date_from": "De",
    "date_to": "Até",
    "order_number": "Número do pedido",
    "interval_seconds": "Intervalo",
    "enabled": "Ligada",
}

# Why a field was refused (pydantic's error type) as the screen says it after the field's
# label; {limit} is the bound the value broke. A type missing here: "valor não aceito".
FIELD_PROBLEMS = {
    "missing": "preencha este campo",
    "string_too_short": "use pelo menos {limit} caractere(s)",
    "string_too_long": "use no máximo {limit} caracteres",
    "too_short": "informe pelo menos {limit} item(ns)",
    "too_long": "informe no máximo {limit} itens",
    "greater_than": "use um valor maior que {limit}",
    "greater_than_equal": "use um valor igual ou maior que {limit}",
    "less_than": "use um valor menor que {limit}",
    "less_than_equal": "use um valor igual ou menor que {limit}",
    "int_parsing": "use um número inteiro",
    "int_type": "use um número inteiro",
    "int_from_float": "use um número inteiro, sem casas decimais",
    "float_parsing": "use um número (com ponto ou vírgula decimal)",
    "float_type": "use um número",
    "decimal_parsing": "use um número",
    "finite_number": "use um número finito",
    "bool_parsing": "marque ou desmarque a opção",
    "bool_type": "marque ou desmarque a opção",
    "string_type": "use um texto",
    "string_pattern_mismatch": "o formato não é o esperado; confira o exemplo do campo",
    "url_parsing": "use um endereço completo, como https://minhaloja.com.br",
    "url_type": "use um endereço completo, como https://minhaloja.com.br",
    "url_scheme": "o endereço deve começar com http:// ou https://",
    "date_parsing": "use uma data válida (dd/mm/aaaa)",
    "date_from_datetime_parsing": "use uma data válida (dd/mm/aaaa)",
    "date_type": "use uma data válida (dd/mm/aaaa)",
    "datetime_parsing": "use uma data e hora válidas",
    "datetime_from_date_parsing": "use uma data e hora válidas",
    "datetime_type": "use uma data e hora válidas",
    "timezone_aware": "informe também o fuso horário",
    "literal_error": "escolha uma das opções da lista",
    "enum": "escolha uma das opções da lista",
    "extra_forbidden": "este campo não existe aqui; recarregue a página",
    "dict_type": "preencha os campos deste grupo",
    "model_type": "preencha os campos deste grupo",
    "list_type": "informe uma lista de valores separados por vírgula",
    "json_invalid": "o conteúdo não é um JSON válido",
    "union_tag_invalid": "escolha uma das opções da lista",
    "value_error": "valor não aceito",
}

# Our own validators' reasons (pydantic's "Value error, ..."), by a part of the English text.
VALUE_ERRORS = {
    "must be the permanent `{shop}.myshopify.com` domain": (
        "use o domínio permanente da loja, terminado em .myshopify.com (ex.: minhaloja.myshopify.com)"
    ),
    "must be `YYYY-MM` (e.g. 2026-04) or `unstable`": "use o formato AAAA-MM (ex.: 2026-04)",
    "is only accepted in sandbox/dev mode": "só é aceito em modo de testes (sandbox)",
    "refresh_token needs client_id to be set": "o Refresh token exige o Client ID do aplicativo",
    "must be the numeric store id": "use o número da loja (ex.: 123456)",
    "must read `AppName (contact e-mail or URL)`": (
        "use o nome do aplicativo e um contato, como Ponte (ti@loja.com)"
    ),
    "must be `v1` or a dated version": "use v1 ou uma versão datada, como 2025-03",
    "must be a VTEX name": "use só letras minúsculas, números e hífens",
    "must be an absolute http(s) URL": "use um endereço completo, como https://minhaloja.com.br",
    "must not carry a user name or password": "o endereço não pode conter usuário ou senha",
    "must use https": "o endereço deve começar com https://",
    "must be a public host name": "use o endereço público da loja, não um endereço interno",
    "is reserved by the screen and the API": "este identificador é reservado; escolha outro",
    "the promotion must end after it starts": "a promoção deve terminar depois de começar",
    "not allowed": "esta opção não existe para esta plataforma",
    "unknown automation": "automação desconhecida; recarregue a página",
    "not a scheduled automation": "esta automação não tem intervalo",
    "must be a whole number of at least": "use um número inteiro de segundos, no mínimo o indicado",
}

# A line under a Configurações field where its name alone leaves the merchant guessing.
FIELD_HINTS = {
    "price_list": "O identificador da lista no ERP (“default”: a lista padrão).",
    "price_drop_guard_percent": (
        "Vazio: sem limite. Uma queda maior vai para Erros, para você conferir antes."
    ),
    "stock_buffer": "Descontado do saldo do ERP antes de enviar à plataforma.",
    "stock_max_listed": "Vazio: sem limite.",
    "erp_order_status": "Código da situação no ERP: 0 é “Em aberto”.",
    "sales_channel": "Vazio: o canal padrão do ERP.",
}

CHOICES = {
    "description": "Descrição",
    "short_description": "Descrição curta",
    "complement": "Complemento",
    "erp": "ERP",
    "platform": "Plataforma",
}

OWNED_FIELDS = {
    "name": "Nome",
    "description": "Descrição",
    "price": "Preço",
    "stock": "Estoque",
    "images": "Imagens",
    "categories": "Categorias",
    "brand": "Marca",
}

MAPPING_TARGETS = {
    "ncm": "NCM",
    "extra_description": "Descrição adicional",
    "sales_channel": "Canal de venda",
    "carrier": "Transportadora",
    "order_status": "Situação do pedido",
    "payment_method": "Forma de pagamento",
    "custom_attribute": "Atributo personalizado",
    "category": "Categoria na plataforma",
    "brand": "Marca na plataforma",
}

TRANSFORMS = {"constant": "Valor fixo", "lookup": "Tabela de-para", "template": "Modelo de texto"}

APPLY_WHEN = {"always": "Sempre", "create_only": "Só ao criar", "update_only": "Só ao alterar"}

ENTITIES = {
    "product": "Produtos",
    "category": "Categorias",
    "brand": "Marcas",
    "attribute": "Atributos",
    "order": "Pedidos de venda",
}

JOB_KINDS = {
    "import": "Importar",
    "export": "Exportar",
    "import_orders": "Importar Pedidos de Venda",
    "reconcile": "Conferência",
    "replay_held": "Eventos retidos",
}

JOB_STATES = {
    "queued": "na fila",
    "running": "em andamento",
    "done": "concluída",
    "failed": "falhou",
    "cancelled": "cancelada",
}

JOB_DONE = {
    "import": "importado(s)",
    "export": "exportado(s)",
    "import_orders": "pedido(s) importado(s)",
    "reconcile": "conferido(s)",
    "replay_held": "processado(s)",
}

ERROR_CLASSES = {
    "transient": "Falha temporária",
    "permanent": "Recusado",
    "configuration": "Configuração",
    "auth": "Acesso negado",
    "mapping": "Mapeamento",
    "prerequisite": "Aguardando outro registro",
}


# What the merchant can do about a parked record, by its class (the reason itself stays as the
# engine wrote it, shown as the technical detail).
ERROR_ADVICE = {
    "transient": "A plataforma ou o ERP falhou por um momento. Reenvie; se persistir, aguarde.",
    "permanent": "O destino recusou os dados. Corrija o cadastro (ou edite o conteúdo) e reenvie.",
    "configuration": "Falta ou está errada uma configuração. Confira Configurações e Acesso.",
    "auth": "O acesso foi negado. Confira o token ou a chave em Acesso e teste a conexão.",
    "mapping": "Falta uma regra de mapeamento para este valor. Ajuste Mapeamentos e reenvie.",
    "prerequisite": "Depende de outro registro que ainda não chegou (ex.: o pedido). Reenvie depois.",
}

# The kind of record an entity key names ("order:4501" -> "Pedido 4501").
RECORD_KINDS = {
    "order": "Pedido",
    "orders": "Pedidos",
    "product": "Produto",
    "stock": "Estoque",
    "price": "Preço",
    "category": "Categoria",
    "brand": "Marca",
    "attribute": "Atributo",
    "automation": "Automação",
}

# History outcomes, as the Histórico says them.
OUTCOMES = {
    "ok": "ok",
    "failed": "falhou",
    "duplicate": "duplicado",
    "dead_letter": "descartado (inválido)",
    "echo": "ignorado (eco da própria Ponte)",
    "held": "retido",
    "not_handled": "não tratado",
    "retried": "reenviado",
    "resolved": "resolvido",
    "ignored": "ignorado",
    "skipped": "ignorado",
    "error": "erro",
    "refused": "recusado",
    "retryable": "falha temporária",
    # a parked record's history entry carries its error class as the outcome
    "transient": "falha temporária",
    "permanent": "recusado",
    "configuration": "erro de configuração",
    "auth": "acesso negado",
    "mapping": "falta mapeamento",
    "prerequisite": "aguardando outro registro",
}


def status_explained(status: str, reason: str | None) -> str:
    """Why an integration is paused or in error, as the merchant reads it."""
    if status == IntegrationStatus.ERROR:
        lead = (
            "A Ponte parou esta integração porque a plataforma recusou o acesso ou a "
            "configuração. Confira Acesso, teste a conexão e clique em Retomar."
        )
        return f"{lead} Detalhe técnico: {reason}" if reason else lead
    if status == IntegrationStatus.PAUSED:
        lead = "Pausada: os eventos ficam retidos até você clicar em Retomar."
        by = (reason or "").removeprefix("paused by ")
        if reason and by != reason:
            return f"{lead} Pausada por {by}."
        return f"{lead} Motivo: {reason}" if reason else lead
    return reason or ""


def record_label(entity_key: str) -> str:
    """An entity key as the merchant reads it: the kind in pt-BR, then the code."""
    kind, _, code = entity_key.partition(":")
    return f"{RECORD_KINDS[kind]} {code}" if code and kind in RECORD_KINDS else entity_key


def field_label(name: str, title: str | None = None) -> str:
    return FIELDS.get(name) or title or name.replace("_", " ").capitalize()


# The admin API's error codes as the screen says them; the script falls back to the API's own
# message for a code missing here (tests/unit/test_screen_words.py checks none is missing).
API_ERRORS = {
    "invalid": "Alguns campos não são válidos. Confira os campos indicados e tente de novo.",
    "invalid_access": "Os dados de acesso não são válidos. Confira os campos indicados.",
    "invalid_mappings": "Alguma regra de mapeamento não é válida. Confira as regras indicadas.",
    "invalid_payload": "O conteúdo editado não é um evento válido deste tipo. Confira o JSON.",
    "invalid_range": "O período não é válido: a data inicial deve vir antes da final.",
    "missing_range": "Informe o período (De e Até) ou o número do pedido.",
    "malformed_json": "O conteúdo enviado não é um JSON válido.",
    "unsupported_media_type": "A tela enviou um formato inesperado. Recarregue a página.",
    "interval_too_short": "O intervalo é curto demais. Use pelo menos o mínimo indicado.",
    "not_scheduled": "Esta automação não tem intervalo: ela age assim que algo acontece.",
    "not_schedulable": "Esta automação não roda por agendamento.",
    "unknown_automation": "Automação desconhecida. Recarregue a página.",
    "unknown_platform": "Plataforma desconhecida. Escolha uma da lista.",
    "unknown_topic": "Este evento retido não pode mais ser processado.",
    "changed_meanwhile": (
        "Outra pessoa alterou esta integração enquanto você editava. "
        "Recarregue a página e refaça a alteração."
    ),
    "nothing_to_restore": (
        "A versão atual já tem as Configurações, os Mapeamentos e as Automações desta versão."
    ),
    "automation_off": (
        "A automação correspondente está desligada. Ligue-a em Automações e tente de novo."
    ),
    "integration_not_active": "A integração não está ativa. Retome-a antes de executar.",
    "not_active": "A integração não está ativa. Retome-a antes de iniciar uma tarefa.",
    "held_events": (
        "Há eventos retidos para esta integração. Processe ou descarte-os em Automações "
        "antes de excluí-la."
    ),
    "exists": "Já existe uma integração com este identificador. Escolha outro.",
    "save_first": "Salve a integração antes de testar a conexão salva.",
    "not_found": "Não encontrado: talvez tenha sido excluído. Recarregue a página.",
    "no_such_route": "Endereço inexistente na Ponte. Recarregue a página.",
    "method_not_allowed": "Ação não permitida neste endereço. Recarregue a página.",
    "body_too_large": "O conteúdo enviado é grande demais.",
    "http_error": "A Ponte recusou o pedido. Recarregue a página e tente de novo.",
    "not_parked": "Este registro não está mais na lista de erros. Recarregue a página.",
    "not_retryable": "Este registro não pode ser reenviado. Corrija a causa ou ignore-o.",
    "finished": "Esta tarefa já terminou.",
    "cannot_list": "Esta plataforma não permite listar os produtos para vincular.",
    "catalogue_unreadable": (
        "Não foi possível ler um dos catálogos. Confira a conexão e tente de novo."
    ),
    "platform_cannot": "Esta plataforma não permite esta ação.",
    "unsupported_entity": "Este tipo de cadastro não está disponível para esta ação.",
    "unsupported_kind": "Este tipo de tarefa não existe.",
    "not_for_this_kind": "Estes campos não valem para este tipo de tarefa.",
    "query_too_long": "A busca é longa demais: use até 200 caracteres.",
    "not_visible_yet": "Salvo, mas ainda não aparece aqui. Recarregue a página em instantes.",
    "csrf_token": "Sua sessão mudou. Recarregue a página e tente de novo.",
    "unauthorized": "Sua sessão expirou. Entre de novo.",
    "internal": "A Ponte falhou neste pedido (registrado). Tente de novo em instantes.",
}

# What each config-log entry did, as the Histórico de configurações says it.
CONFIG_ACTIONS = {
    "create": "Inclusão",
    "settings": "Configurações",
    "mappings": "Mapeamentos",
    "automations": "Automações",
    "pause": "Pausa",
    "resume": "Retomada",
    "restore": "Restauração",
    "rename": "Nome",
    "access": "Acesso",
    "delete": "Exclusão",
    "flag_error": "Erro detectado",
    "update": "Alteração",
}

CONFIG_PARTS = {
    "settings": "Configurações",
    "automations": "Automações",
    "mappings": "Mapeamentos",
    "connection": "Acesso",
    "credentials": "Acesso (segredo)",
    "sealed_fields": "Segredos definidos",
    "name": "Nome",
    "status": "Situação",
    "status_reason": "Motivo da situação",
    "platform": "Plataforma",
    "id": "Identificador",
}


# What the script needs to name fields, records and outcomes and to say field problems in
# pt-BR (embedded in every signed-in page).
FIELD_WORDS = {
    "labels": FIELDS,
    "problems": FIELD_PROBLEMS,
    "reasons": VALUE_ERRORS,
    "records": RECORD_KINDS,
    "outcomes": OUTCOMES,
}
